"""The team around the person: each organisation involved now, its professional, and how to reach them.

Shown on the project pages and in the person's own space, like a follow-up group's card: the organisation,
the role in the network, the named professional and their job, a button to call (`tel:`) and one to write
(`mailto:`, or the in-app message to the referent where the viewer is the person).

Who sees the team, in plain words:
1. The person themselves, always: it is their own network (door rule 3).
2. A professional, only while the door lets them see the person's COORDINATION data now: who is involved
   with a person is coordination data (the secondary network lives in that category on the file). Seeing
   the person's identity, or their project, is not enough: a partner who may read the objectives but not
   the network does not learn who else works with the person.
3. Under break-the-glass, as the door allows that category (read-only: calling and writing are a matter
   between professionals, they change nothing in the file).
The contact details shown are the professionals' and their organisations' own, never the person's.

The team is built from a `PersonPage` already let through the door (`person_page`): no other decision here,
and one query for the job titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import reverse

from maillage.accounts.models import Membership
from maillage.people.enums import InvolvementRole

if TYPE_CHECKING:
    from maillage.people.presenters import PersonPage

_ROLE_ORDER = {InvolvementRole.REFERENT: 0, InvolvementRole.INTERVENING: 1, InvolvementRole.CONSULTED: 2}
_DIALABLE = re.compile(r"[^\d+]")


@dataclass(frozen=True)
class TeamMember:
    organisation: str
    role: str
    role_label: str
    is_referent: bool
    professional: str
    job_title: str
    phone: str
    email: str
    message_url: str
    life_domains: tuple[str, ...] = field(default_factory=tuple)

    @property
    def tel_uri(self) -> str:
        """`tel:+3281…`: digits and the leading plus only (RFC 3966 global numbers keep their '+'); the trunk
        "(0)" written after a country code is not dialled from abroad."""
        digits = _DIALABLE.sub("", self.phone.replace("(0)", ""))
        return f"tel:{digits}" if digits else ""

    @property
    def mailto_uri(self) -> str:
        return f"mailto:{self.email}" if self.email else ""

    @property
    def name(self) -> str:
        """Who to ask for: the professional, else the organisation."""
        return self.professional or self.organisation


def team_visible(page: PersonPage) -> bool:
    """Rules 1-3: the person, or a viewer the door lets see the person's coordination data now."""
    return page.is_self or page.shows_coordination


def team_of(page: PersonPage) -> list[TeamMember]:
    """The team of `page`'s person as its viewer may see it (empty when `team_visible` is false).

    The referent first, then by role and organisation name. Contact: the named professional's phone and
    e-mail, else the organisation's. The person writes to their referent in the app, not by e-mail: the
    message stays in the file and reaches whoever is referent that day.
    """
    if not team_visible(page):
        return []
    involvements = page.active_involvements
    named = {(i.professional_id, i.organisation_id) for i in involvements if i.professional_id}
    titles = {}
    if named:
        memberships = Membership.objects.filter(
            user_id__in={user for user, _ in named}, organisation_id__in={org for _, org in named}, is_active=True
        ).values_list("user_id", "organisation_id", "job_title")
        titles = {(user, org): title for user, org, title in memberships}
    members = []
    for involvement in sorted(
        involvements, key=lambda i: (_ROLE_ORDER.get(i.role, 9), i.organisation.name.casefold(), i.pk)
    ):
        organisation, professional = involvement.organisation, involvement.professional
        is_referent = involvement.role == InvolvementRole.REFERENT
        message_url = reverse("people:space_home") + "#write" if page.is_self and is_referent else ""
        members.append(
            TeamMember(
                organisation=organisation.name,
                role=involvement.role,
                role_label=str(involvement.get_role_display()),
                is_referent=is_referent,
                professional=professional.get_full_name() if professional else "",
                job_title=titles.get((involvement.professional_id, involvement.organisation_id), ""),
                phone=(professional.phone if professional and professional.phone else organisation.phone),
                email=(professional.email if professional else organisation.email) or organisation.email,
                message_url=message_url,
                life_domains=tuple(term.name for term in involvement.life_domains.all()),
            )
        )
    return members
