"""`manage.py analytics_compute` (or `maillage analytics compute`): take a snapshot of each network."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from maillage.analytics import compute
from maillage.governance.models import Network


class Command(BaseCommand):
    help = "Compute and store a dated snapshot of the network's graph, indicators and alerts (aggregated only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", help="public id of one network (default: every network)")
        parser.add_argument("--days", type=int, default=90, help="length of the period, in days (default 90)")
        parser.add_argument("--end", help="last day of the period, YYYY-MM-DD (default today)")
        parser.add_argument(
            "--months",
            type=int,
            default=0,
            help="also a snapshot of each of the last N whole calendar months (trends)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, network=None, days=90, end=None, months=0, no_progress=False, **options) -> None:
        try:
            last = dt.date.fromisoformat(end) if end else timezone.localdate()
        except ValueError as error:
            raise CommandError("--end must be a date, YYYY-MM-DD.") from error
        if days < 1:
            raise CommandError("--days must be at least 1.")
        if months < 0:
            raise CommandError("--months cannot be negative.")
        networks = Network.objects.order_by("pk")
        if network:
            networks = networks.filter(public_id=network)
            if not networks.exists():
                raise CommandError("No network with this id.")
        for item in networks:
            for first, month_end in compute.last_months(last, months):
                compute.take(item, first, month_end)
            bar = tqdm(total=len(compute.STAGES), desc=f"network {item.pk}", disable=no_progress, file=self.stderr)
            snapshot = compute.take(
                item, last - dt.timedelta(days=days - 1), last, progress=lambda _name, bar=bar: bar.update(1)
            )
            bar.close()
            self.stdout.write(
                f"Snapshot {snapshot.public_id}: {snapshot.organisations} organisations, {snapshot.links} links, "
                f"{snapshot.alerts.count()} alerts ({', '.join(f'{k} {v} s' for k, v in snapshot.stages.items())})."
            )
