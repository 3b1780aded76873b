from django.core.management.base import BaseCommand
from django.utils import timezone

from maillage.governance.selectors import renewal_reminders_due
from maillage.governance.tasks import remind_convention_renewal


class Command(BaseCommand):
    help = (
        "Enqueue a renewal reminder for each convention nearing its end (its own notice period, then a week before); "
        "run it daily: each reminder goes once per convention, end date and threshold."
    )

    def handle(self, *args, **options) -> None:
        due = renewal_reminders_due(timezone.localdate())
        for agreement_id, days_before in due:
            remind_convention_renewal.enqueue(agreement_id, days_before)
        self.stdout.write(f"reminders enqueued: {len(due)}")
