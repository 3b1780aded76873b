"""What the person pages show, built once per request from a person already let through the door.

Each section of the file belongs to one data category; `PersonPage` holds only the sections whose
category the actor may see now (`categories_for`), so templates cannot show a masked one by mistake.
A fixed number of queries whatever the size of the file (pinned by the view tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from maillage.access.door import categories_for, is_own_involvement
from maillage.access.enums import Category
from maillage.access.models import BreakGlassGrant
from maillage.accounts.enums import Role
from maillage.consent.models import Consent, Objection
from maillage.people import ecomap
from maillage.people.enums import (
    EndProposalStatus,
    InvolvementRole,
    InvolvementStatus,
    RelationQuality,
    RelationStrength,
)
from maillage.people.models import (
    InformationRecord,
    Involvement,
    InvolvementEndProposal,
    Need,
    Person,
    ReferentChange,
    Relation,
)
from maillage.people.services import need_category

STRENGTH = {
    RelationStrength.STRONG: ecomap.Strength.STRONG,
    RelationStrength.MEDIUM: ecomap.Strength.MODERATE,
    RelationStrength.WEAK: ecomap.Strength.WEAK,
}
ROLE_STRENGTH = {
    InvolvementRole.REFERENT: ecomap.Strength.STRONG,
    InvolvementRole.INTERVENING: ecomap.Strength.MODERATE,
    InvolvementRole.CONSULTED: ecomap.Strength.WEAK,
}


def professional_organisation_ids(actor: Any) -> set[int]:
    return {m.organisation_id for m in getattr(actor, "memberships", ()) if m.role == Role.PROFESSIONAL}


@dataclass(frozen=True)
class NetworkRow:
    """One active involvement and what the viewer may do with it (door rule 8), so that a page offers only
    what will be accepted: end it (own organisation, or the person), propose its end (the referent, for
    another organisation), answer a pending proposal (the affected organisation), or ask the referent."""

    involvement: Involvement
    own: bool
    can_end: bool
    can_propose_end: bool
    ask_referent: bool
    pending: InvolvementEndProposal | None
    can_answer: bool


@dataclass
class PersonPage:
    person: Person
    categories: frozenset[Category]
    involvements: list[Involvement] = field(default_factory=list)
    information_records: list[InformationRecord] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    referent_changes: list[ReferentChange] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    objections: list[Objection] = field(default_factory=list)
    end_proposals: list[InvolvementEndProposal] = field(default_factory=list)
    own_involvement_ids: frozenset[int] = frozenset()
    grant: BreakGlassGrant | None = None
    is_involved: bool = False
    is_referent: bool = False
    is_self: bool = False

    @property
    def shows_identity(self) -> bool:
        return Category.IDENTITY in self.categories

    @property
    def shows_social(self) -> bool:
        return Category.SOCIAL in self.categories

    @property
    def shows_health(self) -> bool:
        return Category.HEALTH in self.categories

    @property
    def shows_project(self) -> bool:
        return Category.PROJECT in self.categories

    @property
    def shows_coordination(self) -> bool:
        return Category.COORDINATION in self.categories

    @property
    def shows_needs(self) -> bool:
        return self.shows_social or self.shows_health

    @property
    def active_involvements(self) -> list[Involvement]:
        return [i for i in self.involvements if i.status == InvolvementStatus.ACTIVE]

    @property
    def past_involvements(self) -> list[Involvement]:
        return [i for i in self.involvements if i.status != InvolvementStatus.ACTIVE]

    @property
    def referent(self) -> Involvement | None:
        return next((i for i in self.active_involvements if i.role == InvolvementRole.REFERENT), None)

    @property
    def network_rows(self) -> list[NetworkRow]:
        writes = (self.is_involved or self.is_self) and self.grant is None
        pending = {p.involvement_id: p for p in self.end_proposals if p.status == EndProposalStatus.PENDING}
        rows = []
        for involvement in self.active_involvements:
            own = involvement.pk in self.own_involvement_ids
            waiting = pending.get(involvement.pk)
            rows.append(
                NetworkRow(
                    involvement=involvement,
                    own=own,
                    can_end=writes and (own or self.is_self),
                    can_propose_end=writes and self.is_referent and not own and waiting is None,
                    ask_referent=writes and not (own or self.is_self or self.is_referent),
                    pending=waiting,
                    can_answer=writes and own and waiting is not None,
                )
            )
        return rows

    @property
    def can_change_referent(self) -> bool:
        """Door rule 8e: the person, the referent's organisation, or anyone involved while there is none."""
        if self.grant is not None or not (self.is_involved or self.is_self):
            return False
        return self.is_self or self.is_referent or self.referent is None

    @property
    def pending_answers(self) -> list[InvolvementEndProposal]:
        """Proposals to end one of the viewer's own organisation's involvements, awaiting its answer."""
        return [row.pending for row in self.network_rows if row.can_answer and row.pending is not None]

    @property
    def disagreements(self) -> list[InvolvementEndProposal]:
        """Proposals the affected organisation objected to: shown to the referent, to that organisation and
        to the person (door rule 8b)."""
        return [
            p
            for p in self.end_proposals
            if p.status == EndProposalStatus.OBJECTED
            and (self.is_self or self.is_referent or p.involvement_id in self.own_involvement_ids)
        ]

    @property
    def current_consents(self) -> list[Consent]:
        now = timezone.now()
        return [c for c in self.consents if not _superseded(c, self.consents) and c.is_valid_at(now)]

    @property
    def ended_consents(self) -> list[Consent]:
        now = timezone.now()
        return [c for c in self.consents if not _superseded(c, self.consents) and not c.is_valid_at(now)]

    @property
    def active_objections(self) -> list[Objection]:
        return [o for o in self.objections if not _superseded(o, self.objections) and o.withdrawn_at is None]

    @property
    def hidden_categories(self) -> list[Category]:
        return [category for category in Category if category not in self.categories]

    def ecomap(self) -> ecomap.Ecomap:
        return build_ecomap(self)


def _superseded(row: Consent | Objection, rows: list) -> bool:
    return any(other.supersedes_id == row.pk for other in rows)


def person_page(actor: Any, person: Person, *, categories: frozenset[Category] | None = None) -> PersonPage:
    """Load the sections of `person`'s file that `actor` may see now."""
    categories = categories_for(actor, person) if categories is None else categories
    page = PersonPage(person=person, categories=categories)
    user = getattr(actor, "user", None)
    page.is_self = bool(user is not None and person.user_id == user.pk and getattr(actor, "is_person", False))
    page.involvements = list(
        Involvement.objects.filter(person=person)
        .select_related("organisation", "professional")
        .prefetch_related("life_domains")
        .order_by("-status", "-started_on", "pk")
    )
    mine = professional_organisation_ids(actor)
    page.is_involved = any(i.organisation_id in mine for i in page.active_involvements)
    page.is_referent = any(
        i.organisation_id in mine for i in page.active_involvements if i.role == InvolvementRole.REFERENT
    )
    page.own_involvement_ids = frozenset(i.pk for i in page.active_involvements if is_own_involvement(actor, i))
    if not page.is_involved and not page.is_self and user is not None:
        page.grant = (
            BreakGlassGrant.objects.active_at(timezone.now())
            .filter(actor=user, person=person)
            .order_by("-expires_at")
            .first()
        )
    if page.shows_identity:
        page.information_records = list(
            InformationRecord.objects.filter(person=person).select_related("organisation", "informed_by")
        )
    if page.shows_needs:
        needs = Need.objects.filter(person=person).select_related("term", "term__parent")
        page.needs = [need for need in needs if need_category(need.term) in categories]
    if page.shows_social:
        page.relations = list(Relation.objects.filter(person=person, ended_on__isnull=True))
    if page.shows_coordination:
        page.referent_changes = list(
            ReferentChange.objects.filter(person=person).select_related(
                "from_involvement__organisation", "to_involvement__organisation", "recorded_by"
            )
        )
    if page.shows_coordination or page.is_self:
        page.end_proposals = list(
            InvolvementEndProposal.objects.filter(person=person).select_related(
                "involvement__organisation", "proposed_by_organisation"
            )
        )
    if page.is_involved or page.is_self:
        page.consents = list(
            Consent.objects.filter(person=person).select_related("recipient_organisation", "recorded_by")
        )
        page.objections = list(Objection.objects.filter(person=person).select_related("organisation"))
    return page


def build_ecomap(page: PersonPage) -> ecomap.Ecomap:
    """The ecomap of what the page may show: relations (social), involvements (coordination)."""
    ties: list[ecomap.Tie] = []
    for relation in page.relations:
        ties.append(
            ecomap.Tie(
                label=relation.name,
                network=ecomap.Network.PRIMARY,
                detail=relation.kind_detail or str(relation.get_kind_display()),
                strength=STRENGTH.get(relation.strength, ecomap.Strength.MODERATE),
                stressful=relation.quality in (RelationQuality.STRESSFUL, RelationQuality.BOTH),
                support=ecomap.Support.NONE
                if relation.quality == RelationQuality.STRESSFUL
                else ecomap.Support(relation.support_direction),
            )
        )
    if page.shows_coordination:
        for involvement in page.active_involvements:
            detail = str(involvement.get_role_display())
            if involvement.professional_id:
                detail += f" · {involvement.professional.get_full_name()}"
            ties.append(
                ecomap.Tie(
                    label=involvement.organisation.name,
                    network=ecomap.Network.SECONDARY,
                    detail=detail,
                    strength=ROLE_STRENGTH.get(involvement.role, ecomap.Strength.MODERATE),
                    support=ecomap.Support.TO_PERSON,
                )
            )
    name = page.person.full_name if page.shows_identity else gettext("The person")
    return ecomap.Ecomap(person=name, ties=tuple(ties))
