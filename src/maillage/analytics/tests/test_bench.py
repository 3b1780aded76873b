"""The analytics benchmark: its synthetic region, and on PostgreSQL the whole command at a tiny size (the region
loaded as rows, the snapshot taken from the database, the dashboard timed)."""

import io
import re
import uuid
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from maillage.analytics.management.commands import bench_analytics

SIZES = {"organisations": 40, "persons": 300, "involvements": 1_210, "referrals": 2_000}


def test_the_region_has_the_sizes_asked_for_and_a_fifth_of_referrals_declined():
    persons = list(bench_analytics.region_persons(40, 300, 1_210))
    assert len(persons) == 300 and sum(len(orgs) for _, orgs in persons) == 1_210
    assert all(len(set(orgs)) == len(orgs) and all(1 <= o <= 40 for o in orgs) for _, orgs in persons)
    assert persons == list(bench_analytics.region_persons(40, 300, 1_210))  # seeded
    referrals = list(bench_analytics.region_referrals(40, 300, 2_000))
    statuses = Counter(r[4] for r in referrals)
    assert 0.15 < statuses["DECLINED"] / 2_000 < 0.25
    assert all(r[5] for r in referrals if r[4] == "DECLINED") and not any(
        r[5] for r in referrals if r[4] != "DECLINED"
    )
    assert all(r[1] != r[2] and 1 <= r[3] <= 300 for r in referrals)
    inputs = bench_analytics.synthetic_inputs(**SIZES)
    assert sum(inputs.caseload.values()) == 1_210 and inputs.persons == 300
    assert sum(c["sent"] for c in inputs.referrals.values()) == 2_000
    assert sum(c["declined"] for c in inputs.referrals.values()) == statuses["DECLINED"]


@pytest.fixture
def postgresql_url():
    if connection.vendor != "postgresql":
        pytest.skip("the region loaded as rows is PostgreSQL's (DATABASE_URL=postgres://...)")
    import psycopg

    db = connection.settings_dict
    server = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}"
    name = f"maillage_bench_analytics_{uuid.uuid4().hex[:12]}"
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_bench_takes_the_snapshot_from_the_loaded_rows(postgresql_url):
    out = io.StringIO()
    call_command(
        "bench_analytics",
        *[f"--{k}={v}" for k, v in SIZES.items()],
        "--samples=4",
        f"--postgres-url={postgresql_url}",
        stdout=out,
    )
    output = out.getvalue()
    assert re.search(r"   persons: 300 rows", output) and re.search(r"   involvements: 1,210 rows", output), output
    assert re.search(r"   referral transitions: [\d,]+ rows", output), output
    # The snapshot read the 300 persons followed from the database, each stage timed.
    assert re.search(r"snapshot: 40 organisations, \d+ links, 300 persons in [\d.]+ s \(from the database\)", output)
    for stage in ("load", "graph", "indicators", "alerts", "store"):
        assert f"snapshot stage {stage}: " in output
    assert re.search(
        r"^BENCH analytics organisations=40 persons=300 snapshot_s=[\d.]+ dashboard_p95_ms=[\d.]+ "
        r"betweenness_s=[\d.]+ networkx_betweenness_s=[\d.]+ speedup=[\d.]+ ",
        output,
        re.MULTILINE,
    ), output
