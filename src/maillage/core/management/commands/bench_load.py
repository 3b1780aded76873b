"""`make bench-load`: the reference deployment on loopback under a bounded load.

N granian instances (production profile, 127.0.0.1 only) behind nginx with the configuration of `deploy/nginx`
(TLS with a throw-away certificate), sessions and cache in Redis, the demo territory in a PostgreSQL database of its
own (`--postgres-url`, dropped and recreated, dropped again at the end). Then locust, headless, in two phases with
the same number of users and no think time (each user sends its next request as soon as the last one is answered):

1. the bare page (`/healthz`: TLS, nginx, granian and Django's middleware, no database, no template);
2. the Monday-morning mix of professionals who log in (password and second factor), then search the public
   directory, open their dashboard, the page of a person they follow (through the door, audited) and their
   organisation's referral inbox, and write through the real forms: a note in a followed person's coordination
   thread, a contact recorded (the form, its post with the form's one-time token, then the thread).

The bare phase stops after a number of requests or its time cap; the mix runs `--duration` seconds (300 by
default; `--requests` caps it too). With two instances or more, one of them is killed partway through the mix
(`--kill-at`, a third of the duration by default; 0: no kill): SIGKILL to its process tree, as a crash would, then
restarted `--restart-after` seconds later (negative: left dead), while nginx serves through the others. The users
send again what failed in flight (a post with the same form token: the server's once-only check answers the
first result instead of writing twice). At the end, every write a user saw acknowledged (each carries a unique
text) is looked for in the database.

Printed: p50/p95/p99 and throughput per route, errors (what failed for good, during the kill and outside it) and
the attempts retried, the CPU seconds each part used during the mix (application servers, PostgreSQL backends,
nginx, the load generator), the database connections held, the writes line
`writes_acknowledged=<n> writes_found=<n> lost=<n>`, and last one summary line:

BENCH load instances=<n> rps=<x> p95_ms=<x> errors=<n> bare_rps=<x>

Loopback only; the database named by `--postgres-url` is the bench's own, never the configured one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.core import deploy, loopback
from maillage.core.benchmarks import percentile
from maillage.core.loopback import HOST, cpu_seconds, process_tree

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/maillage_bench_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
LOCUSTFILE = Path(__file__).resolve().parents[2] / "bench_load_locustfile.py"
FIRST_PORT = 18101
HTTPS_PORT = 18443
HTTP_PORT = 18080
# Shared with `make deploy-check`: collectstatic compresses every file (minutes here), so it runs only on a change.
STATIC_ROOT = Path(settings.VAR_DIR) / "bench-load" / "static"
STATIC_MARKER = ".bench-load-sources"
# A failed attempt that the user sent again (the locustfile's reason for it): not an error by itself.
RETRIED = "retried: "
WRITE_TEXT = re.compile(r"bench-load [0-9a-f]{32}")
# After the killed instance is back, nginx may still count it as failed for this long (fail_timeout=10s).
KILL_WINDOW_AFTER = 15
LOGIN_ROUTES = ("login", "login (form)", "login second factor", "login second factor (form)")
SEARCHES = [
    "q=logement",
    "q=dettes",
    "q=aide+alimentaire",
    "q=sant%C3%A9+mentale",
    "q=emploi",
    "q=aide+%C3%A0+domicile",
    "q=jeunesse",
    "q=assu%C3%A9tudes",
]


class Command(BaseCommand):
    help = "Load test on loopback: N granian instances behind nginx, PostgreSQL, Redis; locust with a bounded load."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--instances", type=int, default=2, help="granian instances behind nginx (default 2)")
        parser.add_argument("--workers", type=int, default=1, help="granian processes per instance (default 1)")
        parser.add_argument("--threads", type=int, default=4, help="blocking threads per process (default 4)")
        parser.add_argument("--users", type=int, default=16, help="concurrent simulated users (default 16)")
        parser.add_argument(
            "--duration", "--time-cap", dest="time_cap", type=int, default=300, help="seconds of the mix (default 300)"
        )
        parser.add_argument("--requests", type=int, default=0, help="requests at most in the mix (default 0: no cap)")
        parser.add_argument(
            "--kill-at",
            type=int,
            default=None,
            help="seconds into the mix when one instance is killed (default: a third of the duration; 0: no kill)",
        )
        parser.add_argument(
            "--restart-after",
            type=int,
            default=5,
            help="seconds before the killed instance is started again (default 5; negative: left dead)",
        )
        parser.add_argument("--bare-requests", type=int, default=2000, help="requests of the bare phase")
        parser.add_argument("--bare-time-cap", type=int, default=15, help="seconds at most for the bare phase")
        parser.add_argument("--persons", type=int, default=400, help="persons of the demo territory (default 400)")
        parser.add_argument("--postgres-url", default=os.environ.get("BENCH_LOAD_POSTGRES_URL", DEFAULT_POSTGRES_URL))
        parser.add_argument("--redis-url", default=os.environ.get("BENCH_LOAD_REDIS_URL", DEFAULT_REDIS_URL))
        parser.add_argument("--prepare", metavar="PLAN", help="internal: write the load plan from the bench database")

    def handle(self, *args, **options) -> None:
        if options["prepare"]:
            Path(options["prepare"]).write_text(json.dumps(prepare_plan(options["users"])))
            return
        for tool in ("nginx", "locust"):
            if not (deploy.nginx_binary() if tool == "nginx" else shutil.which("locust", path=_venv_path())):
                raise CommandError(f"{tool} is missing: `make bench-load` installs both (nginx from Debian)")
        if options["kill_at"] is None:
            options["kill_at"] = options["time_cap"] // 3 if options["instances"] >= 2 else 0
        if options["kill_at"] and options["instances"] < 2:
            raise CommandError("--kill-at needs two instances or more: nothing would serve while one is down")
        run = LoadRun(options, self.stdout)
        try:
            run.start()
            bare = run.phase("bare", "BareUser", options["bare_requests"], options["bare_time_cap"])
            mix = run.phase(
                "mix", "ProfessionalUser", options["requests"], options["time_cap"], kill_at=options["kill_at"]
            )
            writes = run.writes_check()
        finally:
            run.stop()
        self.report(options, bare, mix, run, writes)

    def report(self, options: dict, bare: dict, mix: dict, run: LoadRun, writes: dict) -> None:
        write = self.stdout.write
        write("")
        write(
            f"{'route':<30} {'requests':>8} {'errors':>6} {'retried':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
            f"{'req/s':>7}"
        )
        for row in [*bare["routes"], *mix["routes"]]:
            write(
                f"{row['name']:<30} {row['requests']:>8} {row['errors']:>6} {row['retried']:>7} {row['p50']:>7.0f} "
                f"{row['p95']:>7.0f} {row['p99']:>7.0f} {row['rps']:>7.1f}"
            )
        pages, all_bare = mix["pages"], bare["all"]
        errors = mix["all"]["errors"] + all_bare["errors"]
        requests = mix["all"]["requests"] + all_bare["requests"]
        ratio = pages["rps"] / all_bare["rps"] if all_bare["rps"] else 0.0
        write("")
        write(
            f"mix: {pages['requests']} page requests in {pages['seconds']:.1f} s = {pages['rps']:.1f} req/s, "
            f"p50 {pages['p50']:.0f} ms, p95 {pages['p95']:.0f} ms (logins apart); bare page: {all_bare['rps']:.1f} "
            f"req/s, p95 {all_bare['p95']:.0f} ms; mix/bare throughput {ratio:.0%}"
        )
        write(f"errors: {errors} of {requests} requests ({errors / max(1, requests):.2%})")
        kill = mix["kill"]
        if kill:
            back = (
                f"started again and answering at +{kill['back'] - mix['started']:.1f} s"
                if kill.get("back")
                else "left dead"
            )
            write(
                f"kill: instance on port {kill['port']} ({kill['processes']} processes) SIGKILLed at "
                f"+{kill['killed'] - mix['started']:.1f} s of the mix, {back}; errors during the kill "
                f"(until {KILL_WINDOW_AFTER} s after it was back): {mix['kill_errors']}, others: "
                f"{errors - mix['kill_errors']}; attempts that failed in flight and were sent again: "
                f"{mix['all']['retried']} ({mix['kill_retried']} during the kill)"
            )
        write(f"writes_acknowledged={writes['acknowledged']} writes_found={writes['found']} lost={writes['lost']}")
        write(
            f"writes: {writes['by_kind']}; acknowledged after a retry: {writes['retried']}; written twice: "
            f"{writes['duplicates']}; in the database but not acknowledged (the run ended, or a user gave up): "
            f"{writes['unacknowledged']}"
        )
        cpu = mix["cpu"]
        total = sum(cpu.values())
        parts = ", ".join(
            f"{name} {seconds:.1f} s ({seconds / max(total, 1e-9):.0%})" for name, seconds in cpu.items()
        )
        write(
            f"CPU during the mix ({mix['seconds']:.1f} s, 2 cores = {2 * mix['seconds']:.0f} CPU-s): {parts}; "
            f"whole machine busy {mix['machine_busy']:.0%} (other work included)"
        )
        per_page = {name: 1000 * seconds / max(1, pages["requests"]) for name, seconds in cpu.items()}
        write(
            "CPU per page request (the logins' password checks included): "
            + ", ".join(f"{name} {ms:.1f} ms" for name, ms in per_page.items())
        )
        write(
            f"database connections held by the application servers: {mix['connections']} "
            f"(at most instances x processes x threads = {run.max_connections})"
        )
        write("Noisy figures: 2 cores shared by the servers, PostgreSQL, nginx, the load generator and other work.")
        write("")
        write(
            f"BENCH load instances={options['instances']} rps={pages['rps']:.1f} p95_ms={pages['p95']:.0f} "
            f"errors={errors} bare_rps={all_bare['rps']:.1f}"
        )


def data_fingerprint(persons: int) -> str:
    """What the bench's data is made of: every migration and demo module, and the demo's size."""
    import hashlib

    digest = hashlib.sha256(f"persons={persons}".encode())
    source = Path(settings.BASE_DIR) / "src" / "maillage"
    for path in sorted([*source.glob("*/migrations/*.py"), *source.glob("*/demo.py")]):
        digest.update(path.relative_to(source).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def static_fingerprint() -> str:
    """The static files collectstatic would copy: each one's path, size and modification time."""
    import hashlib

    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = Path(storage.path(path)).stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def summarise(name: str, timings: list[list]) -> dict:
    """Counts, percentiles and throughput of requests (route, end time, duration in ms, failed): the throughput
    over the span from the first one's start to the last one's end."""
    durations = [row[2] for row in timings]
    if not timings:
        return {
            "name": name,
            "requests": 0,
            "errors": 0,
            "retried": 0,
            "p50": 0.0,
            "p95": 0.0,
            "p99": 0.0,
            "rps": 0.0,
            "seconds": 0,
        }
    seconds = max(row[1] for row in timings) - min(row[1] - row[2] / 1000 for row in timings)
    return {
        "name": name,
        "requests": len(timings),
        "errors": sum(1 for row in timings if row[3] and not row[3].startswith(RETRIED)),
        "retried": sum(1 for row in timings if row[3].startswith(RETRIED)),
        "p50": percentile(durations, 0.50),
        "p95": percentile(durations, 0.95),
        "p99": percentile(durations, 0.99),
        "seconds": seconds,
        "rps": len(timings) / seconds if seconds > 0 else 0.0,
    }


def writes_summary(acknowledged: list[dict], stored: list[str]) -> dict:
    """Acknowledged writes (kind, unique text, retried) against the unique texts found in the database."""
    counts: dict[str, int] = {}
    for text in stored:
        counts[text] = counts.get(text, 0) + 1
    texts = {write["text"] for write in acknowledged}
    found = sum(1 for text in texts if text in counts)
    kinds: dict[str, int] = {}
    for write in acknowledged:
        kinds[write["kind"]] = kinds.get(write["kind"], 0) + 1
    return {
        "acknowledged": len(texts),
        "found": found,
        "lost": len(texts) - found,
        "retried": sum(1 for write in acknowledged if write["retried"]),
        "duplicates": sum(1 for count in counts.values() if count > 1),
        "unacknowledged": sum(1 for text in counts if text not in texts),
        "by_kind": ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())) or "none",
    }


def _venv_path() -> str:
    return loopback.venv_path()


def prepare_plan(users: int) -> dict:
    """Run in the bench environment (production profile, bench database): professionals of the demo with a second
    factor (recovery codes), each with persons they follow and their organisation's inbox."""
    from maillage.access.door import categories_for_many, persons_visible_to
    from maillage.access.enums import Action, Category
    from maillage.accounts import mfa
    from maillage.accounts.actors import actor_for
    from maillage.accounts.enums import Role
    from maillage.accounts.models import User
    from maillage.core.demo import DEMO_PASSWORD

    logins = []
    professionals = User.objects.filter(
        is_active=True, memberships__role=Role.PROFESSIONAL, memberships__is_active=True
    ).distinct()
    for user in professionals.order_by("email"):
        # As the session will act: for the first of their organisations (accounts.actors).
        actor = actor_for(user)
        if actor.organisation is None or not actor.is_professional:
            continue
        visible = list(persons_visible_to(actor)[:200])
        categories = categories_for_many(actor, visible, Action.VIEW)
        persons = [str(person.public_id) for person in visible if Category.IDENTITY in categories[person.pk]][:20]
        # Those in whose coordination thread they may write (a note, a contact).
        creatable = categories_for_many(actor, visible, Action.CREATE)
        writable = [
            str(person.public_id)
            for person in visible
            if Category.IDENTITY in categories[person.pk] and Category.COORDINATION in creatable[person.pk]
        ][:20]
        if not persons or not writable:
            continue
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        logins.append(
            {
                "email": user.email,
                "organisation": str(actor.organisation.public_id),
                "persons": persons,
                "writable": writable,
                "recovery_codes": mfa.recovery_codes_create(user),
            }
        )
        if len(logins) == users:
            break
    if not logins:
        raise CommandError("No professional of the demo follows a person: nothing to load.")
    return {"password": DEMO_PASSWORD, "logins": logins, "searches": SEARCHES}


class BackendCpu:
    """CPU seconds used by the bench database's backends from now to `stop()`, read every second: a backend ends
    when its connection closes (CONN_MAX_AGE, a killed server) and takes its CPU time out of /proc with it, so two
    snapshots miss what the backends that ended in between used (all but their last second is counted here)."""

    def __init__(self, run: LoadRun) -> None:
        self.run = run
        self.first: dict[int, float] = {pid: cpu_seconds([pid]) for pid in run._database_pids()}
        self.last = dict(self.first)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        import psycopg

        base = self.run.options["postgres_url"].rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            while not self.done.wait(1.0):
                for pid in self.run._database_pids(connection):
                    seconds = cpu_seconds([pid])
                    if seconds:
                        self.last[pid] = max(seconds, self.last.get(pid, 0.0))

    def stop(self) -> float:
        self.done.set()
        self.thread.join(timeout=10)
        for pid in self.run._database_pids():
            seconds = cpu_seconds([pid])
            if seconds:
                self.last[pid] = max(seconds, self.last.get(pid, 0.0))
        return sum(seconds - self.first.get(pid, 0.0) for pid, seconds in self.last.items())


class LoadRun:
    """The processes of one run, started in order and all stopped by `stop()`, whatever happened."""

    def __init__(self, options: dict, stdout) -> None:
        self.options = options
        self.stdout = stdout
        # The run's files (plan, server and nginx logs, timings), kept until the next run for a look after it.
        self.folder = Path(settings.VAR_DIR) / "bench-load" / "run"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.servers: list[subprocess.Popen] = []
        self.kill: dict = {}
        self.kill_error: BaseException | None = None
        # CPU seconds of the killed instance's processes, read just before the kill (gone from /proc after it).
        self.killed_cpu = 0.0
        self.writes_file = self.folder / "mix-writes.json"
        self.nginx: subprocess.Popen | None = None
        self.database_created = False
        instances, workers, threads = options["instances"], options["workers"], options["threads"]
        self.max_connections = instances * workers * threads
        self.env = self._environment()
        self.loopback = loopback.Processes(self.folder, self.env, self.say)

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def _environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.prod",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=self.options["postgres_url"],
            ALLOWED_HOSTS=f"{HOST},localhost",
            AUDIT_HMAC_KEYS=f"bench:{secrets.token_urlsafe(32)}",
            REDIS_URL=self.options["redis_url"],
            MAILLAGE_VAR_DIR=str(self.folder / "var"),
            # Kept between runs: collectstatic then copies only what changed.
            STATIC_ROOT=str(STATIC_ROOT),
            LOGIN_TRUSTED_PROXIES="1",
            LOG_LEVEL="WARNING",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PYTHONDONTWRITEBYTECODE="1",
            PATH=_venv_path(),
        )
        env.pop("DATABASE_REPLICA_URL", None)
        return env

    def manage(self, *arguments: str) -> None:
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments]
        started = time.monotonic()
        result = subprocess.run(command, env=self.env, cwd=settings.BASE_DIR, capture_output=True, text=True)  # noqa: S603
        if result.returncode != 0:
            raise CommandError(f"manage.py {arguments[0]} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")
        self.say(f"bench-load:   manage.py {arguments[0]}: {time.monotonic() - started:.0f} s")

    def start(self) -> None:
        import psycopg

        base, name = self.options["postgres_url"].rsplit("/", 1)
        template = f"{name}_template"
        fingerprint = data_fingerprint(self.options["persons"])
        started = time.monotonic()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            row = connection.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template]
            ).fetchone()
            if row and row[0] == fingerprint:
                self.say(f"bench-load: database {name} copied from {template} (same migrations and demo)")
                connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                self.database_created = True
            else:
                connection.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{name}"')
                self.database_created = True
                self.say(f"bench-load: database {name}: migrate, demo territory ({self.options['persons']} persons)")
                self.manage("migrate", "--no-input", "--verbosity", "0")
                self.manage("demo", "--no-progress", "--persons", str(self.options["persons"]))
                # Kept as a template for the next run, marked with what made it.
                connection.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
                connection.execute(f"COMMENT ON DATABASE \"{template}\" IS '{fingerprint}'")
        # collectstatic compresses every file again (minutes here): skipped when no static file changed.
        marker, fingerprint = STATIC_ROOT / STATIC_MARKER, static_fingerprint()
        if not marker.exists() or marker.read_text() != fingerprint:
            self.manage("collectstatic", "--no-input", "--verbosity", "0")
            marker.write_text(fingerprint)
        plan = self.folder / "plan.json"
        self.manage("bench_load", "--prepare", str(plan), "--users", str(self.options["users"]))
        self.plan = plan
        logins = len(json.loads(plan.read_text())["logins"])
        self.say(
            f"bench-load: ready in {time.monotonic() - started:.0f} s; {logins} professionals with a second factor"
        )
        self._start_servers()
        self._start_nginx()

    def _start_servers(self) -> None:
        ports = [FIRST_PORT + index for index in range(self.options["instances"])]
        self.servers = self.loopback.granian(ports, workers=self.options["workers"], threads=self.options["threads"])
        self.say(
            f"bench-load: {self.options['instances']} granian instances ({self.options['workers']} process(es) of "
            f"{self.options['threads']} threads each) on {HOST}:{ports[0]}-{ports[-1]}"
        )

    def _start_nginx(self) -> None:
        ports = [FIRST_PORT + index for index in range(self.options["instances"])]
        self.nginx = self.loopback.nginx(
            "nginx", ports, http_port=HTTP_PORT, https_port=HTTPS_PORT, static_root=STATIC_ROOT
        )
        self.say(f"bench-load: nginx on https://{HOST}:{HTTPS_PORT}/ (deploy/nginx/maillage.conf)")

    def kill_instance(self, delay: float) -> None:
        """After `delay` seconds, SIGKILL the first instance's whole process tree (as a crash would), then start
        it again on the same port after `--restart-after` seconds (nginx sends its requests to the others)."""
        try:
            time.sleep(delay)
            process, port = self.servers[0], FIRST_PORT
            pids = process_tree(process.pid)
            self.killed_cpu += cpu_seconds(pids)
            os.killpg(process.pid, signal.SIGKILL)
            for pid in pids:  # a process that left the group, if any
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            process.wait(timeout=10)
            self.kill = {"port": port, "processes": len(pids), "killed": time.time()}
            self.say(f"bench-load: killed the instance on port {port} ({len(pids)} processes, SIGKILL)")
            restart = self.options["restart_after"]
            if restart < 0:
                return
            time.sleep(restart)
            log = self.folder / f"granian-{port}.log"
            log.rename(self.folder / f"granian-{port}-killed.log")
            self.servers[0] = self.loopback.granian(
                [port], workers=self.options["workers"], threads=self.options["threads"]
            )[0]
            self.kill["back"] = time.time()
            self.say(f"bench-load: the instance on port {port} is back ({time.time() - self.kill['killed']:.1f} s)")
        except BaseException as error:  # reported by phase(), in the main thread
            self.kill_error = error

    def phase(self, name: str, user_class: str, requests: int, time_cap: int, kill_at: int = 0) -> dict:
        users = self.options["users"]
        cap = f"{requests} requests or {time_cap} s, whichever first" if requests else f"{time_cap} s"
        self.say(f"bench-load: {name} phase: {users} users, {cap}")
        timings_file = self.folder / f"{name}-timings.json"
        env = {
            **self.env,
            "BENCH_LOAD_PLAN": str(self.plan),
            "BENCH_LOAD_MAX_REQUESTS": str(requests),
            "BENCH_LOAD_TIMINGS": str(timings_file),
            "BENCH_LOAD_WRITES": str(self.writes_file) if name == "mix" else "",
        }
        command = [
            str(Path(sys.executable).parent / "locust"), "-f", str(LOCUSTFILE), "--headless", "--only-summary",
            "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{time_cap}s", "--stop-timeout", "5",
            "--host", f"https://{HOST}:{HTTPS_PORT}", "--loglevel", "WARNING", "--exit-code-on-error", "0", user_class,
        ]  # fmt: skip
        backends = BackendCpu(self)
        before = self._cpu_snapshot()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started, started_wall = time.monotonic(), time.time()
        killer = None
        if kill_at:
            killer = threading.Thread(target=self.kill_instance, args=(kill_at,), daemon=True)
            killer.start()
        result = subprocess.run(  # noqa: S603
            command, env=env, cwd=self.folder, capture_output=True, text=True, timeout=time_cap + 60, check=False
        )
        seconds = time.monotonic() - started
        if killer is not None:
            killer.join(timeout=180)
            if self.kill_error is not None:
                raise CommandError(f"the kill of an instance failed: {self.kill_error!r}")
        if result.returncode != 0 or not timings_file.exists():
            raise CommandError(f"locust failed ({result.returncode}):\n{result.stderr[-3000:]}")
        after = self._cpu_snapshot()
        after["parts"]["postgresql"] = before["parts"]["postgresql"] + backends.stop()
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        timings = json.loads(timings_file.read_text())
        by_route: dict[str, list] = {}
        for row in timings:
            by_route.setdefault(row[0], []).append(row)
        cpu = {part: after["parts"][part] - before["parts"].get(part, 0.0) for part in after["parts"]}
        cpu["load generator"] = (children_after.ru_utime + children_after.ru_stime) - (
            children_before.ru_utime + children_before.ru_stime
        )
        failed: dict[tuple[str, str], int] = {}
        for row in timings:
            if row[3]:
                failed[(row[0], row[3])] = failed.get((row[0], row[3]), 0) + 1
        for (route, reason), count in sorted(failed.items()):
            self.say(f"bench-load: {count} failed: {route}: {reason}")
        kill = dict(self.kill) if kill_at else {}
        during = []
        if kill:
            end = kill["back"] + KILL_WINDOW_AFTER if kill.get("back") else float("inf")
            during = [row for row in timings if kill["killed"] <= row[1] <= end]
        return {
            "started": started_wall,
            "kill": kill,
            "kill_errors": summarise("kill", during)["errors"],
            "kill_retried": summarise("kill", during)["retried"],
            "routes": [summarise(route, rows) for route, rows in sorted(by_route.items())],
            "all": summarise("all", timings),
            "pages": summarise("pages", [row for row in timings if row[0] not in LOGIN_ROUTES]),
            "seconds": seconds,
            "cpu": cpu,
            "machine_busy": (after["machine"][0] - before["machine"][0])
            / max(1e-9, after["machine"][1] - before["machine"][1]),
            "connections": self._connections(),
        }

    def _database_pids(self, connection=None) -> list[int]:
        import psycopg

        base, name = self.options["postgres_url"].rsplit("/", 1)
        query = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        if connection is not None:
            return [row[0] for row in connection.execute(query, [name]).fetchall()]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            return [row[0] for row in connection.execute(query, [name]).fetchall()]

    def _connections(self) -> int:
        return len(self._database_pids())

    def _cpu_snapshot(self) -> dict:
        """CPU seconds used so far by each part (whole process trees), and the machine's busy and total time."""
        servers = [pid for process in self.servers for pid in process_tree(process.pid)]
        nginx = process_tree(self.nginx.pid) if self.nginx else []
        parts = {
            "application": cpu_seconds(servers) + self.killed_cpu,
            "postgresql": cpu_seconds(self._database_pids()),
            "nginx": cpu_seconds(nginx),
        }
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]
        ticks = os.sysconf("SC_CLK_TCK")
        return {"parts": parts, "machine": ((sum(fields) - idle) / ticks, sum(fields) / ticks)}

    def writes_check(self) -> dict:
        """Each write acknowledged to a user (its unique text), looked for in the bench database."""
        import psycopg

        acknowledged = json.loads(self.writes_file.read_text()) if self.writes_file.exists() else []
        with psycopg.connect(self.options["postgres_url"]) as connection:
            stored = [
                text
                for (value,) in connection.execute(
                    "SELECT body FROM coordination_note WHERE body LIKE %s "
                    "UNION ALL SELECT with_whom FROM coordination_contact WHERE with_whom LIKE %s",
                    ["%bench-load %", "bench-load %"],
                )
                for text in WRITE_TEXT.findall(value)
            ]
        return writes_summary(acknowledged, stored)

    def stop(self) -> None:
        self.loopback.stop()
        if self.database_created:
            import psycopg

            base, name = self.options["postgres_url"].rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.say(f"bench-load: stopped nginx and the servers, dropped the bench database; logs in {self.folder}")
