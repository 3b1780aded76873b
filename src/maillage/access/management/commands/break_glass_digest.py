"""`maillage break_glass_digest [--week 2026-W49]`: e-mail the network coordinators the weekly digest of
emergency accesses (run it every Monday, e.g. from cron: it covers the week that just ended)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from maillage.access.selectors import Week
from maillage.access.tasks import send_break_glass_digest


class Command(BaseCommand):
    help = (
        "Enqueue the weekly digest of emergency accesses (counts per organisation, no personal data) to the "
        "network coordinators. Run it every Monday: by default it covers the previous week."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--week", help="The ISO week to cover, e.g. 2026-W49 (default: the previous week).")

    def handle(self, *args, **options) -> None:
        previous = Week.containing(timezone.now()).shifted(-1)
        week = Week.parse(options["week"], default=None) if options["week"] else previous
        if week is None:
            raise CommandError(f"Not an ISO week: {options['week']!r} (expected e.g. {previous}).")
        send_break_glass_digest.enqueue(str(week))
        self.stdout.write(f"Digest of week {week} enqueued.")
