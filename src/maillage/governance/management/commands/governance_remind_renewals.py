from django.core.management.base import BaseCommand

from maillage.governance.tasks import enqueue_renewal_reminders


class Command(BaseCommand):
    help = (
        "Enqueue a renewal reminder for each convention nearing its end (its own notice period, then a week before); "
        "the periodic scheduler runs it daily: each reminder goes once per convention, end date and threshold."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"reminders enqueued: {enqueue_renewal_reminders()}")
