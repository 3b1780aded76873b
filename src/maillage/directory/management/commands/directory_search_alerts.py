from django.core.management.base import BaseCommand

from maillage.directory.tasks import enqueue_search_alerts


class Command(BaseCommand):
    help = "Enqueue the e-mail alert of each saved directory search (run it periodically, e.g. every morning)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"alerts enqueued: {enqueue_search_alerts()}")
