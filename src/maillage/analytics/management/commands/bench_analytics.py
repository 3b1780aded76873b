"""`make bench-analytics`: a synthetic region through the snapshot's stages, betweenness with igraph and with
NetworkX on the same graph, and the coordinator's dashboard read from the stored snapshot.

1. The region is generated in memory (no person rows): organisations work locally, a person's organisations are
   drawn near a home organisation; referrals go to neighbours, a fifth of them declined.
2. The graph, indicator and alert stages are timed in memory; betweenness is timed with igraph, then NetworkX.
3. The full snapshot and the dashboard: in a database of its own (`var/bench_analytics.sqlite3`, or the
   PostgreSQL database named by `--postgres-url`, dropped and recreated; never the configured one), a child
   process stores the organisations and the snapshot of the same region (`compute.take` with the synthetic
   inputs, so its store stage is timed too), then times the coordinator's dashboard page and a bare
   authenticated page (p50/p95) in the same run.

Ends with one line: BENCH analytics organisations=<n> persons=<n> snapshot_s=<x> dashboard_p95_ms=<x>
betweenness_s=<x> networkx_betweenness_s=<x> speedup=<x> (then bare_page_p95_ms and the dashboard/bare ratio).
`snapshot_s` is the stored snapshot's time (every stage, the store included) when a database is used, the
in-memory stages' otherwise (`--database none`).
"""

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import networkx as nx
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.analytics import compute, sources
from maillage.analytics import graph as graphs
from maillage.analytics.models import Thresholds

RESULT_PREFIX = "BENCH-RESULT "
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/maillage_analytics_bench"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def synthetic_inputs(organisations: int, persons: int, involvements: int, referrals: int) -> sources.Inputs:
    """Rule 1: the same region for the same sizes (seeded), organisations numbered 1..n."""
    rng = random.Random(2026)  # noqa: S311 -- synthetic data
    orgs = list(range(1, organisations + 1))
    inputs = sources.Inputs(organisations=dict.fromkeys(orgs, "OTHER"))
    per_person = max(1, involvements // persons)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    caseload: dict[int, int] = defaultdict(int)
    for _ in range(persons):
        home = rng.randrange(organisations)
        chosen = sorted({orgs[(home + rng.randrange(-15, 16)) % organisations] for _ in range(per_person)})
        for o in chosen:
            caseload[o] += 1
        for i, a in enumerate(chosen):
            for b in chosen[i + 1 :]:
                shared[(a, b)] += 1
    inputs.shared, inputs.caseload, inputs.persons = dict(shared), dict(caseload), persons
    refs: dict[tuple[int, int], dict[str, int]] = {}
    for _ in range(referrals):
        a = rng.randrange(organisations)
        b = (a + rng.randrange(1, 16)) % organisations
        counts = refs.setdefault((orgs[a], orgs[b]), defaultdict(int))
        counts["sent"] += 1
        if rng.random() < 0.2:
            counts["declined"] += 1
    inputs.referrals, inputs.referrals_counted = refs, True
    return inputs


class Command(BaseCommand):
    help = "Benchmark network analytics on a synthetic region: snapshot stages, betweenness, dashboard page."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisations", type=int, default=5000)
        parser.add_argument("--persons", type=int, default=500_000)
        parser.add_argument("--involvements", type=int, default=2_000_000)
        parser.add_argument("--referrals", type=int, default=1_000_000)
        parser.add_argument("--samples", type=int, default=100, help="dashboard requests timed (and bare pages)")
        parser.add_argument("--database", choices=["postgresql", "sqlite", "none"], default="postgresql")
        parser.add_argument(
            "--postgres-url", default=os.environ.get("BENCH_ANALYTICS_POSTGRES_URL", DEFAULT_POSTGRES_URL)
        )
        parser.add_argument("--child", action="store_true", help="internal: store and time the dashboard")

    def handle(self, *args, **options) -> None:
        sizes = {k: options[k] for k in ("organisations", "persons", "involvements", "referrals")}
        if options["child"]:
            self.stdout.write(RESULT_PREFIX + json.dumps(self.child(sizes, options["samples"])))
            return
        started = time.perf_counter()
        inputs = synthetic_inputs(**sizes)
        orgs = sorted(inputs.organisations)
        generated = time.perf_counter() - started
        self.stdout.write(
            f"generated in {generated:.1f} s: {len(inputs.shared)} pairs, {len(inputs.referrals)} referral pairs"
        )
        timings = {}
        clock = time.perf_counter()
        index = {org: i for i, org in enumerate(orgs)}
        links = compute._links(inputs)
        graph = graphs.build(len(orgs), {(index[a], index[b]): link["weight"] for (a, b), link in links.items()})
        directed = [(index[s], index[r]) for (s, r) in inputs.referrals]
        timings["graph"] = time.perf_counter() - clock
        clock = time.perf_counter()
        found = graphs.indicators(graph, directed)
        per_org = compute._per_organisation(inputs, orgs, graph, found)
        timings["indicators"] = time.perf_counter() - clock
        clock = time.perf_counter()
        compute.raise_alerts(Thresholds(), inputs, per_org, links, found, orgs)
        timings["alerts"] = time.perf_counter() - clock
        snapshot_s = sum(timings.values())
        for name, seconds in timings.items():
            self.stdout.write(f"stage {name}: {seconds:.2f} s")
        clock = time.perf_counter()
        graphs.normalised_betweenness(graph)
        betweenness_s = time.perf_counter() - clock
        reference = nx.Graph()
        reference.add_nodes_from(range(len(orgs)))
        reference.add_edges_from(graph.get_edgelist())
        clock = time.perf_counter()
        nx.betweenness_centrality(reference, normalized=True)
        networkx_s = time.perf_counter() - clock
        del inputs, links, graph, reference, per_org
        dashboard = self.run_child(options) if options["database"] != "none" else None
        tail = ""
        if dashboard is not None:
            self.stdout.write(
                f"stored snapshot (stages {dashboard['stages']}) in {dashboard['snapshot_s']:.2f} s on "
                f"{dashboard['db']}"
            )
            tail = (
                f" bare_page_p95_ms={dashboard['bare_p95_ms']:.1f}"
                f" dashboard_bare_ratio={dashboard['dashboard_p95_ms'] / dashboard['bare_p95_ms']:.2f}"
            )
        p95 = f"{dashboard['dashboard_p95_ms']:.1f}" if dashboard else "n/a"
        if dashboard is not None:
            self.stdout.write(
                f"in-memory stages: {snapshot_s:.2f} s; snapshot_s below is the stored one, store included"
            )
            snapshot_s = dashboard["snapshot_s"]
        self.stdout.write(
            f"BENCH analytics organisations={sizes['organisations']} persons={sizes['persons']} "
            f"snapshot_s={snapshot_s:.2f} dashboard_p95_ms={p95} betweenness_s={betweenness_s:.3f} "
            f"networkx_betweenness_s={networkx_s:.2f} speedup={networkx_s / betweenness_s:.1f}{tail}"
        )

    # --- the dashboard, in a database of its own (rule 3) -------------------------------------------------------

    def run_child(self, options: dict) -> dict:
        env = os.environ.copy()
        database = options["database"]
        if database == "postgresql":
            import psycopg

            url = options["postgres_url"]
            base, name = url.rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = url
        else:
            path = Path(settings.VAR_DIR) / "bench_analytics.sqlite3"
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            env["DATABASE_URL"] = f"sqlite:///{path}"
        # The test profile: DEBUG off, static files served without `collectstatic`, no second factor to pass.
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench_analytics", "--child",
                   "--samples", str(options["samples"])]  # fmt: skip
        for name in ("organisations", "persons", "involvements", "referrals"):
            command += [f"--{name}", str(options[name])]
        result = None
        with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as process:  # noqa: S603
            for line in process.stdout or ():
                if line.startswith(RESULT_PREFIX):
                    result = json.loads(line[len(RESULT_PREFIX) :])
                else:
                    self.stdout.write(line.rstrip("\n"))
        if process.returncode != 0 or result is None:
            raise CommandError(f"The dashboard benchmark on {database} failed")
        return result

    def child(self, sizes: dict, samples: int) -> dict:
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.urls import reverse
        from django.utils import timezone

        from maillage.accounts.enums import Role
        from maillage.accounts.models import Membership, Organisation, User
        from maillage.governance.models import Network

        settings.DEBUG = False
        call_command("migrate", verbosity=0)
        inputs = synthetic_inputs(**sizes)
        n = sizes["organisations"]
        sectors = ["SOCIAL_ACTION", "MENTAL_HEALTH", "HOUSING", "HEALTH", "EMPLOYMENT"]
        Organisation.objects.bulk_create(
            [
                Organisation(pk=i, name=f"Organisation {i:05d}", sector=sectors[i % 5], status="VALIDATED")
                for i in range(1, n + 1)
            ],
            batch_size=5000,
        )
        inputs.organisations = {i: sectors[i % 5] for i in range(1, n + 1)}
        hub = Organisation.objects.create(pk=n + 1, name="Coordination", sector="NETWORK", status="VALIDATED")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('accounts_organisation', 'id'), %s)", [n + 1]
                )  # the rows above were given their ids
        network = Network.objects.create(organisation=hub, name="Réseau de référence", mission="Bench")
        user = User.objects.create(email="bench@bench.invalid", first_name="Bench", password="!")  # noqa: S106
        Membership.objects.create(user=user, organisation=hub, role=Role.NETWORK_COORDINATOR)
        today = timezone.localdate()
        clock = time.perf_counter()
        snapshot = compute.take(network, today - dt.timedelta(days=89), today, inputs=inputs)
        snapshot_s = time.perf_counter() - clock
        del inputs
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        setup_test_environment()
        client = Client()
        client.force_login(user)
        dashboard_url = reverse("analytics:dashboard", kwargs={"public_id": network.public_id})
        bare_url = reverse("core:home")
        for url in (dashboard_url, bare_url):
            if client.get(url).status_code != 200:
                raise CommandError(f"{url} did not answer 200")

        def timings(url: str, count: int) -> list[float]:
            values = []
            for _ in range(count):
                clock = time.perf_counter()
                client.get(url)
                values.append((time.perf_counter() - clock) * 1000)
            return values

        # Interleaved in halves, so that a burst of load on the shared machine weighs on both alike.
        dashboard, bare = [], []
        for _ in range(2):
            dashboard += timings(dashboard_url, max(1, samples // 2))
            bare += timings(bare_url, max(1, samples // 2))
        for name, values in (("dashboard", dashboard), ("bare page", bare)):
            self.stdout.write(
                f"   {name:<10} p50={statistics.median(values):8.2f} ms  p95={percentile(values, 0.95):8.2f} ms"
            )
        return {
            "db": connection.vendor,
            "stages": snapshot.stages,
            "snapshot_s": snapshot_s,
            "dashboard_p95_ms": percentile(dashboard, 0.95),
            "dashboard_p50_ms": statistics.median(dashboard),
            "bare_p95_ms": percentile(bare, 0.95),
        }
