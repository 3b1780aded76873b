"""Periodic jobs, run once per period whatever the number of workers.

`settings.PERIODIC_TASKS` lists the jobs: a name, a period (`hour`, `day` or `week`, in TIME_ZONE; a week starts
on Monday), an hour of the day before which a daily or weekly job waits (`after_hour`), and what to call: a
`django.tasks` task (enqueued without arguments) or a function that enqueues the work itself.

Every worker host runs the scheduler (`manage.py periodic --loop`, started by `make run` and `make prod` next to
`db_worker`). At each tick, for each job due, it inserts the claim row (`PeriodicRun`, unique per job and
period) and enqueues the job in the same transaction: the first scheduler wins the period, the others meet the
unique constraint and do nothing; a claim whose enqueue fails is rolled back and tried again at the next tick.
"""

import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from maillage.core.models import PeriodicRun

logger = logging.getLogger(__name__)
PERIODS = ("hour", "day", "week")


@dataclass(frozen=True)
class Job:
    name: str
    every: str
    call: str
    after_hour: int = 0

    def period(self, moment: dt.datetime) -> str | None:
        """The key of the period `moment` falls in, or None while the job waits for its hour."""
        local = timezone.localtime(moment)
        if self.every == "hour":
            return local.strftime("%Y-%m-%dT%H")
        if local.hour < self.after_hour:
            return None
        if self.every == "day":
            return local.strftime("%Y-%m-%d")
        year, week, _weekday = local.isocalendar()
        return f"{year}-W{week:02d}"


def jobs() -> list[Job]:
    found = [Job(**spec) for spec in getattr(settings, "PERIODIC_TASKS", [])]
    for job in found:
        if job.every not in PERIODS:
            raise ValueError(f"periodic job {job.name}: `every` must be one of {PERIODS}, not {job.every!r}")
    return found


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


def claim_and_enqueue(job: Job, period: str, worker: str) -> bool:
    """Claim `period` for `job` and enqueue it, atomically; False when another worker has claimed it."""
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(job=job.name, period=period, worker=worker)
            target = import_string(job.call)
            if hasattr(target, "enqueue"):
                target.enqueue()
            else:
                target()
    except IntegrityError:
        return False
    logger.info("periodic job %s enqueued for %s", job.name, period)
    return True


def run_due(now: dt.datetime | None = None, worker: str | None = None) -> list[str]:
    """One tick of the scheduler: enqueue every job whose current period nobody has claimed yet."""
    now = now or timezone.now()
    worker = worker or worker_name()
    enqueued = []
    for job in jobs():
        period = job.period(now)
        if period is None or PeriodicRun.objects.filter(job=job.name, period=period).exists():
            continue
        if claim_and_enqueue(job, period, worker):
            enqueued.append(f"{job.name}@{period}")
    return enqueued
