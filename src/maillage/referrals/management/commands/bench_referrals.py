"""`make bench-referrals`: an organisation with 50,000 referrals in its inbox; p50/p95 of the filtered inbox page
and of a status change, beside a bare authenticated page in the same run. One summary line per database:

BENCH referrals db=<sqlite|postgresql> referrals=<n> inbox_p95_ms=<x> transition_p95_ms=<x> bare_page_p95_ms=<x>

Works on databases of its own only (`var/bench_referrals.sqlite3`, and the PostgreSQL database named by
`--postgres-url`, dropped and recreated), never on the configured one. Target: inbox p95 ≤ 100 ms.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from maillage.core.benchmarks import percentile, timings_ms

RESULT_PREFIX = "BENCH-RESULT "
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/maillage_referrals"


class Command(BaseCommand):
    help = "Benchmark referrals: 50,000 in one inbox; inbox page and status change p50/p95 (own databases only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--referrals", type=int, default=50_000)
        parser.add_argument("--samples", type=int, default=200)
        parser.add_argument("--databases", default="sqlite,postgresql")
        parser.add_argument(
            "--postgres-url", default=os.environ.get("BENCH_REFERRALS_POSTGRES_URL", DEFAULT_POSTGRES_URL)
        )
        parser.add_argument("--child", choices=["postgresql", "sqlite"], help="internal: one database, in-process")

    def handle(self, *args, **options) -> None:
        if options["child"]:
            self.stdout.write(RESULT_PREFIX + json.dumps(self.child(options)))
            return
        results = [self.run_child(d.strip(), options) for d in options["databases"].split(",") if d.strip()]
        self.stdout.write("")
        for r in results:
            self.stdout.write(
                f"BENCH referrals db={r['db']} referrals={r['referrals']} inbox_p95_ms={r['inbox_p95_ms']:.2f} "
                f"transition_p95_ms={r['transition_p95_ms']:.2f} bare_page_p95_ms={r['bare_page_p95_ms']:.2f}"
            )

    def run_child(self, database: str, options: dict) -> dict:
        env = os.environ.copy()
        if database == "postgresql":
            url = options["postgres_url"]
            import psycopg

            base, name = url.rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = url
        elif database == "sqlite":
            path = Path(settings.VAR_DIR) / "bench_referrals.sqlite3"
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            env["DATABASE_URL"] = f"sqlite:///{path}"
        else:
            raise CommandError(f"Unknown database {database!r}: postgresql or sqlite")
        # The test profile: DEBUG off, static files served without `collectstatic`, no second factor to pass.
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench_referrals", "--child", database,
                   "--referrals", str(options["referrals"]), "--samples", str(options["samples"])]  # fmt: skip
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

    def child(self, options: dict) -> dict:
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.urls import reverse
        from django.utils import timezone

        from maillage.accounts.models import Membership, Organisation, User
        from maillage.directory.models import Taxonomy, TaxonomyTerm
        from maillage.people.models import Person
        from maillage.referrals.enums import ReferralStatus
        from maillage.referrals.models import Referral

        settings.DEBUG = False
        call_command("migrate", verbosity=0)
        n, samples = options["referrals"], options["samples"]
        started = time.perf_counter()
        taxonomy = Taxonomy.objects.create(name="Bench", is_builtin=False)
        terms = [
            TaxonomyTerm.objects.create(taxonomy=taxonomy, code=f"d{i}", name_fr=f"Domaine {i}") for i in range(10)
        ]
        receiver = Organisation.objects.create(name="Receiver", sector="SOCIAL_ACTION", status="VALIDATED")
        senders = [
            Organisation.objects.create(name=f"Sender {i}", sector="SOCIAL_ACTION", status="VALIDATED")
            for i in range(20)
        ]
        user = User.objects.create(email="bench@bench.invalid", first_name="Bench", password="!")  # noqa: S106
        Membership.objects.create(user=user, organisation=receiver, role="PROFESSIONAL")
        persons = Person.objects.bulk_create([Person(first_name=f"P{i}") for i in range(n // 5)], batch_size=5000)
        statuses = [s for s in ReferralStatus if s != ReferralStatus.DRAFT]
        now = timezone.now()
        rows = [
            Referral(
                person=persons[i % len(persons)],
                life_domain=terms[i % 10],
                sender_organisation=senders[i % 20],
                receiver_organisation=receiver,
                expected="Bench",
                agreement="ORALLY",
                status=statuses[i % len(statuses)],
                sent_at=now - dt.timedelta(minutes=i),
                status_changed_at=now - dt.timedelta(minutes=i),
            )
            for i in range(n)
        ]
        Referral.objects.bulk_create(rows, batch_size=5000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"   {n:,} referrals in one inbox, loaded in {time.perf_counter() - started:.1f} s")

        setup_test_environment()
        client = Client()
        client.force_login(user)
        inbox_url = reverse("referrals:inbox", kwargs={"organisation_id": receiver.public_id}) + "?status=SENT"
        bare_url = reverse("core:home")
        for url in (inbox_url, bare_url):
            if client.get(url).status_code != 200:
                raise CommandError(f"{url} answered {client.get(url).status_code}")

        inbox = timings_ms(lambda _i: client.get(inbox_url), range(samples))
        bare = timings_ms(lambda _i: client.get(bare_url), range(samples))
        movable = list(
            Referral.objects.filter(receiver_organisation=receiver, status=ReferralStatus.SENT).values_list(
                "public_id", "version"
            )[:samples]
        )

        def move(item) -> None:
            public_id, version = item
            url = reverse("referrals:referral_move", kwargs={"referral_id": public_id})
            response = client.post(url, {"to": ReferralStatus.RECEIVED, "version": version})
            if response.status_code != 302:
                raise CommandError(f"status change answered {response.status_code}")

        transition = timings_ms(move, movable)
        for name, values in (("inbox", inbox), ("transition", transition), ("bare_page", bare)):
            self.stdout.write(
                f"   {name:<11} p50={statistics.median(values):8.2f} ms  p95={percentile(values, 0.95):8.2f} ms"
            )
        inbox_p95, bare_p95 = percentile(inbox, 0.95), percentile(bare, 0.95)
        self.stdout.write(f"   inbox / bare page p95 ratio: {inbox_p95 / bare_p95:.2f}")
        return {
            "db": connection.vendor,
            "referrals": n,
            "inbox_p95_ms": inbox_p95,
            "transition_p95_ms": percentile(transition, 0.95),
            "bare_page_p95_ms": bare_p95,
        }
