"""`make bench-access`: the access door at scale, on PostgreSQL and SQLite.

For each database, in a child process with its own dedicated database (PostgreSQL `maillage_bench_access`,
SQLite `var/bench_access.sqlite3`, both recreated unless `--keep`): bulk-generate persons, involvements,
care-team sharing bases and a hash-chained audit log (COPY on PostgreSQL, executemany in big transactions on
SQLite), then measure p50/p95 of one access decision, of the person page, of a professional's person list and
of a bare authenticated page (through Django's test client on the real URLs), and `audit verify` throughput.
Ends with one line per database:

BENCH access db=<sqlite|postgresql> persons=<n> decision_p95_ms=<x> person_page_p95_ms=<x>
person_list_p95_ms=<x> bare_page_p95_ms=<x> verify_per_s=<x>

It never reads the configured database: only the synthetic persons of the databases it creates for itself, so
it leaves no entry in the deployment's audit.
"""

import datetime as dt
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from maillage.core.benchmarks import percentile, timings_ms

RESULT_PREFIX = "BENCH-RESULT "
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/maillage_bench_access"
CHUNK = 100_000
UNUSABLE = "!"  # an unusable password hash: benchmark users never log in with a password
CATEGORIES_JSON = '["COORDINATION", "HEALTH", "IDENTITY", "PROJECT", "SOCIAL"]'


class Command(BaseCommand):
    help = (
        "Benchmark the access door: 1M persons, 5M involvements, 10M audit entries; decision, pages, verify. "
        "Works on databases of its own only (synthetic persons), never on the configured one."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--persons", type=int, default=1_000_000)
        parser.add_argument("--involvements", type=int, default=5_000_000)
        parser.add_argument("--audit", type=int, default=10_000_000)
        parser.add_argument("--databases", default="postgresql,sqlite", help="Comma-separated: postgresql,sqlite")
        parser.add_argument("--samples", type=int, default=300, help="Measurements per figure")
        parser.add_argument("--keep", action="store_true", help="Reuse the data of a previous run of the same size")
        parser.add_argument(
            "--postgres-url", default=os.environ.get("BENCH_ACCESS_POSTGRES_URL", DEFAULT_POSTGRES_URL)
        )
        parser.add_argument("--child", choices=["postgresql", "sqlite"], help=_internal())

    def handle(self, *args, **options) -> None:
        if options["child"]:
            result = Child(self, options).run()
            self.stdout.write(RESULT_PREFIX + json.dumps(result))
            return
        summaries = []
        for database in [d.strip() for d in options["databases"].split(",") if d.strip()]:
            if database not in ("postgresql", "sqlite"):
                raise CommandError(f"Unknown database {database!r}: postgresql or sqlite")
            summaries.append(self.run_child(database, options))
        self.stdout.write("")
        for result in summaries:
            figures = " ".join(
                f"{name}={result[name]:.2f}"
                for name in ("decision_p95_ms", "person_page_p95_ms", "person_list_p95_ms", "bare_page_p95_ms")
            )
            self.stdout.write(
                f"BENCH access db={result['db']} persons={result['persons']} {figures} "
                f"verify_per_s={result['verify_per_s']:.0f}"
            )

    def run_child(self, database: str, options: dict) -> dict:
        env = os.environ.copy()
        if database == "postgresql":
            url = options["postgres_url"]
            if not options["keep"]:
                _recreate_postgres(url)
            env["DATABASE_URL"] = url
        else:
            path = Path(settings.VAR_DIR) / "bench_access.sqlite3"
            path.parent.mkdir(parents=True, exist_ok=True)
            if not options["keep"]:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            env["DATABASE_URL"] = f"sqlite:///{path}"
        env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.dev"))
        env["DEBUG"] = "0"  # as in production: no query log, no static files looked up on every request
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench_access",
            "--child",
            database,
            "--persons",
            str(options["persons"]),
            "--involvements",
            str(options["involvements"]),
            "--audit",
            str(options["audit"]),
            "--samples",
            str(options["samples"]),
        ]
        if options["keep"]:
            command.append("--keep")
        self.stdout.write(f"== {database}")
        result = None
        with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as process:  # noqa: S603
            for line in process.stdout or ():
                if line.startswith(RESULT_PREFIX):
                    result = json.loads(line[len(RESULT_PREFIX) :])
                else:
                    self.stdout.write(line.rstrip("\n"))
        if process.returncode != 0 or result is None:
            raise CommandError(f"The {database} benchmark failed")
        return result


def _internal() -> str:
    return "internal: run one database's benchmark in this process"


def _recreate_postgres(url: str) -> None:
    import psycopg

    parsed = url.rsplit("/", 1)
    name = parsed[1]
    with psycopg.connect(parsed[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


class Child:
    """One database: generate, then measure."""

    def __init__(self, command: Command, options: dict) -> None:
        self.command = command
        self.options = options
        self.db = options["child"]
        self.pg = connection.vendor == "postgresql"
        self.persons = options["persons"]
        self.involvements = options["involvements"]
        self.audit = options["audit"]
        self.organisations = max(10, self.persons // 500)
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def say(self, message: str) -> None:
        self.command.stdout.write(message)
        self.command.stdout.flush()

    # --- generation -----------------------------------------------------------------------------------------

    def run(self) -> dict:
        settings.DEBUG = False
        # Pages render without `collectstatic`: plain static storage, as in the test settings.
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        settings.STATIC_ROOT = None  # nothing collected: WhiteNoise serves no files (and looks for none)
        call_command("migrate", verbosity=0, interactive=False)
        from maillage.people.models import Person

        if not (self.options["keep"] and Person.objects.count() == self.persons):
            started = time.perf_counter()
            self.generate()
            self.say(f"   generated in {time.perf_counter() - started:.1f} s")
        return self.measure()

    def timed(self, label: str, function, *args) -> None:
        started = time.perf_counter()
        count = function(*args)
        elapsed = time.perf_counter() - started
        self.say(f"   {label}: {count:,} rows in {elapsed:.1f} s ({count / max(elapsed, 1e-9):,.0f}/s)")

    def generate(self) -> None:
        self.timed("organisations, professionals", self.make_organisations)
        self.timed("persons", self.load, "people_person", self.person_columns(), self.person_rows())
        self.timed(
            "involvements", self.load, "people_involvement", self.involvement_columns(), self.involvement_rows()
        )
        self.timed("care-team sharing", self.load, "consent_consent", self.consent_columns(), self.consent_rows())
        self.timed("audit entries", self.load_audit)
        from maillage.consent.models import Consent
        from maillage.people.models import Involvement, Person

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Person, Involvement, Consent]):
                cursor.execute(sql)

    def settle(self) -> None:
        """Before measuring: fold SQLite's write-ahead log into the database (reads through a huge WAL are
        slow), and on PostgreSQL vacuum and analyse (visibility map and statistics, as in production)."""
        with connection.cursor() as cursor:
            if self.pg:
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cursor.execute("ANALYZE")

    def make_organisations(self) -> int:
        from maillage.accounts.enums import OrganisationStatus, Role, Sector
        from maillage.accounts.models import Membership, Organisation, User

        sectors = [s for s in Sector.values if s != Sector.NETWORK]
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Bench organisation {i}",
                    sector=sectors[i % len(sectors)],
                    status=OrganisationStatus.VALIDATED,
                    is_care_provider=i % 3 == 0,
                )
                for i in range(self.organisations)
            ],
            batch_size=1000,
        )
        users = User.objects.bulk_create(
            [User(email=f"pro{i}@bench.maillage.invalid", password=UNUSABLE) for i in range(self.organisations)],
            batch_size=1000,
        )
        Membership.objects.bulk_create(
            [
                Membership(user=u, organisation=o, role=Role.PROFESSIONAL)
                for u, o in zip(users, organisations, strict=True)
            ],
            batch_size=1000,
        )
        self.organisation_ids = [o.pk for o in organisations]
        self.user_ids = [u.pk for u in users]
        return len(organisations)

    def text_time(self, moment: dt.datetime) -> str:
        base = str(moment.replace(tzinfo=None))
        return base + "+00" if self.pg else base

    def text_uuid(self, value: uuid.UUID) -> str:
        return str(value) if self.pg else value.hex

    def person_columns(self) -> list[str]:
        return [
            "id", "public_id", "created_at", "updated_at", "first_name", "last_name", "phone", "email",
            "preferred_language", "last_activity_at", "opened_by_organisation_id", "version",
        ]  # fmt: skip

    def person_rows(self):
        created = self.text_time(self.now - dt.timedelta(days=30))
        first = ["Amina", "Jean", "Sofia", "Luc", "Nadia", "Marc", "Léa", "Karim", "Julie", "Ousmane"]
        last = ["Dupont", "Lambert", "Diallo", "Martin", "Peeters", "Leroy", "Janssens", "Renard", "Hubert", "Simon"]
        orgs = self.organisation_ids
        random_bits = uuid.uuid4().int
        for i in range(1, self.persons + 1):
            public = uuid.UUID(int=(random_bits ^ (i * 0x9E3779B97F4A7C15)) & ((1 << 128) - 1), version=4)
            yield (
                i, self.text_uuid(public), created, created, first[i % 10], f"{last[(i // 10) % 10]}-{i}", "", "",
                "fr", created, orgs[i % len(orgs)], 1,
            )  # fmt: skip

    def involvement_columns(self) -> list[str]:
        return [
            "public_id", "created_at", "updated_at", "person_id", "organisation_id", "professional_id", "role",
            "started_on", "ended_on", "end_reason", "end_detail", "status", "agreement", "version",
        ]  # fmt: skip

    def involvement_rows(self):
        created = self.text_time(self.now - dt.timedelta(days=30))
        started = str((self.now - dt.timedelta(days=30)).date())
        ended = str((self.now - dt.timedelta(days=3)).date())
        orgs, users = self.organisation_ids, self.user_ids
        per_person = max(1, self.involvements // self.persons)
        step = max(1, len(orgs) // (per_person + 1))
        null = "\\N" if self.pg else None
        made = 0
        for person in range(1, self.persons + 1):
            for k in range(per_person):
                if made >= self.involvements:
                    return
                index = (person + k * step) % len(orgs)
                is_ended = k > 0 and (person + k) % 10 == 0
                yield (
                    self.text_uuid(uuid.uuid4()), created, created, person, orgs[index], users[index],
                    "REFERENT" if k == 0 else "INTERVENING", started, ended if is_ended else null,
                    "OBJECTIVES_MET" if is_ended else "", "", "ENDED" if is_ended else "ACTIVE", "ON_PAPER", 1,
                )  # fmt: skip
                made += 1

    def consent_columns(self) -> list[str]:
        return ["person_id", "purpose", "categories", "legal_basis", "how_given", "starts_at", "created_at"]

    def consent_rows(self):
        started = self.text_time(self.now - dt.timedelta(days=30))
        for person in range(1, self.persons + 1):
            yield (person, "Coordination", CATEGORIES_JSON, "CARE_TEAM_SHARING", "ORAL_RECORDED", started, started)

    def load(self, table: str, columns: list[str], rows) -> int:
        """Bulk-load `rows` into `table`, its secondary indexes dropped during the load and built after it
        (one sort per index instead of millions of random B-tree inserts)."""
        indexes = self.secondary_indexes(table)
        with connection.cursor() as cursor:
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        count = self.copy(table, columns, rows)
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)
        return count

    def secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        """(name, CREATE statement) of the indexes that back no constraint: those can be dropped."""
        with connection.cursor() as cursor:
            if self.pg:
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
            return cursor.fetchall()

    def copy(self, table: str, columns: list[str], rows) -> int:
        count = 0
        if self.pg:
            with transaction.atomic(), connection.cursor() as cursor:
                # Generated rows reference rows generated just before: skip the per-row foreign-key triggers
                # (superuser only, as the benchmark's own database allows).
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                if cursor.fetchone()[0]:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    buffer = []
                    for row in rows:
                        buffer.append("\t".join(str(value) for value in row))
                        count += 1
                        if len(buffer) >= CHUNK:
                            copy.write("\n".join(buffer) + "\n")
                            buffer = []
                    if buffer:
                        copy.write("\n".join(buffer) + "\n")
            return count
        raw = self.sqlite_raw()
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608
        batch = []
        raw.execute("BEGIN")
        for row in rows:
            batch.append(row)
            count += 1
            if len(batch) >= CHUNK:
                raw.executemany(sql, batch)
                batch = []
        if batch:
            raw.executemany(sql, batch)
        raw.execute("COMMIT")
        return count

    def sqlite_raw(self):
        connection.ensure_connection()
        raw = connection.connection
        raw.isolation_level = None
        raw.execute("PRAGMA foreign_keys=OFF")  # as above: generated rows reference rows generated before
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-200000")
        return raw

    def load_audit(self) -> int:
        """Chain `audit` entries: views by the organisations following each person, in seq order."""
        from maillage.access import audit_keys
        from maillage.access.audit import SEPARATOR
        from maillage.access.models import GENESIS_HASH, AuditChainHead

        key_id, secret = audit_keys.current()
        mac = audit_keys.mac

        sha256 = hashlib.sha256
        orgs, users = self.organisation_ids, self.user_ids
        persons = self.persons
        step = max(1, len(orgs) // (max(1, self.involvements // self.persons) + 1))
        start = self.now - dt.timedelta(days=20)
        prev = GENESIS_HASH
        state = {"prev": prev}
        null = "\\N" if self.pg else None
        true, false = ("t", "f") if self.pg else (1, 0)

        def rows():
            prev = GENESIS_HASH
            for seq in range(1, self.audit + 1):
                person = (seq * 7919) % persons + 1
                index = person % len(orgs) if seq % 5 else (person + step) % len(orgs)
                moment = start + dt.timedelta(microseconds=seq * 100_000)
                created = str(moment.replace(tzinfo=None))
                glass = seq % 10_000 == 0
                category = "IDENTITY" if seq % 3 else "SOCIAL"
                payload = SEPARATOR.join(
                    (prev, str(seq), created, str(users[index]), str(orgs[index]), str(person), category, "VIEW",
                     "person_page", "ALLOWED", "CARE_TEAM_SHARING", "1" if glass else "0", "{}")
                )  # fmt: skip
                digest = sha256(payload.encode()).hexdigest()
                yield (
                    seq, created + "+00" if self.pg else created, users[index], orgs[index], person, category, "VIEW",
                    "person_page", "ALLOWED", "CARE_TEAM_SHARING", true if glass else false, "{}", prev, digest,
                    key_id, mac(secret, seq, digest, key_id),
                )  # fmt: skip
                prev = digest
            state["prev"] = prev

        del null
        columns = [
            "seq", "created_at", "actor_id", "organisation_id", "person_id", "category", "action", "purpose",
            "outcome", "reason", "break_glass", "extra", "prev_hash", "hash", "key_id", "mac",
        ]  # fmt: skip
        count = self.load("access_accessevent", columns, rows())
        AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": self.audit, "hash": state["prev"]})
        return count

    # --- measurement ----------------------------------------------------------------------------------------

    def measure(self) -> dict:
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.urls import reverse

        from maillage.access import audit, door
        from maillage.access.enums import Action, Category
        from maillage.accounts.actors import actor_for
        from maillage.accounts.models import Membership
        from maillage.people.models import Involvement, Person

        self.settle()
        setup_test_environment()
        samples = self.options["samples"]
        membership = Membership.objects.select_related("user", "organisation").order_by("pk").first()
        user = membership.user
        followed = list(
            Involvement.objects.filter(organisation=membership.organisation, status="ACTIVE")
            .order_by("person_id")
            .values_list("person_id", flat=True)[: samples * 4]
        )
        persons = list(Person.objects.filter(pk__in=followed[:: max(1, len(followed) // samples)][:samples]))
        if not persons:
            raise CommandError("No person followed by the benchmark professional")
        self.say(f"   professional follows {len(followed):,}+ persons; {len(persons)} sampled")

        actor = actor_for(user)  # built once per request by the middleware, outside the decision
        decision = timings_ms(lambda person: door.decide(actor, person, Action.VIEW, Category.SOCIAL), persons)
        client = Client()
        client.force_login(user)
        bare_url = reverse("core:home")
        list_url = reverse("people:person_list")
        check = client.get(reverse("people:person_detail", args=[persons[0].public_id]))
        if check.status_code != 200:
            raise CommandError(f"person page answered {check.status_code}")
        for url in (bare_url, list_url):
            status = client.get(url).status_code
            if status != 200:
                raise CommandError(f"{url} answered {status}")
        person_page = timings_ms(
            lambda person: client.get(reverse("people:person_detail", args=[person.public_id])), persons
        )
        person_list = timings_ms(lambda _i: client.get(list_url), range(samples))
        bare_page = timings_ms(lambda _i: client.get(bare_url), range(samples))

        started = time.perf_counter()
        result = audit.verify()
        elapsed = time.perf_counter() - started
        if not result.ok:
            raise CommandError(result.message())
        verify_per_s = result.checked / elapsed

        figures = {
            "decision": decision,
            "person_page": person_page,
            "person_list": person_list,
            "bare_page": bare_page,
        }
        for name, values in figures.items():
            self.say(f"   {name:<12} p50={statistics.median(values):8.2f} ms  p95={percentile(values, 0.95):8.2f} ms")
        page_p95 = percentile(person_page, 0.95)
        bare_p95 = percentile(bare_page, 0.95)
        self.say(f"   person page / bare page (p95): {page_p95 / bare_p95:.1f}x")
        self.say(
            f"   audit verify: {result.checked:,} entries in {elapsed:.1f} s = {verify_per_s:,.0f}/s "
            f"({result.workers} process{'es' if result.workers > 1 else ''})"
        )
        return {
            "db": self.db,
            "persons": self.persons,
            "decision_p95_ms": percentile(decision, 0.95),
            "person_page_p95_ms": page_p95,
            "person_list_p95_ms": percentile(person_list, 0.95),
            "bare_page_p95_ms": bare_p95,
            "verify_per_s": verify_per_s,
        }
