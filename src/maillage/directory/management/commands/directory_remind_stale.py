from django.core.management.base import BaseCommand

from maillage.directory.selectors import organisations_with_stale_services
from maillage.directory.tasks import remind_stale_listings


class Command(BaseCommand):
    help = "Enqueue a reminder to each organisation with directory listings not updated for six months."

    def handle(self, *args, **options) -> None:
        organisation_ids = organisations_with_stale_services()
        for organisation_id in organisation_ids:
            remind_stale_listings.enqueue(organisation_id)
        self.stdout.write(f"reminders enqueued: {len(organisation_ids)}")
