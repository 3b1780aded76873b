"""Prometheus metrics (prometheus-client, with django-prometheus's middleware for request latency).

- `django_http_requests_latency_seconds_by_view_method` and its kin (django-prometheus): labelled by route name
  (`people:person_detail`), never by URL, so no id and no typed search ends up in a metric;
- `maillage_door_decisions_total{outcome, reason}`: every decision of the access door;
- `maillage_audit_entries_total{action}`: entries appended to the audit chain (their rate is the append rate);
- `maillage_task_queue_depth{queue, status}`: background tasks waiting (READY) or running, read at each scrape.

Several server processes (granian workers): set PROMETHEUS_MULTIPROC_DIR to an empty folder shared by the
processes of one host; each scrape then adds up every process's counters.
"""

import os

from django.db import DatabaseError
from django.db.models import Count
from prometheus_client import REGISTRY, CollectorRegistry, Counter, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

DOOR_DECISIONS = Counter(
    "maillage_door_decisions", "Decisions of the access door, by outcome and reason.", ["outcome", "reason"]
)
AUDIT_ENTRIES = Counter("maillage_audit_entries", "Entries appended to the audit chain, by action.", ["action"])

_decision_children: dict[tuple[bool, str], object] = {}


def count_decision(allowed: bool, reason: str) -> None:
    child = _decision_children.get((allowed, reason))
    if child is None:
        child = DOOR_DECISIONS.labels(outcome="allowed" if allowed else "denied", reason=str(reason))
        _decision_children[(allowed, reason)] = child
    child.inc()


def count_audit_entries(actions: list[str]) -> None:
    for action in set(actions):
        AUDIT_ENTRIES.labels(action=action).inc(actions.count(action))


class TaskQueueCollector:
    """The depth of the django-tasks-db queue, counted in the database when Prometheus scrapes."""

    def collect(self):
        from django_tasks_db.models import DBTaskResult

        family = GaugeMetricFamily(
            "maillage_task_queue_depth", "Background tasks waiting or running, by queue.", labels=["queue", "status"]
        )
        try:
            rows = (
                DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
                .values("queue_name", "status")
                .annotate(n=Count("id"))
                .order_by()
            )
            counts = {(row["queue_name"], row["status"]): row["n"] for row in rows}
        except DatabaseError:
            return
        for status in ("READY", "RUNNING"):
            if not any(key[1] == status for key in counts):
                counts[("default", status)] = 0
        for (queue, status), n in sorted(counts.items()):
            family.add_metric([queue, status], n)
        yield family


def exposition() -> bytes:
    """The text exposition of every metric, every process of this host added up in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    queue = CollectorRegistry()
    queue.register(TaskQueueCollector())
    return generate_latest(processes) + generate_latest(queue)
