"""`manage.py bench_directory`: 100,000 services at 20,000 locations in 500 communes, imported through HSDS,
then searched; one summary line per database:

    BENCH directory db=<sqlite|postgresql> services=<n> import_s=<x> search_p50_ms=<x> search_p95_ms=<x> pk_p95_ms=<x>

Each database runs in its own subprocess with its own DATABASE_URL: SQLite in a temporary file, PostgreSQL in
a fresh temporary database on 127.0.0.1:5432 (dropped at the end). The subprocess migrates, generates the HSDS
data package, imports it (timed), then times the searches and a primary-key fetch baseline.
"""

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from maillage.directory.hsds.bench import Plan, Result, measure

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


class Command(BaseCommand):
    help = "Directory benchmark: HSDS import time and search p50/p95 against a primary-key fetch, per database."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--services", type=int, default=100_000)
        parser.add_argument("--locations", type=int, default=20_000)
        parser.add_argument("--communes", type=int, default=500)
        parser.add_argument("--searches", type=int, default=500)
        parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
        parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", POSTGRES_ADMIN_URL))
        parser.add_argument("--no-progress", action="store_true")
        # Internal: run one measurement in this process's database and write the result there.
        parser.add_argument("--worker", type=Path, help="(internal) result file of a one-database run")

    def handle(self, *args, **options) -> None:
        plan = Plan(services=options["services"], locations=options["locations"], communes=options["communes"])
        if plan.services < 1 or plan.locations < 1 or plan.communes < 1 or options["searches"] < 1:
            raise CommandError("--services, --locations, --communes and --searches must be positive")
        if options["worker"]:
            self.work(options["worker"], plan, options)
            return
        databases = [name.strip() for name in options["databases"].split(",") if name.strip()]
        unknown = set(databases) - {"sqlite", "postgresql"}
        if unknown:
            raise CommandError(f"unknown databases: {', '.join(sorted(unknown))}")
        lines = []
        for database in databases:
            result = self.run_database(database, plan, options)
            lines.append(result.line())
            self.stdout.write(
                f"{database}: {result.services} services imported in {result.import_s:.1f} s "
                f"({result.rejected} rejected); search p50 {result.search_p50_ms:.1f} ms, "
                f"p95 {result.search_p95_ms:.1f} ms ({result.with_hits}/{result.searches} searches found services, "
                f"median hits {result.hits_median:.0f}); "
                f"pk fetch p95 {result.pk_p95_ms:.2f} ms; ratio p95/pk "
                f"{result.search_p95_ms / max(result.pk_p95_ms, 1e-6):.0f}x; CPU of the Django process: import "
                f"{result.import_cpu_s:.1f} s, search p95 {result.search_cpu_p95_ms:.1f} ms; load average "
                f"{os.getloadavg()[0]:.1f}"
            )
        for line in lines:
            self.stdout.write(line)

    def work(self, result_file: Path, plan: Plan, options) -> None:
        settings.DEBUG = False  # no query log: it would grow with every row
        call_command("migrate", verbosity=0, interactive=False)
        result = measure(result_file.parent, plan, options["searches"], progress=not options["no_progress"])
        result_file.write_text(json.dumps(result.as_dict()))

    def run_database(self, database: str, plan: Plan, options) -> Result:
        with tempfile.TemporaryDirectory(prefix=f"bench-directory-{database}-") as workdir:
            work = Path(workdir)
            created_db = None
            if database == "sqlite":
                url = f"sqlite:///{work / 'bench.sqlite3'}"
            else:
                created_db = f"maillage_bench_{uuid.uuid4().hex[:10]}"
                self._postgres(options["postgres_url"], f'CREATE DATABASE "{created_db}"')
                url = options["postgres_url"].rsplit("/", 1)[0] + f"/{created_db}"
            try:
                command = [
                    sys.executable,
                    str(Path(settings.BASE_DIR) / "manage.py"),
                    "bench_directory",
                    "--worker",
                    str(work / "result.json"),
                    f"--services={plan.services}",
                    f"--locations={plan.locations}",
                    f"--communes={plan.communes}",
                    f"--searches={options['searches']}",
                ]
                if options["no_progress"]:
                    command.append("--no-progress")
                environment = {**os.environ, "DATABASE_URL": url, "DATABASE_CONN_MAX_AGE": "0"}
                completed = subprocess.run(command, env=environment, check=False)  # noqa: S603 -- our own command
                if completed.returncode != 0:
                    raise CommandError(f"the {database} run failed (exit {completed.returncode})")
                return Result(**json.loads((work / "result.json").read_text()))
            finally:
                if created_db:
                    self._postgres(options["postgres_url"], f'DROP DATABASE IF EXISTS "{created_db}" WITH (FORCE)')

    @staticmethod
    def _postgres(url: str, statement: str) -> None:
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(statement)
