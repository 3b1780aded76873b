"""Operations endpoints for the proxy, the orchestrator and Prometheus: no person data, no login, no secret.

- `/healthz`: the process answers (liveness): restart it when this fails.
- `/readyz`: the process can serve (readiness): every database, every cache and every file storage answers;
  503 naming what failed (`database`, `cache`, `storage`), never why in detail (an error may quote an address
  or a key): the reason goes to the log, with the request id.
- `/metrics`: Prometheus text format, for a scraper on the host itself, or anywhere with `METRICS_TOKEN`.
"""

import hmac
import logging
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from maillage.access.door import no_person_data
from maillage.accounts.mfa import MfaState, mfa_step
from maillage.core import metrics
from maillage.core.db_routing import replica_alias

logger = logging.getLogger(__name__)
FILE_STORAGES = ("default", "coordination_attachments", "audit_seals")
LOOPBACK = {"127.0.0.1", "::1"}


def ops_view(view):
    """Open to anonymous probes (and to a session at any step of its second factor), GET only, never cached."""
    view = mfa_step(MfaState.ENROL, MfaState.VERIFY)(require_GET(view))
    return no_person_data(never_cache(login_not_required(view)))


@ops_view
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


def _database() -> None:
    """The primary, and the read replica when one is in use (maillage.core.db_routing)."""
    for alias in dict.fromkeys(["default", replica_alias()] if replica_alias() else ["default"]):
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")


def _cache() -> None:
    for alias in settings.CACHES:
        cache = caches[alias]
        key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
        cache.set(key, value, timeout=10)
        found = cache.get(key)
        cache.delete(key)
        if found != value:
            raise RuntimeError(f"the cache {alias} did not give back what was just stored")


def _writable_folder(location: Path) -> bool:
    """A local storage's folder, or the nearest existing folder above it (created at the first upload)."""
    for folder in (location, *location.parents):
        if folder.exists():
            return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)
    return False


def _storage() -> None:
    for name in FILE_STORAGES:
        if name not in settings.STORAGES:
            continue
        storage = storages[name]
        if isinstance(storage, FileSystemStorage) and not _writable_folder(Path(storage.location)):
            raise RuntimeError(f"the storage {name} has no writable folder")
        storage.exists(".readyz-probe")  # object storage: a HEAD request, authenticated


CHECKS = {"database": _database, "cache": _cache, "storage": _storage}


@ops_view
def readyz(request: HttpRequest) -> HttpResponse:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            logger.warning("readyz: the %s check failed (%s)", name, type(error).__name__)
            results[name] = "failed"
        else:
            results[name] = "ok"
    failed = [name for name, result in results.items() if result != "ok"]
    body = {"status": "unavailable" if failed else "ready", "checks": results}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)


def _may_scrape(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    return request.META.get("REMOTE_ADDR") in LOOPBACK


@ops_view
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _may_scrape(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")
