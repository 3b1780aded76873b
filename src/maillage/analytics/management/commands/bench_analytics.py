"""`make bench-analytics`: a synthetic region through the network snapshot, taken from real rows in PostgreSQL,
betweenness with igraph and with NetworkX on the same graph, and the coordinator's dashboard read from the
stored snapshot.

1. The region (seeded, the same for the same sizes; `region_persons`, `region_referrals`): by default 5,000
   organisations, 500,000 persons, 2,000,000 involvements and 1,000,000 referrals. Organisations work locally: a
   person's organisations are drawn near a home organisation, the first one the referent's; referrals go to a
   neighbour of the sender, a fifth of them declined (with a reason), all sent in the period.
2. In memory (`synthetic_inputs`): the graph, indicator and alert stages are timed; betweenness is timed with
   igraph, then NetworkX, on the same graph.
3. In a database of its own (the PostgreSQL database named by `--postgres-url`, or `var/bench_analytics.sqlite3`,
   dropped and recreated; never the configured one), a child process:
   - on PostgreSQL (the default, and the one measured), loads the region as real rows (`Loader`: network
     members, declared capacities, persons with invented French and Belgian names, involvements, needs,
     contacts with the referents, coordination meetings, referrals with their history of transitions), timed
     apart and not counted in the snapshot; then takes the snapshot from the database (`compute.take` without
     inputs: the load stage reads the aggregates and the attention signals of every followed person), each
     stage printed;
   - on SQLite (`--database sqlite`), takes the snapshot from the synthetic inputs instead: loading millions of
     rows into SQLite is impractical, and its load stage is not measured;
   then times the coordinator's dashboard page and a bare authenticated page (p50/p95) in the same run. The
   database part runs first, before the in-memory stages and NetworkX's betweenness (the longest part).

Ends with one line: BENCH analytics organisations=<n> persons=<n> snapshot_s=<x> dashboard_p95_ms=<x>
betweenness_s=<x> networkx_betweenness_s=<x> speedup=<x> (then bare_page_p95_ms, the dashboard/bare ratio and
the time the rows took to load, load_s). `snapshot_s` is the stored snapshot's time (every stage, the store
included) when a database is used, the in-memory stages' otherwise (`--database none`).
"""

import datetime as dt
import json
import os
import random
import resource
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
from maillage.core.benchmarks import percentile

RESULT_PREFIX = "BENCH-RESULT "
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/maillage_analytics_bench"


# Referral outcomes, by weight out of 100: a fifth declined (rule 1).
REFERRAL_STATUSES = {
    "SENT": 8, "RECEIVED": 7, "ACCEPTED": 15, "DECLINED": 20, "WAITING_LIST": 8, "FIRST_CONTACT_DONE": 12,
    "COMPLETED": 20, "CANCELLED": 4, "EXPIRED": 4, "OBSOLETE": 2,
}  # fmt: skip
DECLINE_REASONS = {"NO_CAPACITY": 40, "OUT_OF_CRITERIA": 30, "NOT_RIGHT_SERVICE": 15, "UNREACHABLE": 10, "OTHER": 5}
URGENCIES = {"LOW": 20, "NORMAL": 50, "HIGH": 27, "CRISIS": 3}


def region_persons(organisations: int, persons: int, involvements: int):
    """Rule 1, the persons: (person id 1..n, [organisation ids]), the first one the referent; exactly
    `involvements` in all, each person's organisations distinct and near a home organisation (seeded)."""
    rng = random.Random(2026)  # noqa: S311 -- synthetic data
    base, extra = divmod(involvements, persons) if persons else (0, 0)
    offsets = range(-15, 16)
    for person in range(1, persons + 1):
        home = rng.randrange(organisations)
        count = min(len(offsets), organisations, base + (person <= extra))
        yield person, [(home + o) % organisations + 1 for o in rng.sample(offsets, count)]


def region_referrals(organisations: int, persons: int, referrals: int):
    """Rule 1, the referrals: (id 1..n, sender, receiver, person, status, decline reason, urgency, draw in [0, 1)
    for the life domain, draw in [0, 1) for the moment sent), to a neighbour of the sender (seeded)."""
    rng = random.Random(2027)  # noqa: S311 -- synthetic data
    statuses, weights = list(REFERRAL_STATUSES), list(REFERRAL_STATUSES.values())
    reasons, reason_weights = list(DECLINE_REASONS), list(DECLINE_REASONS.values())
    urgencies, urgency_weights = list(URGENCIES), list(URGENCIES.values())
    for pk in range(1, referrals + 1):
        a = rng.randrange(organisations)
        b = (a + rng.randrange(1, 16)) % organisations
        status = rng.choices(statuses, weights)[0]
        reason = rng.choices(reasons, reason_weights)[0] if status == "DECLINED" else ""
        urgency = rng.choices(urgencies, urgency_weights)[0]
        yield pk, a + 1, b + 1, rng.randint(1, persons), status, reason, urgency, rng.random(), rng.random()


def synthetic_inputs(organisations: int, persons: int, involvements: int, referrals: int) -> sources.Inputs:
    """The region's snapshot inputs computed in memory (rule 2, and the SQLite database): what `sources.load`
    reads from the loaded rows, but for the meetings, the attention signals and the open needs."""
    inputs = sources.Inputs(organisations=dict.fromkeys(range(1, organisations + 1), "OTHER"))
    shared: dict[tuple[int, int], int] = defaultdict(int)
    caseload: dict[int, int] = defaultdict(int)
    followed = 0
    for _person, orgs in region_persons(organisations, persons, involvements):
        chosen = sorted(orgs)
        followed += bool(chosen)
        for o in chosen:
            caseload[o] += 1
        for i, a in enumerate(chosen):
            for b in chosen[i + 1 :]:
                shared[(a, b)] += 1
    inputs.shared, inputs.caseload, inputs.persons = dict(shared), dict(caseload), followed
    refs: dict[tuple[int, int], dict[str, int]] = {}
    for _pk, a, b, _person, status, reason, urgency, _domain, _sent in region_referrals(
        organisations, persons, referrals
    ):
        counts = refs.setdefault((a, b), defaultdict(int))
        counts["sent"] += 1
        if status in sources.TAKEN_UP:
            counts["taken_up"] += 1
        if status == sources.DECLINED:
            counts["declined"] += 1
            if reason == "NO_CAPACITY":
                counts["no_capacity"] += 1
            elif reason == "OUT_OF_CRITERIA":
                counts["out_of_criteria"] += 1
        if urgency == sources.URGENT:
            counts["urgent"] += 1
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
        # The database first: the measured snapshot, and the dashboard, before NetworkX's long betweenness.
        dashboard = self.run_child(options) if options["database"] != "none" else None
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
        tail = ""
        if dashboard is not None:
            self.stdout.write(
                f"stored snapshot (stages {dashboard['stages']}) in {dashboard['snapshot_s']:.2f} s on "
                f"{dashboard['db']}, {dashboard['links']} links; child process peak memory "
                f"{dashboard['max_rss_mb']:.0f} MB"
            )
            tail = (
                f" bare_page_p95_ms={dashboard['bare_p95_ms']:.1f}"
                f" dashboard_bare_ratio={dashboard['dashboard_p95_ms'] / dashboard['bare_p95_ms']:.2f}"
                f" load_s={dashboard['load_s']:.1f}"
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
        start = today - dt.timedelta(days=89)
        if connection.vendor == "postgresql":
            clock = time.perf_counter()
            Loader(self, sizes, network, start, timezone.now()).load()
            load_s = time.perf_counter() - clock
            self.stdout.write(f"   region loaded in {load_s:.1f} s (not part of the snapshot's time)")
            inputs = None
        else:
            load_s = 0.0
            inputs = synthetic_inputs(**sizes)
            inputs.organisations = {i: sectors[i % 5] for i in range(1, n + 1)}
        last = [time.perf_counter()]

        def progress(name: str) -> None:
            now = time.perf_counter()
            self.stdout.write(f"   snapshot stage {name}: {now - last[0]:.2f} s")
            last[0] = now

        clock = time.perf_counter()
        snapshot = compute.take(network, start, today, inputs=inputs, progress=progress)
        snapshot_s = time.perf_counter() - clock
        del inputs
        self.stdout.write(
            f"   snapshot: {snapshot.organisations} organisations, {snapshot.links} links, {snapshot.persons} persons"
            f" in {snapshot_s:.2f} s ({'from the database' if load_s else 'from the synthetic inputs'})"
        )
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
            "load_s": load_s,
            "links": snapshot.links,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "dashboard_p95_ms": percentile(dashboard, 0.95),
            "dashboard_p50_ms": statistics.median(dashboard),
            "bare_p95_ms": percentile(bare, 0.95),
        }


class Loader:
    """Rule 3 on PostgreSQL: the region as real rows, in the benchmark's own database. The generated structure
    (who is followed by whom, who referred whom) goes through COPY into temporary tables, and INSERT ... SELECT
    fills the rest of each row; contacts, needs and meetings are derived in SQL from the involvements. Secondary
    indexes are dropped during the load and rebuilt after it; foreign keys are not checked row by row (the
    rows reference rows generated just before), then the database is vacuumed and analysed (autovacuum may be
    off)."""

    TABLES = (
        "people_person", "people_involvement", "people_need", "coordination_contact", "coordination_meeting",
        "coordination_participant", "referrals_referral", "referrals_referraltransition",
    )  # fmt: skip

    def __init__(self, command: BaseCommand, sizes: dict, network, start: dt.date, now: dt.datetime) -> None:
        self.command, self.sizes, self.network, self.start, self.now = command, sizes, network, start, now
        self.params = {"now": now, "network": network.pk, "orgs": sizes["organisations"]}

    def say(self, text: str) -> None:
        self.command.stdout.write(text)

    def sql(self, label: str, statement: str, params: dict | None = None) -> None:
        from django.db import connection

        clock = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(statement, {**self.params, **(params or {})})
            rows = cursor.rowcount
        self.say(f"   {label}: {rows:,} rows in {time.perf_counter() - clock:.1f} s")

    def copy(self, label: str, table: str, columns: str, rows, total: int) -> None:
        """COPY `rows` (tuples, None for NULL) into a new temporary table `table` (`columns`: its definition)."""
        from django.db import connection
        from tqdm import tqdm

        clock = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns})")
            names = ", ".join(column.split()[0] for column in columns.split(","))
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in tqdm(rows, desc=label, total=total, unit=" rows", mininterval=2, leave=False):
                    copy.write_row(row)
        self.say(f"   {label} generated: {total:,} rows in {time.perf_counter() - clock:.1f} s")

    def load(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET session_replication_role = replica")
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [list(self.TABLES)],
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute("SELECT id FROM directory_taxonomyterm WHERE level = 1 ORDER BY id")
            self.domains = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT id FROM directory_taxonomyterm WHERE level = 2 ORDER BY id")
            self.params["terms"] = [row[0] for row in cursor.fetchall()] or self.domains
        self.members()
        self.persons()
        self.involvements()
        self.coordination()
        self.referrals()
        clock = time.perf_counter()
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET session_replication_role")
        self.say(f"   {len(indexes)} indexes rebuilt in {time.perf_counter() - clock:.1f} s")
        clock = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.say(f"   VACUUM ANALYZE in {time.perf_counter() - clock:.1f} s")

    def members(self) -> None:
        self.sql(
            "network members",
            "INSERT INTO governance_networkmember (public_id, created_at, updated_at, version, college, status, "
            "joined_on, network_id, organisation_id) SELECT gen_random_uuid(), %(now)s, %(now)s, 1, 'PROFESSIONAL', "
            "'MEMBER', %(joined)s, %(network)s, o FROM generate_series(1, %(orgs)s) o",
            {"joined": self.start - dt.timedelta(days=365)},
        )
        # Around the mean caseload (involvements / organisations), so that some organisations are over capacity.
        mean = max(1, self.sizes["involvements"] // self.sizes["organisations"])
        self.sql(
            "declared capacities",
            "INSERT INTO analytics_declaredcapacity (version, persons, updated_at, organisation_id) "
            "SELECT 1, %(low)s + mod(o * 37, %(spread)s), %(now)s, o FROM generate_series(1, %(orgs)s) o",
            {"low": mean * 3 // 4, "spread": max(1, mean // 2)},
        )

    def persons(self) -> None:
        from faker import Faker

        faker = Faker(["fr_BE", "fr_FR"])
        faker.seed_instance(2026)
        first = sorted({faker.first_name() for _ in range(600)})
        last = sorted({faker.last_name() for _ in range(1200)})
        self.sql(
            "persons",
            "INSERT INTO people_person (id, public_id, created_at, updated_at, first_name, last_name, phone, email, "
            "preferred_language, last_activity_at, version) SELECT p, gen_random_uuid(), %(now)s, %(now)s, "
            "(%(first)s::text[])[1 + mod(p * 7, %(nfirst)s)], (%(last)s::text[])[1 + mod(p * 13 + p / 7, %(nlast)s)], "
            "'', '', 'fr', %(now)s, 1 FROM generate_series(1, %(persons)s) p",
            {"first": first, "last": last, "nfirst": len(first), "nlast": len(last), "persons": self.sizes["persons"]},
        )
        self.sql("persons' ids", "SELECT setval(pg_get_serial_sequence('people_person', 'id'), %(persons)s)",
                 {"persons": self.sizes["persons"]})  # fmt: skip

    def involvements(self) -> None:
        """Every involvement active over the period, begun up to two years before it; the first of each person's
        is their referent's."""
        sizes = {k: self.sizes[k] for k in ("organisations", "persons", "involvements")}

        def rows():
            for person, orgs in region_persons(**sizes):
                for k, org in enumerate(orgs):
                    yield person, org, k == 0, self.start - dt.timedelta(days=(person * 7 + k * 131) % 700)

        self.copy(
            "involvements",
            "bench_involvement",
            "person_id bigint, organisation_id bigint, referent boolean, started_on date",
            rows(),
            sizes["involvements"],
        )
        self.sql(
            "involvements",
            "INSERT INTO people_involvement (public_id, created_at, updated_at, role, started_on, end_reason, "
            "end_detail, status, organisation_id, person_id, agreement, version) SELECT gen_random_uuid(), "
            "%(now)s, %(now)s, CASE WHEN referent THEN 'REFERENT' ELSE 'INTERVENING' END, started_on, '', '', "
            "'ACTIVE', organisation_id, person_id, 'ON_PAPER', 1 FROM bench_involvement",
        )

    def coordination(self) -> None:
        """Needs for 3 persons in 5 (most open), a contact with the referent for 9 in 10 (a second, recent, for 1
        in 3), a coordination meeting held in the period for 1 in 10 with the person's other organisations."""
        self.sql(
            "needs",
            "INSERT INTO people_need (public_id, created_at, updated_at, own_words, status, weight, opened_on, "
            "term_id, person_id, version) SELECT gen_random_uuid(), %(now)s, %(now)s, '', "
            "(ARRAY['OPEN', 'OPEN', 'OPEN', 'IN_PROGRESS', 'IN_PROGRESS', 'MET', 'NO_LONGER_RELEVANT'])"
            "[1 + mod(p, 7)], 1 + mod(p * 17, 5), %(today)s - mod(p * 13, 200), "
            "(%(terms)s::bigint[])[1 + mod(p * 31, %(nterms)s)], p, 1 "
            "FROM generate_series(1, %(persons)s) p WHERE mod(p, 5) < 3",
            {"today": self.now.date(), "nterms": len(self.params["terms"]), "persons": self.sizes["persons"]},
        )
        referents = "FROM people_involvement i WHERE i.role = 'REFERENT'"
        self.sql(
            "contacts",
            "INSERT INTO coordination_contact (kind, happened_at, with_whom, recorded_at, organisation_id, person_id) "  # noqa: S608
            "SELECT k, t, '', t, organisation_id, person_id FROM (SELECT CASE WHEN mod(i.person_id, 2) = 0 THEN "
            "'PHONE' ELSE 'APPOINTMENT' END k, %(now)s - make_interval(days => mod(i.person_id * 7919, 150)::int, "
            f"hours => mod(i.person_id, 9)::int) t, i.organisation_id, i.person_id {referents} "
            "AND mod(i.person_id, 10) <> 0 UNION ALL SELECT 'PHONE', %(now)s - make_interval(days => "
            f"mod(i.person_id, 25)::int), i.organisation_id, i.person_id {referents} AND mod(i.person_id, 3) = 0) c",
        )
        self.sql(
            "meetings",
            "INSERT INTO coordination_meeting (public_id, created_at, updated_at, version, purpose, agenda, "
            "starts_at, duration_minutes, time_zone, place, video_url, status, sequence, minutes, person_said, "
            "organisation_id, person_id) SELECT gen_random_uuid(), %(now)s, %(now)s, 1, 'Concertation', '', "
            "%(now)s - make_interval(days => 1 + mod(i.person_id * 7, 80)::int), 60, %(zone)s, '', '', 'HELD', 0, "
            f"'', '', i.organisation_id, i.person_id {referents} AND mod(i.person_id, 10) = 0",
            {"zone": settings.TIME_ZONE},
        )
        self.sql(
            "meeting participants",
            "INSERT INTO coordination_participant (public_id, kind, name, email, attendance, meeting_id, "
            "organisation_id) SELECT gen_random_uuid(), 'PROFESSIONAL', '', '', 'PRESENT', m.id, i.organisation_id "
            "FROM coordination_meeting m JOIN people_involvement i ON i.person_id = m.person_id "
            "AND i.role <> 'REFERENT'",
        )

    def referrals(self) -> None:
        """Sent in the period (up to an hour ago), each step of its history some hours after the one before (1 to
        60, by its id: `step`), with the transitions the referrals app writes (`referrals.demo.PATHS`)."""
        from maillage.referrals.demo import PATHS

        answers = {"ACCEPTED", "DECLINED", "WAITING_LIST"}
        begin = dt.datetime.combine(self.start + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
        span = (self.now - dt.timedelta(hours=1) - begin).total_seconds()
        now, domains = self.now, self.domains

        def step(pk: int, sent_at: dt.datetime, k: int) -> dt.datetime:
            return min(now, sent_at + dt.timedelta(hours=k * (1 + pk % 60)))

        def rows():
            sizes = {k: self.sizes[k] for k in ("organisations", "persons", "referrals")}
            for pk, sender, receiver, person, status, reason, urgency, domain, sent in region_referrals(**sizes):
                sent_at = begin + dt.timedelta(seconds=int(sent * span))
                path = [to for to, _party in PATHS[status]]
                answered = next((step(pk, sent_at, k) for k, to in enumerate(path, 1) if to in answers), None)
                contacted = (
                    step(pk, sent_at, path.index("FIRST_CONTACT_DONE") + 1) if "FIRST_CONTACT_DONE" in path else None
                )
                completed = step(pk, sent_at, len(path)) if status == "COMPLETED" else None
                changed = step(pk, sent_at, len(path))
                yield (pk, person, sender, receiver, status, reason, urgency, domains[int(domain * len(domains))],
                       sent_at, answered, contacted, completed, changed)  # fmt: skip

        self.copy(
            "referrals",
            "bench_referral",
            "id bigint, person_id bigint, sender bigint, receiver bigint, status text, reason text, urgency text, "
            "domain bigint, sent_at timestamptz, answered_at timestamptz, first_contact_at timestamptz, "
            "completed_at timestamptz, changed_at timestamptz",
            rows(),
            self.sizes["referrals"],
        )
        self.sql(
            "referrals",
            "INSERT INTO referrals_referral (id, public_id, created_at, updated_at, version, urgency, expected, "
            "eligibility, shared_categories, agreement, contact_preference, show_decline_reason_to_person, status, "
            "decline_reason, decline_detail, cancel_reason, outcome, outcome_reason, sent_at, answered_at, "
            "first_contact_at, completed_at, status_changed_at, reminders_sent, life_domain_id, person_id, "
            "receiver_organisation_id, sender_organisation_id, receiver_email) SELECT id, gen_random_uuid(), "
            "sent_at, changed_at, 1, urgency, '', '', '[\"IDENTITY\", \"SOCIAL\"]'::jsonb, 'ORALLY', 'PHONE', "
            "false, status, reason, '', '', CASE WHEN status = 'COMPLETED' THEN 'NEED_MET' ELSE '' END, '', "
            "sent_at, answered_at, first_contact_at, completed_at, changed_at, 0, domain, person_id, receiver, "
            "sender, '' FROM bench_referral",
        )
        self.sql("referrals' ids", "SELECT setval(pg_get_serial_sequence('referrals_referral', 'id'), %(n)s)",
                 {"n": max(1, self.sizes["referrals"])})  # fmt: skip
        moves = [("", "DRAFT", "SENDER", 0, None), ("DRAFT", "SENT", "SENDER", 0, None)]
        for status, path in PATHS.items():
            previous = "SENT"
            for k, (to, party) in enumerate(path, 1):
                moves.append((previous, to, party, k, status))
                previous = to
        selects = []
        for frm, to, party, k, status in moves:
            organisation = {"SENDER": "sender_organisation_id", "RECEIVER": "receiver_organisation_id"}.get(party)
            selects.append(
                f"SELECT '{frm}', '{to}', '{party}', LEAST(%(now)s, sent_at + make_interval(hours => {k} * "  # noqa: S608
                f"(1 + mod(id, 60))::int)), {'decline_reason' if to == 'DECLINED' else chr(39) * 2}, "
                f"{organisation or 'NULL'}::bigint, person_id, id FROM referrals_referral"
                + (f" WHERE status = '{status}'" if status else "")
            )
        self.sql(
            "referral transitions",
            "INSERT INTO referrals_referraltransition (from_status, to_status, party, at, reason, organisation_id, "
            "person_id, referral_id) " + " UNION ALL ".join(selects),
        )
