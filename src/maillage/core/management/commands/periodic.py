"""`manage.py periodic [--loop]`: enqueue the periodic jobs due now (maillage.core.periodic). Run it with
`--loop` on every worker host, next to `db_worker`: each job still runs once per period."""

import signal
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from maillage.core import periodic


class Command(BaseCommand):
    help = "Enqueue the periodic jobs due now, once per period whatever the number of workers; --loop repeats."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="tick every --interval seconds until stopped")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between ticks (default 60)")

    def handle(self, *args, loop: bool, interval: float, **options) -> None:
        running = [True]

        def stop(_signum, _frame) -> None:
            running[0] = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while running[0]:
            close_old_connections()
            for enqueued in periodic.run_due():
                self.stdout.write(f"enqueued {enqueued}")
            if not loop:
                break
            deadline = time.monotonic() + interval
            while running[0] and time.monotonic() < deadline:
                time.sleep(min(1.0, interval))
