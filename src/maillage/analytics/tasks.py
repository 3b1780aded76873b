"""Snapshots as background tasks (django.tasks): the dashboard reads what the tasks stored.

`monthly_snapshots` is the periodic job `analytics_monthly` (settings.PERIODIC_TASKS, daily): it takes last month's
snapshot of every network with members that has none yet, so the trends fill themselves; a day missed, or a
snapshot failed, is caught up the next day.
"""

import datetime as dt
import logging

from django.tasks import task
from django.utils import timezone

from maillage.analytics import compute
from maillage.analytics.enums import SnapshotStatus
from maillage.analytics.models import Snapshot
from maillage.governance.enums import MemberStatus
from maillage.governance.models import Network

logger = logging.getLogger(__name__)
STALE_RUNNING = dt.timedelta(hours=6)  # a snapshot still "running" after this has died with its worker


@task()
def take_snapshot(network_id: int, start: str, end: str) -> int:
    network = Network.objects.get(pk=network_id)
    return compute.take(network, dt.date.fromisoformat(start), dt.date.fromisoformat(end)).pk


def networks_missing_month(start: dt.date, end: dt.date) -> list[Network]:
    """The networks with members and no snapshot of [start, end] done (or under way for less than 6 hours)."""
    recent = timezone.now() - STALE_RUNNING
    taken = Snapshot.objects.filter(period_start=start, period_end=end).filter(
        status=SnapshotStatus.DONE
    ) | Snapshot.objects.filter(
        period_start=start, period_end=end, status=SnapshotStatus.RUNNING, taken_at__gte=recent
    )
    return list(
        Network.objects.filter(members__status=MemberStatus.MEMBER)
        .exclude(pk__in=taken.values("network_id"))
        .distinct()
        .order_by("pk")
    )


@task()
def monthly_snapshots() -> list[int]:
    """Last calendar month's snapshot for each network that lacks it: one network's failure does not stop the
    others (its snapshot is marked FAILED and taken again the next day)."""
    ((start, end),) = compute.last_months(timezone.localdate(), 1)
    taken = []
    for network in networks_missing_month(start, end):
        try:
            taken.append(compute.take(network, start, end).pk)
        except Exception:
            # compute.take marked it FAILED; the next networks still get theirs, and this one tomorrow.
            logger.exception("monthly analytics snapshot failed for network %s", network.pk)
    return taken
