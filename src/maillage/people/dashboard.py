"""The dashboard's cards about persons (registered in PeopleConfig.ready).

A professional sees the files that changed lately, the proposals awaiting their organisation's answer and
their own emergency accesses; every person shown is listed through the door (`persons_visible_to`) and the
whole dashboard's listing is audited in one `audit_list` batch, names only where the identity is shared.
The person sees what changed in their network and who looked at their file, through the door as themselves.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.access import selectors as access_selectors
from maillage.access.door import audit_list, persons_visible_to
from maillage.access.enums import Action, Category
from maillage.accounts.actors import Actor
from maillage.core.dashboard import Card, Row
from maillage.people import purposes, selectors

RECENT_DAYS = 14
ROWS = 5
PERSON_RECENT_DAYS = 30
MASKED = _("Person (identity not shared with you)")


def professional_cards(actor: Actor) -> Iterable[Card]:
    if not actor.is_professional:
        return []
    now = timezone.now()
    visible = persons_visible_to(actor)
    recent_all = selectors.persons_recently_changed(visible, now - dt.timedelta(days=RECENT_DAYS))
    recent = list(recent_all.select_related("commune")[:ROWS])
    awaiting = list(selectors.persons_awaiting_end_answer(actor, visible)[:ROWS])
    grants = access_selectors.break_glass_open_of(actor, now=now)
    granted = list(visible.filter(pk__in=list(grants)).order_by("pk")) if grants else []
    shown = {person.pk: person for person in [*recent, *awaiting, *granted]}
    categories = audit_list(actor, shown.values(), action=Action.LIST, purpose=purposes.DASHBOARD)

    def label(person: Any) -> str:
        if Category.IDENTITY not in categories.get(person.pk, ()):
            return str(MASKED)
        return f"{person.last_name.upper()} {person.first_name}".strip()

    def url(person: Any) -> str:
        return reverse("people:person_detail", kwargs={"public_id": person.public_id})

    persons_url = reverse("people:person_list")
    recent_count = len(recent) if len(recent) < ROWS else recent_all.count()
    granted.sort(key=lambda person: grants[person.pk])
    return [
        Card(
            key="waiting",
            title=_("Waiting for your answer"),
            order=10,
            count=len(awaiting),
            urgent=bool(awaiting),
            rows=[
                Row(
                    label(p),
                    url(p),
                    when=p.end_proposed_at,
                    when_label=_("proposed on"),
                    detail=_("The referent proposes to end your organisation's involvement: agree or object."),
                )
                for p in awaiting
            ],
            empty=_("Nothing waits for you: no proposal to end one of your involvements awaits an answer."),
        ),
        Card(
            key="recent",
            title=_("Files changed in the last two weeks"),
            order=20,
            count=recent_count,
            rows=[Row(label(p), url(p), when=p.last_activity_at, when_label=_("changed on")) for p in recent],
            more_url=persons_url,
            more_label=_("All the persons I follow"),
            empty=_(
                "No file you follow changed in the last two weeks. Open a file from the list of the persons "
                "you follow to record a need or an organisation of their network."
            ),
        ),
        Card(
            key="emergency",
            title=_("My emergency accesses"),
            order=30,
            count=len(granted),
            rows=[
                Row(label(p), url(p), when=timezone.localtime(grants[p.pk]), when_label=_("open until"))
                for p in granted
            ],
            empty=_(
                "You have no emergency access open. In an emergency, a file outside your network is opened "
                "for a few hours from its link, with a reason; it is recorded and the person is told."
            ),
        ),
    ]


def person_cards(actor: Actor) -> Iterable[Card]:
    """The person's own dashboard: a summary of their space, through the door as themselves."""
    if not actor.is_person:
        return []
    person = persons_visible_to(actor).filter(user=actor.user).first()
    if person is None:
        return []
    audit_list(actor, [person], action=Action.LIST, purpose=purposes.DASHBOARD)
    now = timezone.now()
    since = now - dt.timedelta(days=PERSON_RECENT_DAYS)
    changes = selectors.network_changes_since(person, timezone.localdate(now) - dt.timedelta(days=PERSON_RECENT_DAYS))
    count, looks = access_selectors.looks_by_others(person, since=since)
    space_url = reverse("people:space_home")
    who_saw_url = reverse("access:who_saw", kwargs={"public_id": person.public_id})
    network_rows = [
        Row(
            involvement.organisation.name,
            when=involvement.ended_on or involvement.started_on,
            detail=_("left your network") if involvement.ended_on else _("joined your network"),
        )
        for involvement in changes[:ROWS]
    ]
    look_rows = [
        Row(
            look.organisation or _("A professional"),
            when=look.at,
            detail=_("emergency access") if look.break_glass else "",
        )
        for look in looks
    ]
    return [
        Card(
            key="network",
            title=_("What changed in your network"),
            order=10,
            count=len(changes),
            rows=network_rows,
            more_url=space_url,
            more_label=_("My space: my networks, my needs, my consents"),
            empty=_("No organisation joined or left your network in the last 30 days."),
        ),
        Card(
            key="looks",
            title=_("Who looked at your file"),
            order=20,
            count=count,
            rows=look_rows,
            more_url=who_saw_url,
            more_label=_("Everyone who saw my file, and why"),
            empty=_("No one else opened your file in the last 30 days."),
        ),
    ]
