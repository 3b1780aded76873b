"""`manage.py bench_pages`: the CPU one page of the Monday-morning mix costs, measured in-process.

The pages of `make bench-load` (the public directory search, the dashboard, the page of a followed person, the
organisation's referral inbox), requested through Django's test client by one professional who logged in with a
password and a recovery code, as the load test does. After a warm-up, each page is requested `--requests` times;
printed: the CPU time of the process per request (`time.process_time`: the Python of the application, the
database driver's client side, not PostgreSQL's own work), its p50 and mean, and the queries per request. With
`--profile`, cProfile's top functions per page (per request, by own time and by cumulative time); cProfile's own
cost inflates code that makes many small calls (template rendering) several times over. With `--sample`, a
sampling profiler on the process's CPU clock (SIGPROF every half millisecond) instead, which distorts much less:
the share of CPU samples each function was on the stack for, and the functions the samples landed in.

Run it under the production profile on a database of its own that holds the demo territory, e.g. a copy of
`make bench-load`'s template (`maillage_bench_load_template`):

    createdb -h 127.0.0.1 -U postgres -T maillage_bench_load_template maillage_bench_pages
    DJANGO_SETTINGS_MODULE=config.settings.prod SECRET_KEY=x ALLOWED_HOSTS=testserver AUDIT_HMAC_KEYS=bench:x \\
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_bench_pages REDIS_URL=redis://127.0.0.1:6379/12 \\
      LOGIN_TRUSTED_PROXIES=1 LOG_LEVEL=WARNING PYTHONPATH=src .venv/bin/python manage.py bench_pages --profile

It writes what the pages write (audit entries of the person page, sessions): never point it at a real database.
Ends with one line per page and one for the mix (weighted 3, 3, 3, 1 as in the load test):

BENCH page name=<page> cpu_ms_p50=<x> cpu_ms_mean=<x> queries=<n>
"""

import cProfile
import io
import pstats
import signal
import statistics
import time
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from maillage.core.management.commands.bench_load import SEARCHES, prepare_plan

# The load test's weights (bench_load_locustfile).
WEIGHTS = {"directory search": 3, "dashboard": 3, "person page": 3, "referral inbox": 1}


class Command(BaseCommand):
    help = "CPU per request of the load test's pages, in-process (production profile, a bench database of its own)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--requests", type=int, default=100, help="measured requests per page (default 100)")
        parser.add_argument("--warmup", type=int, default=20, help="requests per page before measuring (default 20)")
        parser.add_argument("--profile", action="store_true", help="print cProfile's top functions per page")
        parser.add_argument("--sample", action="store_true", help="print a sampling profile per page (CPU clock)")
        parser.add_argument("--top", type=int, default=25, help="functions listed per page with --profile/--sample")
        parser.add_argument("--pages", default=",".join(WEIGHTS), help="comma-separated pages to measure")

    def handle(self, *args, **options) -> None:
        if settings.DEBUG:
            raise CommandError("Run it with DEBUG off (the production profile): DEBUG keeps every query in memory.")
        plan = prepare_plan(1)
        login = plan["logins"][0]
        client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="192.0.2.10")
        self._post(client, "/accounts/login/", {"username": login["email"], "password": plan["password"]})
        self._post(client, "/accounts/mfa/verify/", {"code": login["recovery_codes"].pop()})
        persons = login["persons"]
        paths = {
            "directory search": lambda i: "/directory/?" + SEARCHES[i % len(SEARCHES)],
            "dashboard": lambda i: "/",
            "person page": lambda i: f"/people/{persons[i % len(persons)]}/",
            "referral inbox": lambda i: f"/referrals/organisation/{login['organisation']}/inbox/",
        }
        wanted = [name.strip() for name in options["pages"].split(",") if name.strip()]
        results = {}
        for name in wanted:
            if name not in paths:
                raise CommandError(f"Unknown page {name!r}: one of {', '.join(paths)}")
            results[name] = self.measure(client, name, paths[name], options)
        self.stdout.write("")
        for name, result in results.items():
            self.stdout.write(
                f"BENCH page name={name.replace(' ', '_')} cpu_ms_p50={result['p50']:.1f} "
                f"cpu_ms_mean={result['mean']:.1f} queries={result['queries']}"
            )
        if set(results) == set(WEIGHTS):
            mix = sum(WEIGHTS[name] * results[name]["mean"] for name in WEIGHTS) / sum(WEIGHTS.values())
            self.stdout.write(f"BENCH page name=mix cpu_ms_mean={mix:.1f}")

    def _post(self, client: Client, path: str, data: dict) -> None:
        response = client.post(path, data)
        if response.status_code != 302 or "/accounts/login/" in response.get("Location", ""):
            raise CommandError(f"POST {path} answered {response.status_code}: the login failed")

    def _get(self, client: Client, path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise CommandError(f"GET {path} answered {response.status_code}, not 200")

    def measure(self, client: Client, name: str, path_for, options: dict) -> dict:
        for index in range(options["warmup"]):
            self._get(client, path_for(index))
        with CaptureQueriesContext(connection) as queries:
            self._get(client, path_for(0))
        query_count = len(queries.captured_queries)
        # CPU time, not wall time: waiting for PostgreSQL is not the application's cost.
        profiler = cProfile.Profile(time.process_time) if options["profile"] else None
        sampler = Sampler() if options["sample"] else None
        if sampler is not None:
            sampler.start()
        cpu = []
        for index in range(options["requests"]):
            path = path_for(index)
            started = time.process_time()
            if profiler is not None:
                profiler.enable()
            self._get(client, path)
            if profiler is not None:
                profiler.disable()
            cpu.append(1000 * (time.process_time() - started))
        if sampler is not None:
            sampler.stop()
        result = {"p50": statistics.median(cpu), "mean": statistics.fmean(cpu), "queries": query_count}
        self.stdout.write(
            f"{name}: {options['requests']} requests, CPU per request p50 {result['p50']:.1f} ms, "
            f"mean {result['mean']:.1f} ms, {query_count} queries"
            + (" (cProfile on: slower than without)" if profiler is not None else "")
        )
        if profiler is not None:
            for order in ("tottime", "cumulative"):
                text = io.StringIO()
                stats = pstats.Stats(profiler, stream=text)
                stats.sort_stats(order).print_stats(options["top"])
                if order == "cumulative":
                    stats.print_stats("maillage", options["top"])
                self.stdout.write(f"-- {name}: top {options['top']} by {order} (totals over the measured requests)")
                self.stdout.write(text.getvalue().split("\n\n", 1)[-1].rstrip())
        if sampler is not None:
            self.stdout.write(sampler.report(name, options["top"]))
        return result


def _where(frame) -> str:
    code = frame.f_code
    path = code.co_filename
    for marker in ("/site-packages/", "/src/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{path}:{code.co_firstlineno}({code.co_name})"


class Sampler:
    """Where the CPU goes: SIGPROF fires every `interval` seconds of the process's CPU time, and the handler
    counts the Python frames on the stack then (once each per sample) and the innermost one."""

    def __init__(self, interval: float = 0.0005) -> None:
        self.interval = interval
        self.samples = 0
        self.on_stack: Counter[str] = Counter()
        self.innermost: Counter[str] = Counter()

    def _handler(self, _signum, frame) -> None:
        self.samples += 1
        self.innermost[_where(frame)] += 1
        seen = set()
        while frame is not None:
            where = _where(frame)
            if where not in seen:
                seen.add(where)
                self.on_stack[where] += 1
            frame = frame.f_back

    def start(self) -> None:
        self.previous = signal.signal(signal.SIGPROF, self._handler)
        signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)

    def stop(self) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, self.previous)

    def report(self, name: str, top: int) -> str:
        total = max(1, self.samples)
        lines = [f"-- {name}: {self.samples} CPU samples; share of samples with the function on the stack (project)"]
        project = [(where, count) for where, count in self.on_stack.most_common() if where.startswith("maillage/")]
        lines += [f"{100 * count / total:5.1f} %  {where}" for where, count in project[:top]]
        lines.append(f"-- {name}: on the stack, any code")
        lines += [f"{100 * count / total:5.1f} %  {where}" for where, count in self.on_stack.most_common(top * 2)]
        lines.append(f"-- {name}: innermost function")
        lines += [f"{100 * count / total:5.1f} %  {where}" for where, count in self.innermost.most_common(top)]
        return "\n".join(lines)
