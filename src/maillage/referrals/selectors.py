"""Reads of referrals, through the door: one referral for the side that asks, an organisation's inbox and outbox.

`referral_for` answers `Http404` for a referral the actor has no side in (unknown and forbidden look the same),
and audits what it shows: the receiver, before it accepts, through the door's rule 13 only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from maillage.access.door import person_for, persons_visible_to
from maillage.access.enums import Action, Category
from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.models import Organisation
from maillage.directory.search import ServiceQuery, search_services
from maillage.directory.selectors import builtin_terms, public_service
from maillage.people.enums import OPEN_NEED_STATUSES
from maillage.people.models import Involvement, Need
from maillage.projects.enums import ObjectiveStatus
from maillage.projects.models import Objective
from maillage.referrals.enums import PENDING_STATUSES, Outcome, Party, ReferralStatus
from maillage.referrals.models import Referral
from maillage.referrals.services import AWAITING_FIRST_CONTACT, parties_of, pass_door


def referral_for(
    actor: Any, public_id: UUID | str, *, purpose: str = "referral_view", action: str = Action.VIEW
) -> tuple[Referral, frozenset]:
    """The referral and the sides the actor acts for on it; `Http404` when none (or the door refuses `action`:
    an EXPORT is refused under an emergency access)."""
    try:
        referral = Referral.objects.select_related(
            "person", "life_domain", "sender_organisation", "receiver_organisation", "receiver_service"
        ).get(public_id=public_id)
    except (Referral.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    parties = parties_of(actor, referral) - {Party.SYSTEM}
    if not parties:
        raise Http404
    side = next(p for p in (Party.SENDER, Party.PERSON, Party.RECEIVER) if p in parties)
    pass_door(actor, referral, side, action=action, purpose=purpose)
    return referral, parties


def inbox(organisation_id: int, *, status: str = "") -> QuerySet[Referral]:
    """The referrals sent to the organisation (no drafts), newest first: the summary only, no person."""
    rows = Referral.objects.received_by(organisation_id)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("life_domain", "sender_organisation").order_by("-sent_at", "-pk")


def outbox(organisation_id: int, *, status: str = "") -> QuerySet[Referral]:
    rows = Referral.objects.sent_by(organisation_id)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("life_domain", "receiver_organisation").order_by("-sent_at", "-pk")


def counters(rows: QuerySet[Referral]) -> dict[str, int]:
    """{status: count} for an inbox or outbox, every status present (0 when none)."""
    counts = {str(s): 0 for s in ReferralStatus}
    for row in rows.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["pending"] = sum(counts[str(s)] for s in PENDING_STATUSES)
    return counts


# --- sending: the candidates and the experience between two organisations ----------------------------------


@dataclass
class Experience:
    """What happened to the referrals one organisation sent to another (the sender's own history only)."""

    sent: int = 0
    accepted: int = 0  # accepted, first contact done or completed
    declined: int = 0
    need_met: int = 0
    pending: int = 0

    @property
    def any(self) -> bool:
        return self.sent > 0


@dataclass
class Candidate:
    service: Any
    distance_km: float | None
    is_stale: bool
    experience: Experience = field(default_factory=Experience)
    involved: bool = False  # its organisation already works with the person

    @property
    def capacity_fresh(self) -> bool:
        return self.service.capacity_is_fresh


TAKEN_UP = (ReferralStatus.ACCEPTED, ReferralStatus.FIRST_CONTACT_DONE, ReferralStatus.COMPLETED)


def experience(sender_organisation_id: int, receiver_ids: list[int]) -> dict[int, Experience]:
    """{receiver organisation id: Experience} of the referrals `sender_organisation_id` sent them (drafts aside),
    in one query: the candidates' "you sent them n, m accepted, k declined, j with the need met"."""
    found = {pk: Experience() for pk in receiver_ids}
    rows = (
        Referral.objects.filter(sender_organisation_id=sender_organisation_id)
        .filter(receiver_organisation_id__in=receiver_ids)
        .exclude(status=ReferralStatus.DRAFT)
        .order_by()
        .values("receiver_organisation_id", "status", "outcome")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        seen = found[row["receiver_organisation_id"]]
        seen.sent += row["n"]
        if row["status"] in TAKEN_UP:
            seen.accepted += row["n"]
        elif row["status"] == ReferralStatus.DECLINED:
            seen.declined += row["n"]
        elif row["status"] in PENDING_STATUSES:
            seen.pending += row["n"]
        if row["outcome"] == Outcome.NEED_MET:
            seen.need_met += row["n"]
    return found


def _age(person: Any) -> int | None:
    if person.birth_date is None:
        return None
    today = timezone.localdate()
    born = person.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def candidates(
    person: Any, life_domain: Any, *, sender_organisation_id: int, exclude_organisations: Iterable[int] = (), limit=20
) -> list[Candidate]:
    """Services of validated partners for `life_domain`, where the person lives (zones and remote services
    included) and for their age (the directory's search and ranking, which counts capacity), less the sender's
    own and `exclude_organisations` (a redirect leaves out the one that declined); each with the sender's
    experience of its organisation. The caller has the person through the door."""
    query = ServiceQuery(need=life_domain.code, commune_id=person.commune_id, age=_age(person), page_size=limit)
    excluded = {sender_organisation_id, *exclude_organisations}
    hits = [hit for hit in search_services(query).hits if hit.service.organisation_id not in excluded]
    involved = set(Involvement.objects.active().filter(person_id=person.pk).values_list("organisation_id", flat=True))
    seen = experience(sender_organisation_id, sorted({hit.service.organisation_id for hit in hits}))
    return [
        Candidate(
            service=hit.service,
            distance_km=hit.distance_km,
            is_stale=hit.is_stale,
            experience=seen[hit.service.organisation_id],
            involved=hit.service.organisation_id in involved,
        )
        for hit in hits
    ]


def candidate_service(public_id: Any) -> Any:
    """A listed service of a validated organisation (the directory's public listing), or None."""
    return public_service(public_id)


def need_of(person: Any, public_id: Any) -> Any:
    """One open need of the person (already through the door), or `Http404`."""
    try:
        return (
            Need.objects.select_related("term")
            .filter(person_id=person.pk, status__in=OPEN_NEED_STATUSES)
            .get(public_id=public_id)
        )
    except (Need.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def needs_of(person: Any) -> list[Any]:
    """The person's open needs, heaviest first (what a referral can be about)."""
    return list(Need.objects.select_related("term").filter(person_id=person.pk, status__in=OPEN_NEED_STATUSES))


def objective_of(person: Any, public_id: Any) -> Any:
    """One active objective of the person's project (with a life domain), or `Http404`."""
    try:
        return (
            Objective.objects.select_related("life_domain")
            .filter(person_id=person.pk, status=ObjectiveStatus.ACTIVE, life_domain__isnull=False)
            .get(public_id=public_id)
        )
    except (Objective.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def followed_by(actor: Any, organisation_id: int) -> QuerySet[Any]:
    """The persons `organisation_id` (one of the actor's) follows now through an active involvement, among
    those the door shows the actor (a break-the-glass grant does not make a person "one of mine"). The
    caller audits what it lists (`audit_list`)."""
    followed = Involvement.objects.active().filter(organisation_id=organisation_id).values("person_id")
    return persons_visible_to(actor).filter(pk__in=followed)


def own_person(actor: Any, *, purpose: str) -> Any:
    """The person's own file, for their own space (the door: themselves, audited); `Http404` for anyone else."""
    if not getattr(actor, "is_person", False):
        raise Http404
    own = persons_visible_to(actor).filter(user=actor.user).values_list("public_id", flat=True).first()
    if own is None:
        raise Http404
    return person_for(actor, own, action=Action.VIEW, category=Category.COORDINATION, purpose=purpose)


def referrals_of(person: Any) -> QuerySet[Referral]:
    """The person's referrals as they see them in their own space: every one sent (drafts are the sender's)."""
    return (
        Referral.objects.filter(person_id=person.pk)
        .exclude(status=ReferralStatus.DRAFT)
        .select_related("life_domain", "sender_organisation", "receiver_organisation", "receiver_service")
        .order_by("-sent_at", "-pk")
    )


def unopened_count(organisation_id: int) -> int:
    """How many referrals sent to the organisation are still "sent" (nobody marked them received): a number,
    for the header's counter (the inbox index serves it)."""
    return Referral.objects.filter(receiver_organisation_id=organisation_id, status=ReferralStatus.SENT).count()


def network_delays_of(network: Any) -> Any:
    """The network's own referral delays (None: the platform's)."""
    from maillage.referrals.models import NetworkDelays

    return NetworkDelays.objects.filter(network=network).first()


# --- the FHIR export and import (`api`) ---------------------------------------------------------------------


def knows_person(referral: Referral, parties: frozenset) -> bool:
    """Whether the sides the actor acts for may know who the person is (fhir rule 3): the sender, the person,
    and the receiver once it works with the person; not the receiver deciding from the summary (door rule 13)."""
    if parties & {Party.SENDER, Party.PERSON}:
        return True
    return (
        Involvement.objects.active()
        .filter(person_id=referral.person_id, organisation_id=referral.receiver_organisation_id)
        .exists()
    )


def box_for_export(organisation_id: int, *, outgoing: bool, status: str = "") -> QuerySet[Referral]:
    """An inbox or outbox with what the FHIR export names (both organisations, the person's public id)."""
    rows = (outbox if outgoing else inbox)(organisation_id, status=status)
    return rows.select_related("life_domain", "sender_organisation", "receiver_organisation", "person")


def persons_known(organisation_id: int, referrals: list[Referral], *, outgoing: bool) -> set[int]:
    """The pks of the persons of these referrals the organisation may know (fhir rule 3): those it works with now
    (files not anonymised), and in its outbox those of the referrals still awaiting their first contact (door rule
    14)."""
    person_ids = {r.person_id for r in referrals if r.person.anonymised_at is None}
    known = set(
        Involvement.objects.active()
        .filter(organisation_id=organisation_id, person_id__in=person_ids)
        .values_list("person_id", flat=True)
    )
    if outgoing:
        known |= {r.person_id for r in referrals if r.status in AWAITING_FIRST_CONTACT and r.person_id in person_ids}
    return known


def validated_organisation(public_id: Any) -> Any:
    """A validated organisation by its public id, or None (an import names the other side by it)."""
    return Organisation.objects.filter(public_id=public_id, status=OrganisationStatus.VALIDATED).first()


def life_domain_of(codes: Iterable[str]) -> Any:
    """The first term of the built-in taxonomy (a life domain or one of its needs) among `codes`, or None."""
    codes = list(codes)
    found = {term.code: term for term in builtin_terms().filter(code__in=codes)}
    return next((found[code] for code in codes if code in found), None)
