"""The monthly snapshot runs by itself: the periodic scheduler (settings.PERIODIC_TASKS) takes last month's
snapshot of each network once, and catches up a failed one the next day."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from maillage.analytics import compute
from maillage.analytics.enums import SnapshotStatus
from maillage.analytics.tests.test_scenarios import _balanced
from maillage.core import periodic
from maillage.governance.tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_the_scheduler_takes_last_months_snapshot_once():
    network = NetworkFactory()
    _balanced(network)
    NetworkFactory()  # no member: nothing to measure
    today = timezone.localdate()
    ((start, end),) = compute.last_months(today, 1)
    assert "analytics_monthly" in {job.name for job in periodic.jobs()}
    assert f"analytics_monthly@{today.isoformat()}" in periodic.run_due(at(today, 3), worker="a")
    snapshot = network.analytics_snapshots.get()
    assert (snapshot.period_start, snapshot.period_end, snapshot.status) == (start, end, SnapshotStatus.DONE)
    # The same day: the period is claimed. The next day: the job runs and finds the month taken.
    assert not any(run.startswith("analytics_monthly") for run in periodic.run_due(at(today, 4), worker="b"))
    tomorrow = today + dt.timedelta(days=1)
    assert f"analytics_monthly@{tomorrow.isoformat()}" in periodic.run_due(at(tomorrow, 3), worker="b")
    assert network.analytics_snapshots.count() == 1


def test_a_failed_snapshot_is_taken_again_the_next_day_and_spares_the_other_networks():
    from maillage.analytics import tasks

    first, second = NetworkFactory(), NetworkFactory()
    _balanced(first)
    _balanced(second)
    real = compute.take

    def failing(network, start, end, **kwargs):
        if network == first:
            raise RuntimeError("graph library down")
        return real(network, start, end, **kwargs)

    with mock.patch.object(compute, "take", side_effect=failing):
        tasks.monthly_snapshots.call()
    assert second.analytics_snapshots.get().status == SnapshotStatus.DONE
    assert not first.analytics_snapshots.exists()
    tasks.monthly_snapshots.call()
    assert first.analytics_snapshots.get().status == SnapshotStatus.DONE
    assert second.analytics_snapshots.count() == 1
