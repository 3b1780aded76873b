"""Snapshots as background tasks (django.tasks): the dashboard reads what the tasks stored.

`compute_requested` computes the snapshot a coordinator asked for from the dashboard (`snapshots.request` created
its row, QUEUED, so that the dashboard shows it waiting, then running stage by stage).

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
STALE_RUNNING = dt.timedelta(hours=6)  # a snapshot still "running" (or waiting) after this has died with its worker
PENDING = (SnapshotStatus.QUEUED, SnapshotStatus.RUNNING)


def is_stale(snapshot: Snapshot, now: dt.datetime | None = None) -> bool:
    """A snapshot waiting or running for longer than STALE_RUNNING counts as failed."""
    return snapshot.status in PENDING and snapshot.taken_at < (now or timezone.now()) - STALE_RUNNING


@task()
def take_snapshot(network_id: int, start: str, end: str) -> int:
    network = Network.objects.get(pk=network_id)
    return compute.take(network, dt.date.fromisoformat(start), dt.date.fromisoformat(end)).pk


@task()
def compute_requested(snapshot_id: int) -> int | None:
    """Fill the QUEUED snapshot a coordinator asked for. It is claimed once (QUEUED -> RUNNING, its time reset to
    when the computation starts); one that waited past STALE_RUNNING is marked FAILED instead: the dashboard has
    shown it failed, and the coordinator may have asked again meanwhile."""
    now = timezone.now()
    queued = Snapshot.objects.filter(pk=snapshot_id, status=SnapshotStatus.QUEUED)
    if not queued.filter(taken_at__gte=now - STALE_RUNNING).update(status=SnapshotStatus.RUNNING, taken_at=now):
        queued.update(status=SnapshotStatus.FAILED)
        return None
    snapshot = Snapshot.objects.select_related("network").get(pk=snapshot_id)
    return compute.take(snapshot.network, snapshot.period_start, snapshot.period_end, snapshot=snapshot).pk


def networks_missing_month(start: dt.date, end: dt.date) -> list[Network]:
    """The networks with members and no snapshot of [start, end] done (or waiting or under way for less than
    STALE_RUNNING)."""
    recent = timezone.now() - STALE_RUNNING
    taken = Snapshot.objects.filter(period_start=start, period_end=end).filter(
        status=SnapshotStatus.DONE
    ) | Snapshot.objects.filter(period_start=start, period_end=end, status__in=PENDING, taken_at__gte=recent)
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
