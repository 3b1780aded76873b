"""Snapshots as a background task (django.tasks): the dashboard reads what the task stored."""

import datetime as dt

from django.tasks import task

from maillage.analytics import compute
from maillage.governance.models import Network


@task()
def take_snapshot(network_id: int, start: str, end: str) -> int:
    network = Network.objects.get(pk=network_id)
    return compute.take(network, dt.date.fromisoformat(start), dt.date.fromisoformat(end)).pk
