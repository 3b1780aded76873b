"""Reads of the network's life: the network, its charter and signatures, objectives' progress, the map of who
met whom outside a situation, and contributions. No person data: organisations and counts only."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from maillage.core.text import collation_key
from maillage.governance.enums import AgreementKind, MemberStatus, ReviewStatus, VersionStatus
from maillage.governance.models import (
    Agreement,
    AgreementVersion,
    Body,
    Mandate,
    Network,
    NetworkMember,
    Objective,
    PartnerEvent,
    RenewalReminder,
)


def networks() -> QuerySet[Network]:
    return Network.objects.select_related("organisation").order_by("name")


def network_for_actor(actor: Any) -> Network | None:
    """The network the actor's organisation belongs to (or coordinates); the first one when several."""
    organisation = getattr(actor, "organisation", None)
    if organisation is None:
        return None
    return (
        Network.objects.filter(
            Q(organisation=organisation) | Q(members__organisation=organisation, members__status=MemberStatus.MEMBER)
        )
        .distinct()
        .order_by("name")
        .first()
    )


def current_members(network: Network) -> list[NetworkMember]:
    members = network.members.current().select_related("organisation", "presentation", "signatory")
    return sorted(members, key=lambda m: collation_key(m.organisation.name))


def all_members(network: Network) -> list[NetworkMember]:
    members = network.members.select_related("organisation")
    return sorted(members, key=lambda m: (m.status != MemberStatus.MEMBER, collation_key(m.organisation.name)))


def charter(network: Network) -> Agreement | None:
    return network.agreements.filter(kind=AgreementKind.CHARTER).first()


def adopted_version(agreement: Agreement | None) -> AgreementVersion | None:
    if agreement is None:
        return None
    return agreement.versions.filter(status=VersionStatus.ADOPTED).order_by("-number").first()


def version_in_preparation(agreement: Agreement | None) -> AgreementVersion | None:
    if agreement is None:
        return None
    return agreement.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.CONSULTATION]).first()


def conventions(network: Network) -> QuerySet[Agreement]:
    return network.agreements.filter(kind=AgreementKind.CONVENTION).prefetch_related("parties__organisation")


def conventions_to_renew(network: Network, today: dt.date, member: NetworkMember | None = None) -> list[Agreement]:
    """Conventions in force that end within their reminder period (for one member: those it is a party to)."""
    conventions = network.agreements.filter(
        kind=AgreementKind.CONVENTION, ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=366)
    )
    if member is not None:
        conventions = conventions.filter(parties=member)
    return [
        agreement
        for agreement in conventions.order_by("ends_on", "title")
        if agreement.ends_on - dt.timedelta(days=agreement.renewal_notice_days) <= today
    ]


LAST_REMINDER_DAYS = 7  # besides the convention's own notice period, a last reminder a week before the end


def renewal_thresholds(agreement: Agreement) -> list[int]:
    """The days before the end at which a convention's renewal is reminded, largest first."""
    return sorted(
        {agreement.renewal_notice_days, min(LAST_REMINDER_DAYS, agreement.renewal_notice_days)}, reverse=True
    )


def renewal_reminders_due(today: dt.date) -> list[tuple[int, int]]:
    """[(convention id, threshold)] for each convention in force whose end is at most `threshold` days away and
    not yet reminded at that threshold for that end date: the smallest threshold crossed only (a convention
    created five days before its end gets one reminder, not two)."""
    conventions = Agreement.objects.filter(
        kind=AgreementKind.CONVENTION, ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=366)
    ).order_by("ends_on", "pk")
    sent = set(
        RenewalReminder.objects.filter(agreement__in=conventions).values_list("agreement_id", "ends_on", "days_before")
    )
    due = []
    for agreement in conventions:
        left = (agreement.ends_on - today).days
        crossed = [days for days in renewal_thresholds(agreement) if left <= days]
        if crossed and (agreement.pk, agreement.ends_on, crossed[-1]) not in sent:
            due.append((agreement.pk, crossed[-1]))
    return due


@dataclass(frozen=True)
class SignatureLine:
    member: NetworkMember
    signature: Any  # Signature | None


def signature_lines(version: AgreementVersion) -> list[SignatureLine]:
    """Each organisation expected to sign the version (members, or a convention's parties), signed or not."""
    agreement = version.agreement
    if agreement.kind == AgreementKind.CONVENTION:
        expected = list(agreement.parties.select_related("organisation"))
    else:
        expected = current_members(agreement.network)
    signed = {s.member_id: s for s in version.signatures.all()}
    expected = sorted(expected, key=lambda m: collation_key(m.organisation.name))
    return [SignatureLine(member, signed.get(member.pk)) for member in expected]


def versions_awaiting_signature(member: NetworkMember) -> list[AgreementVersion]:
    """The adopted versions (charter, or conventions the member is a party to) its organisation has not signed."""
    adopted = (
        AgreementVersion.objects.filter(agreement__network_id=member.network_id, status=VersionStatus.ADOPTED)
        .filter(Q(agreement__kind=AgreementKind.CHARTER) | Q(agreement__parties=member))
        .exclude(signatures__member=member)
        .select_related("agreement")
        .distinct()
    )
    return list(adopted.order_by("agreement__kind", "agreement__title"))


def bodies(network: Network) -> QuerySet[Body]:
    today = timezone.localdate()
    current = Mandate.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today)
    return network.bodies.prefetch_related(
        Prefetch("mandates", queryset=current.select_related("member__organisation", "holder"), to_attr="current"),
        "meetings__decisions",
    )


@dataclass(frozen=True)
class Progress:
    objective: Objective
    points: list  # measurements in date order
    latest: Any
    share: int | None  # % of the way from baseline to target, 0..100 (None when unknown)


def progress(objective: Objective) -> Progress:
    points = list(objective.measurements.order_by("measured_on"))
    known = [p for p in points if p.value is not None]
    latest = known[-1] if known else None
    share = None
    span = objective.target - objective.baseline
    if latest is not None and span:
        share = max(0, min(100, round(float((latest.value - objective.baseline) / span) * 100)))
    return Progress(objective, points, latest, share)


def objectives_progress(network: Network) -> list[Progress]:
    return [progress(objective) for objective in network.objectives.prefetch_related("measurements")]


def shared_reviews(network: Network) -> QuerySet:
    return network.reviews.filter(status=ReviewStatus.SHARED).select_related("member__organisation")


def reviews_for(network: Network, member: NetworkMember | None) -> QuerySet:
    """Shared reviews, and the drafts of the actor's own organisation."""
    visible = Q(status=ReviewStatus.SHARED)
    if member is not None:
        visible |= Q(member=member)
    return network.reviews.filter(visible).select_related("member__organisation").order_by("-created_at")


def practice_sheets(network: Network, *, query: str = "", domain: str = "") -> QuerySet:
    sheets = network.practice_sheets.select_related("member__organisation").prefetch_related("domains", "versions")
    if query:
        for word in query.split()[:8]:
            sheets = sheets.filter(Q(title__icontains=word) | Q(versions__text__icontains=word))
    if domain:
        sheets = sheets.filter(domains__code=domain)
    return sheets.distinct().order_by("title")


def upcoming_events(network: Network, now: dt.datetime) -> QuerySet[PartnerEvent]:
    return (
        network.events.filter(starts_at__gte=now)
        .select_related("host__organisation")
        .prefetch_related("registrations__member__organisation")
    )


@dataclass(frozen=True)
class Acquaintance:
    member: NetworkMember
    met: list[tuple[NetworkMember, int]]  # the members met outside a situation, and how many times


def knowledge_map(network: Network, now: dt.datetime) -> list[Acquaintance]:
    """Which member organisations have met each other outside a situation: at a past meet-a-partner event
    (host and registered members, and members registered together), or at a body meeting (members present)."""
    members = {m.pk: m for m in current_members(network)}
    times: dict[tuple[int, int], int] = defaultdict(int)

    def met(group: set[int]) -> None:
        for a, b in combinations(sorted(group & members.keys()), 2):
            times[(a, b)] += 1

    for event in network.events.filter(starts_at__lt=now).prefetch_related("registrations"):
        met({event.host_id, *(r.member_id for r in event.registrations.all())})
    for body in network.bodies.prefetch_related("meetings__present"):
        for meeting in body.meetings.all():
            if meeting.starts_at < now:
                met({m.pk for m in meeting.present.all()})
    rows = []
    for member in members.values():
        others = [(members[b if a == member.pk else a], n) for (a, b), n in times.items() if member.pk in (a, b)]
        others.sort(key=lambda pair: collation_key(pair[0].organisation.name))
        rows.append(Acquaintance(member, others))
    return sorted(rows, key=lambda row: collation_key(row.member.organisation.name))
