"""What a snapshot reads, in aggregate only: pairs of organisations and counts, never a person.

1. Every query groups by organisation (or pair of organisations): no person id, name or date leaves this module.
2. Only the network's current member organisations count.
3. Referrals are read only when the referrals app is installed (`apps.is_installed`).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection

from maillage.analytics.models import DeclaredCapacity
from maillage.governance.enums import MemberStatus
from maillage.governance.models import Network, NetworkMember


@dataclass
class Inputs:
    organisations: dict[int, str] = field(default_factory=dict)  # id -> sector
    capacity: dict[int, int] = field(default_factory=dict)
    caseload: dict[int, int] = field(default_factory=dict)
    heavy: dict[int, int] = field(default_factory=dict)
    shared: dict[tuple[int, int], int] = field(default_factory=dict)
    meetings: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # (all, in crisis)
    # (sender, receiver) -> counts by key: sent, taken_up, declined, no_capacity, out_of_criteria, urgent (sent in
    # a crisis or marked as one), after_crisis (sent within the hot potato's hours after a crisis began)
    referrals: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)
    answer_hours: dict[int, float] = field(default_factory=dict)  # receiver -> median hours to answer
    decline_chains: dict[int, int] = field(default_factory=dict)  # first sender -> chains of declines
    ping_pong: dict[tuple[int, int], int] = field(default_factory=dict)  # (a, b), a < b -> persons sent back
    referrals_counted: bool = False
    open_needs: dict[tuple[int, int], int] = field(default_factory=dict)  # (commune, life domain) -> persons
    # organisation -> (persons who may be over-solicited, who may feel abandoned) it should act for (`attention`)
    attention: dict[int, tuple[int, int]] = field(default_factory=dict)
    persons: int = 0


def _members_sql() -> str:
    table = NetworkMember._meta.db_table
    return f"SELECT organisation_id FROM {table} WHERE network_id = %s AND status = '{MemberStatus.MEMBER}'"  # noqa: S608


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def load(network: Network, start: dt.date, end: dt.date, *, hot_potato_hours: int = 72, limits=None) -> Inputs:
    from maillage.people import aggregates

    inputs = Inputs()
    members = NetworkMember.objects.filter(network=network, status=MemberStatus.MEMBER).select_related("organisation")
    inputs.organisations = {m.organisation_id: m.organisation.sector for m in members}
    inputs.capacity = dict(
        DeclaredCapacity.objects.filter(organisation_id__in=inputs.organisations).values_list(
            "organisation_id", "persons"
        )
    )
    inputs.caseload, inputs.heavy, inputs.persons = aggregates.caseloads(list(inputs.organisations), end)
    inputs.open_needs = aggregates.open_needs_by_commune(list(inputs.organisations), end)
    inputs.shared = aggregates.followed_together(network.pk, _members_sql(), start, end)
    from maillage.coordination import aggregates as coordination_aggregates

    inputs.meetings = coordination_aggregates.meetings_together(network.pk, _members_sql(), start, end)
    if apps.is_installed("maillage.referrals"):
        _load_referrals(inputs, start, end, hot_potato_hours=hot_potato_hours)
    if limits is not None:
        _load_attention(inputs, end, limits)
    return inputs


def _load_attention(inputs: Inputs, end: dt.date, limits) -> None:
    """The persons the members follow who may be over-solicited or abandoned (`attention`), as of the period's end
    (now for a period not over yet), counted per organisation that should act. Person ids are read here to compute
    the signals and never leave this function."""
    from django.utils import timezone

    from maillage.analytics import attention
    from maillage.people.models import Involvement

    closing = timezone.make_aware(dt.datetime.combine(end, dt.time.max))
    now = min(timezone.now(), closing)
    followed = (
        Involvement.objects.active()
        .filter(organisation_id__in=list(inputs.organisations), started_on__lte=end)
        .values_list("person_id", flat=True)
        .distinct()
    )
    found = attention.signals(followed, limits, now=now)
    inputs.attention = attention.per_organisation(found.values(), inputs.organisations)


# How a referral's status counts (referrals.enums.ReferralStatus): taken up once the receiver accepted it, and
# still so after the first contact and at completion; declined only when the receiver said no. Drafts are never
# sent (no `sent_at`); cancelled, expired, obsolete and pending referrals are sent but neither taken up nor
# declined.
TAKEN_UP = frozenset({"ACCEPTED", "FIRST_CONTACT_DONE", "COMPLETED"})
DECLINED = "DECLINED"
# A receiver's answer: accepting, declining or putting on its waiting list (marking it received is not one).
ANSWERS = frozenset({"ACCEPTED", "DECLINED", "WAITING_LIST"})
URGENT = "CRISIS"  # referrals.enums.Urgency.CRISIS
DECLINE_CHAIN = 2  # declines in a row for the same person and life domain


def _load_referrals(inputs: Inputs, start: dt.date, end: dt.date, *, hot_potato_hours: int) -> None:
    """Referrals between member organisations sent in the period: counted by pair and outcome, the receivers'
    time to answer (from the referral's transitions), and the hot-potato signals (see `_hot_potatoes`).

    Person ids are read here to link a person's referrals together and never leave this function."""
    from maillage.coordination import aggregates as coordination_aggregates
    from maillage.referrals.models import Referral, ReferralTransition  # type: ignore[import-not-found]

    orgs = list(inputs.organisations)
    referrals = Referral.objects.filter(
        sender_organisation_id__in=orgs,
        receiver_organisation_id__in=orgs,
        sent_at__date__gte=start,
        sent_at__date__lte=end,
    )
    rows = list(
        referrals.values_list(
            "pk",
            "person_id",
            "life_domain_id",
            "sender_organisation_id",
            "receiver_organisation_id",
            "status",
            "decline_reason",
            "urgency",
            "sent_at",
        ).order_by("sent_at", "pk")
    )
    # The persons' crises in one query (a list of ids would be long at the scale of a region).
    crises = coordination_aggregates.crisis_windows(referrals.values("person_id")) if rows else {}
    window = dt.timedelta(hours=hot_potato_hours)
    for _pk, person, _domain, sender, receiver, status, reason, urgency, sent_at in rows:
        counts = inputs.referrals.setdefault((sender, receiver), defaultdict(int))
        status, reason = str(status or "").upper(), str(reason or "").upper()
        counts["sent"] += 1
        if status in TAKEN_UP:
            counts["taken_up"] += 1
        if status == DECLINED:
            counts["declined"] += 1
            if reason == "NO_CAPACITY":
                counts["no_capacity"] += 1
            elif reason == "OUT_OF_CRITERIA":
                counts["out_of_criteria"] += 1
        windows = crises.get(person)
        if not windows:  # most persons: no crisis to look through
            if urgency == URGENT:
                counts["urgent"] += 1
            continue
        in_crisis = any(began <= sent_at and (ended is None or sent_at <= ended) for began, ended in windows)
        if urgency == URGENT or in_crisis:
            counts["urgent"] += 1
        if any(began <= sent_at <= began + window for began, _ended in windows):
            counts["after_crisis"] += 1
    _answer_times(inputs, ReferralTransition, referrals, {row[0]: row for row in rows})
    _hot_potatoes(inputs, rows)
    inputs.referrals_counted = True


def _answer_times(inputs: Inputs, transitions, referrals, by_id: dict[int, tuple]) -> None:
    """The receivers' median time to answer, in hours: from the referral's move to SENT (its `sent_at` when no
    such move is kept) to the receiver's first answer (accept, decline or waiting list). One query for all the
    `referrals` (a query), each referral's first move to SENT and first answer read together."""
    from statistics import median

    from django.db.models import Min, Q

    moves = (
        transitions.objects.filter(referral__in=referrals.values("pk"), to_status__in=[*ANSWERS, "SENT"])
        .values("referral_id")
        .annotate(sent=Min("at", filter=Q(to_status="SENT")), answered=Min("at", filter=Q(to_status__in=ANSWERS)))
        .values_list("referral_id", "sent", "answered")
        .order_by()
    )
    hours: dict[int, list[float]] = defaultdict(list)
    for referral, sent, at in moves:
        if at is None or referral not in by_id:
            continue
        began = sent or by_id[referral][8]
        if began is not None and at >= began:
            hours[by_id[referral][4]].append((at - began).total_seconds() / 3600)
    inputs.answer_hours = {org: round(median(values), 1) for org, values in hours.items()}


def _hot_potatoes(inputs: Inputs, rows: list[tuple]) -> None:
    """Two of the hot potato's signals, counted without the person (DOMAIN.md, the fruit net):

    - a chain of declines: `DECLINE_CHAIN` referrals in a row for the same person and life domain were
      declined; counted for the organisation that sent the first of them;
    - ping-pong: a person sent by one organisation to another and back again in the period; counted once per
      person for the pair.
    """
    by_situation: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    by_person: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for _pk, person, domain, sender, receiver, status, _reason, _urgency, _sent_at in rows:
        by_situation[(person, domain)].append((sender, str(status or "").upper()))
        by_person[person].append((sender, receiver))
    chains: dict[int, int] = defaultdict(int)
    for referrals in by_situation.values():
        run_start, run = None, 0
        for sender, status in referrals:
            if status == DECLINED:
                run_start = sender if run == 0 else run_start
                run += 1
                if run == DECLINE_CHAIN:
                    chains[run_start] += 1
            else:
                run = 0
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    for moves in by_person.values():
        seen: set[tuple[int, int]] = set()
        counted: set[tuple[int, int]] = set()
        for sender, receiver in moves:
            key = (min(sender, receiver), max(sender, receiver))
            if (receiver, sender) in seen and key not in counted:
                pairs[key] += 1
                counted.add(key)
            seen.add((sender, receiver))
    inputs.decline_chains = dict(chains)
    inputs.ping_pong = dict(pairs)


def empty_counts() -> dict[str, int]:
    return defaultdict(int)
