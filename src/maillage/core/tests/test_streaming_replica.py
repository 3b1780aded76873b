"""The database routing against a real streaming replica: a second PostgreSQL cluster, copied from a primary by
`pg_basebackup` and streaming its WAL, both started on loopback for this test (maillage/core/pg_cluster.py).

The work runs in a process of its own (replica_probe.py), whose `default` and `replica` are that primary and that
replica, as in production. It runs in CI's PostgreSQL pass (the production engine); elsewhere, and on a machine
without Debian's PostgreSQL server packages, it skips, saying why. The lag it measured is printed.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from maillage.core.pg_cluster import StreamingPair, server_bin

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def streaming_pair(db):
    # `db`: the test database exists (its migrated schema is copied to the primary).
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: CI runs it in its PostgreSQL pass")
    if server_bin() is None:
        pytest.skip("needs Debian's PostgreSQL server packages (initdb, pg_basebackup)")
    pair = StreamingPair(server_bin())
    try:
        pair.start()
        pair.copy_schema(connection.settings_dict)
        yield pair
    finally:
        pair.stop()


def probe(pair: StreamingPair) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="maillage.core.tests.replica_settings",
        MAILLAGE_PRIMARY_URL=pair.url(pair.primary_port, "postgres"),
        MAILLAGE_REPLICA_URL=pair.url(pair.replica_port, "postgres"),
        PYTHONPATH=str(ROOT / "src"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "maillage.core.tests.replica_probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_revocation_is_enforced_at_once_whatever_the_replica_lag(streaming_pair):
    seen = probe(streaming_pair)
    print(f"streaming replica lag: {seen['lag_seconds']} s, {seen['lag_bytes']} bytes")  # noqa: T201
    assert seen["in_recovery"] is True, "the replica is a hot standby"
    assert seen["lag_seconds"] < 30
    assert seen["directory_read_alias"] == "replica", "a lag-tolerant directory read goes to the replica"
    assert seen["door_before"] is True
    # Replay paused: the replica still holds the consent as valid, and the door, reading the primary, refuses.
    assert seen["revoked_on_replica"] is False
    assert seen["door_after"] is False
    assert seen["replica_catches_up_seconds"] < 30
