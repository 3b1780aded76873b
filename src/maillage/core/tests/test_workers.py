"""Several background workers: each task is taken once, each periodic job runs once per period.

The process tests start real `db_worker` and `periodic` processes on the test database, so they need PostgreSQL
(the SQLite test database lives in this process's memory): on SQLite they skip, saying so; CI runs them in its
PostgreSQL pass. Every process is bounded in time and killed at the end whatever happens.
"""

import datetime as dt
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from maillage.core import periodic
from maillage.core.models import PeriodicRun
from maillage.core.tests import worker_tasks

ROOT = Path(settings.BASE_DIR)
BRUSSELS = ZoneInfo("Europe/Brussels")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TEST_JOB = [{"name": "test_note", "every": "hour", "call": "maillage.core.tests.worker_tasks.note_period"}]


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BRUSSELS)


class TestPeriods:
    def test_keys_per_hour_day_and_monday_week(self, settings):
        settings.TIME_ZONE = "Europe/Brussels"
        monday_9 = at(2026, 12, 7, 9, 30)
        assert periodic.Job("j", "hour", "x").period(monday_9) == "2026-12-07T09"
        assert periodic.Job("j", "day", "x", after_hour=7).period(monday_9) == "2026-12-07"
        assert periodic.Job("j", "day", "x", after_hour=10).period(monday_9) is None
        assert periodic.Job("j", "week", "x").period(monday_9) == "2026-W50"
        assert periodic.Job("j", "week", "x").period(at(2026, 12, 6, 23, 59)) == "2026-W49"  # Sunday

    def test_the_schedule_names_real_jobs(self):
        from django.utils.module_loading import import_string

        for job in periodic.jobs():
            assert callable(import_string(job.call)) or hasattr(import_string(job.call), "enqueue"), job


@pytest.mark.django_db
class TestOncePerPeriod:
    def test_a_second_tick_of_the_same_period_enqueues_nothing(self, settings, tmp_path, monkeypatch):
        monkeypatch.setenv("MAILLAGE_WORKER_LOG", str(tmp_path / "log"))
        settings.PERIODIC_TASKS = TEST_JOB
        now = at(2026, 12, 7, 9, 5)
        assert periodic.run_due(now, worker="a") == ["test_note@2026-12-07T09"]
        assert periodic.run_due(now + dt.timedelta(minutes=50), worker="b") == []
        assert periodic.run_due(now + dt.timedelta(hours=1), worker="b") == ["test_note@2026-12-07T10"]
        assert list(PeriodicRun.objects.order_by("period").values_list("period", "worker")) == [
            ("2026-12-07T09", "a"),
            ("2026-12-07T10", "b"),
        ]
        assert len((tmp_path / "log").read_text().splitlines()) == 2

    def test_a_claim_lost_to_another_worker_enqueues_nothing(self, settings, tmp_path, monkeypatch):
        monkeypatch.setenv("MAILLAGE_WORKER_LOG", str(tmp_path / "log"))
        job = periodic.Job("test_note", "hour", "maillage.core.tests.worker_tasks.note_period")
        PeriodicRun.objects.create(job="test_note", period="2026-12-07T09", worker="other")
        assert not periodic.claim_and_enqueue(job, "2026-12-07T09", "me")
        assert not (tmp_path / "log").exists()

    def test_a_failed_enqueue_leaves_the_period_to_the_next_tick(self, settings, monkeypatch):
        settings.PERIODIC_TASKS = [{"name": "broken", "every": "hour", "call": "maillage.core.tests.nowhere.job"}]
        with pytest.raises(ImportError):
            periodic.run_due(at(2026, 12, 7, 9, 5))
        assert not PeriodicRun.objects.exists()

    def test_the_periodic_jobs_enqueue_their_tasks(self, settings):
        settings.TASKS = DB_TASKS
        settings.TIME_ZONE = "Europe/Brussels"
        monday_9 = at(2026, 12, 7, 9, 0)
        enqueued = periodic.run_due(monday_9)
        assert sorted(item.split("@")[0] for item in enqueued) == [
            "analytics_monthly",
            "audit_seal",
            "break_glass_digest",
            "convention_renewals",
            "referrals_sweep",
            "search_alerts",
            "stale_listings",
        ]
        names = set(DBTaskResult.objects.values_list("task_path", flat=True))
        assert {"maillage.referrals.tasks.referrals_sweep", "maillage.access.tasks.send_break_glass_digest"} <= names


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("two worker processes share the test database only on PostgreSQL (SQLite's is in memory)")


def start(args: list[str], log: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="maillage.core.tests.worker_settings",
        MAILLAGE_TEST_DATABASE=connection.settings_dict["NAME"],
        MAILLAGE_WORKER_LOG=str(log),
        PYTHONPATH=str(ROOT / "src"),
    )
    return subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def finish(processes: list[subprocess.Popen], seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    outputs = []
    try:
        for process in processes:
            output, _ = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
            outputs.append(output.decode(errors="replace"))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output
    return outputs


@pytest.mark.django_db(transaction=True)
def test_two_workers_take_each_task_once(settings, tmp_path):
    postgresql_only()
    settings.TASKS = DB_TASKS
    count = 30
    for number in range(count):
        worker_tasks.note_run.enqueue(number)
    log = tmp_path / "runs.log"
    options = ["--batch", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    workers = [start(["db_worker", *options, "--worker-id", name], log) for name in ("worker-a", "worker-b")]
    finish(workers, seconds=120)
    lines = [line.split() for line in log.read_text().splitlines()]
    runs = Counter(int(number) for _kind, number, _pid in lines)
    assert runs == Counter(range(count)), "each task exactly once"
    results = DBTaskResult.objects.all()
    assert {result.status for result in results} == {"SUCCESSFUL"}
    assert all(len(result.worker_ids) == 1 for result in results)
    by_worker = Counter(result.worker_ids[0] for result in results)
    assert set(by_worker) == {"worker-a", "worker-b"}, f"both workers took tasks: {by_worker}"


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_run_a_periodic_job_once(settings, tmp_path):
    postgresql_only()
    log = tmp_path / "periodic.log"
    schedulers = [start(["periodic"], log) for _n in range(3)]
    finish(schedulers, seconds=120)
    assert len(log.read_text().splitlines()) == 1
    assert PeriodicRun.objects.filter(job="test_note").count() == 1
