"""Snapshots asked for from the dashboard: a coordinator computes the network now, over the period they choose.

The rules, in plain words:

1. Only the network's coordinators ask (`permissions.can_see_network`).
2. The period ends today at the latest, starts on or before its last day, and spans at most MAX_DAYS days.
3. One computation at a time per network: while a snapshot of it waits or runs (asked for here, monthly or by the
   command), a new request is refused and says since when. One waiting or running for longer than
   `tasks.STALE_RUNNING` counts as failed, and no longer stops a new request.
4. The request creates the snapshot's row at once (QUEUED) and hands it to the background task
   (`tasks.compute_requested`), which fills it: the dashboard reads from the row whether it waits, runs (since when,
   at which stage) or failed.
5. The request is written in the network's governance log, as a change of the thresholds is.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.analytics import compute, permissions, tasks
from maillage.analytics.enums import SnapshotStatus
from maillage.analytics.models import Snapshot
from maillage.governance.models import Network
from maillage.governance.services import log_event

DEFAULT_DAYS = 90  # as `maillage analytics compute`
MAX_DAYS = 731  # two years
POLL_SECONDS = 3  # how often the dashboard asks where a computation is
STAGE_LABELS = {
    "load": gettext_lazy("reading the network's activity"),
    "graph": gettext_lazy("building the graph of the partnerships"),
    "indicators": gettext_lazy("computing the indicators"),
    "alerts": gettext_lazy("looking for the situations that raise an alert"),
    "store": gettext_lazy("storing the results"),
}


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last DEFAULT_DAYS days, today included."""
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today


@dataclass(frozen=True)
class Progress:
    """The network's latest computation when it is not a finished snapshot: waiting, running or failed."""

    snapshot: Snapshot
    state: str  # "queued", "running" or "failed"
    since: dt.datetime
    stage: int  # the stage under way, 1 to `stages`
    stages: int
    stage_label: str

    @property
    def pending(self) -> bool:
        return self.state != "failed"


def rows_of(network: Network):
    # The primary: the state of a computation under way is seconds old, a replica may lag behind it.
    return Snapshot.objects.using(DEFAULT_DB_ALIAS).filter(network=network)


def pending(network: Network) -> Snapshot | None:
    """Rule 3: the snapshot of the network waiting or running now (not for longer than STALE_RUNNING)."""
    recent = timezone.now() - tasks.STALE_RUNNING
    return rows_of(network).filter(status__in=tasks.PENDING, taken_at__gte=recent).order_by("-taken_at").first()


def progress(network: Network) -> Progress | None:
    """The network's latest computation, unless it finished: a snapshot done after it hides an older failure."""
    latest = rows_of(network).order_by("-taken_at", "-pk").first()
    if latest is None or latest.status == SnapshotStatus.DONE:
        return None
    return progress_of(latest)


def progress_of(snapshot: Snapshot) -> Progress | None:
    if snapshot.status == SnapshotStatus.DONE:
        return None
    failed = snapshot.status == SnapshotStatus.FAILED or tasks.is_stale(snapshot)
    state = "failed" if failed else snapshot.status.lower()
    done = [name for name in compute.STAGES if name in (snapshot.stages or {})]
    current = min(len(done), len(compute.STAGES) - 1)
    return Progress(
        snapshot=snapshot,
        state=state,
        since=snapshot.taken_at,
        stage=current + 1,
        stages=len(compute.STAGES),
        stage_label=str(STAGE_LABELS[compute.STAGES[current]]),
    )


def check_period(start: dt.date, end: dt.date, today: dt.date) -> None:
    """Rule 2, each error next to its field."""
    errors: dict[str, list[str]] = {}
    if end > today:
        errors.setdefault("end", []).append(_("The period cannot end after today."))
    if start > end:
        errors.setdefault("start", []).append(_("The period must start on or before its last day."))
    elif (end - start).days + 1 > MAX_DAYS:
        errors.setdefault("start", []).append(
            _("A period spans at most %(days)s days (two years): choose a later first day.") % {"days": MAX_DAYS}
        )
    if errors:
        raise ValidationError(errors)


def request(actor: Any, network: Network, start: dt.date, end: dt.date) -> Snapshot:
    """Rules 1 to 5: the QUEUED snapshot, its computation enqueued once the request is saved."""
    if not permissions.can_see_network(actor, network):
        raise PermissionDenied(_("Only the network's coordinators can do this."))
    check_period(start, end, timezone.localdate())
    with transaction.atomic():
        Network.objects.select_for_update().filter(pk=network.pk).first()  # one request of the network at a time
        under_way = pending(network)
        if under_way is not None:
            raise ValidationError(
                _(
                    "A snapshot of the network is already being computed (since %(time)s): wait until it is ready "
                    "before asking for another."
                )
                % {"time": time_format(timezone.localtime(under_way.taken_at), "H:i")}
            )
        snapshot = Snapshot.objects.create(
            network=network, period_start=start, period_end=end, status=SnapshotStatus.QUEUED
        )
        log_event(actor, network, "analytics_snapshot_request", snapshot)
        transaction.on_commit(lambda: tasks.compute_requested.enqueue(snapshot.pk))
    return snapshot
