"""`maillage analytics compute`: the same as `analytics_compute`."""

from django.core.management.base import CommandParser

from maillage.analytics.management.commands import analytics_compute


class Command(analytics_compute.Command):
    help = "Network analytics: `analytics compute [--network ID] [--days N] [--end DATE]` takes a snapshot."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["compute"])
        super().add_arguments(parser)

    def handle(self, *args, action: str, **options) -> None:
        super().handle(*args, **options)
