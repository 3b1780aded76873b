from django.core.management.base import BaseCommand

from maillage.directory.tasks import enqueue_stale_reminders


class Command(BaseCommand):
    help = "Enqueue a reminder to each organisation with directory listings not updated for six months."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"reminders enqueued: {enqueue_stale_reminders()}")
