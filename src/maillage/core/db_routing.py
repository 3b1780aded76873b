"""Reads that tolerate lag may go to a PostgreSQL read replica (`DATABASE_REPLICA_URL`); nothing else does.

Two conditions, both needed, send a read to the replica:
1. the code runs inside `lag_tolerant()` (or a view decorated `@lag_tolerant_view`): the directory search, the
   HSDS API, analytics dashboards — pages where a listing a few seconds old is fine;
2. the model belongs to an app of public or aggregate data (`REPLICA_APPS`: the directory, territories,
   analytics snapshots).

Everything else reads the primary, whatever the context: persons, consents, involvements, break-the-glass
grants, the audit, accounts and memberships — all that the access door reads — so a revocation is never missed
because of lag, even when a lag-tolerant page asks the door something. Inside a transaction every read goes
to the primary (a write is read back). Writes always go to the primary; migrations run on it only.
"""

import contextvars
import functools
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import Http404

REPLICA_APPS = frozenset({"directory", "territories", "analytics"})
_lag_tolerant: contextvars.ContextVar[bool] = contextvars.ContextVar("maillage_lag_tolerant", default=False)


@contextmanager
def lag_tolerant() -> Iterator[None]:
    token = _lag_tolerant.set(True)
    try:
        yield
    finally:
        _lag_tolerant.reset(token)


def lag_tolerant_view(view):
    """A view whose public or aggregate reads may come from the replica (see the module's rules).

    A page not found there is looked for again on the primary: what was created a moment ago (a snapshot a worker
    has just finished, a service just published) may not have reached the replica yet.
    """

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        try:
            with lag_tolerant():
                return view(*args, **kwargs)
        except Http404:
            if replica_alias() is None:
                raise
        return view(*args, **kwargs)

    return wrapped


def replica_alias() -> str | None:
    return getattr(settings, "READ_REPLICA", None) or None


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        alias = replica_alias()
        if alias is None or not _lag_tolerant.get() or model._meta.app_label not in REPLICA_APPS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return alias

    def db_for_write(self, model, **hints) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first, second, **hints) -> bool | None:
        both = {first._state.db, second._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, replica_alias()} else None

    def allow_migrate(self, db, app_label, **hints) -> bool | None:
        return None if db == DEFAULT_DB_ALIAS else False
