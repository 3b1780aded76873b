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
    # (sender, receiver) -> counts by key: sent, taken_up, declined, no_capacity, out_of_criteria, urgent
    referrals: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)
    answer_hours: dict[int, float] = field(default_factory=dict)
    referrals_counted: bool = False
    persons: int = 0


def _members_sql() -> str:
    table = NetworkMember._meta.db_table
    return f"SELECT organisation_id FROM {table} WHERE network_id = %s AND status = '{MemberStatus.MEMBER}'"  # noqa: S608


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def load(network: Network, start: dt.date, end: dt.date) -> Inputs:
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
    inputs.shared = aggregates.followed_together(network.pk, _members_sql(), start, end)
    from maillage.coordination import aggregates as coordination_aggregates

    inputs.meetings = coordination_aggregates.meetings_together(network.pk, _members_sql(), start, end)
    if apps.is_installed("maillage.referrals"):
        _load_referrals(inputs, start, end)
    return inputs


def _load_referrals(inputs: Inputs, start: dt.date, end: dt.date) -> None:
    """Referrals between member organisations sent in the period, counted by pair and outcome."""
    from django.db.models import Count

    from maillage.referrals.models import Referral  # type: ignore[import-not-found]

    orgs = list(inputs.organisations)
    rows = (
        Referral.objects.filter(
            sender_organisation_id__in=orgs,
            receiver_organisation_id__in=orgs,
            sent_at__date__gte=start,
            sent_at__date__lte=end,
        )
        .values_list("sender_organisation_id", "receiver_organisation_id", "status", "decline_reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    for sender, receiver, status, reason, n in rows:
        counts = inputs.referrals.setdefault((sender, receiver), defaultdict(int))
        status, reason = str(status or "").upper(), str(reason or "").upper()
        counts["sent"] += n
        if status in {"ACCEPTED", "COMPLETED"}:
            counts["taken_up"] += n
        if status == "DECLINED":
            counts["declined"] += n
            if reason == "NO_CAPACITY":
                counts["no_capacity"] += n
            elif reason == "OUT_OF_CRITERIA":
                counts["out_of_criteria"] += n
    inputs.referrals_counted = True


def empty_counts() -> dict[str, int]:
    return defaultdict(int)
