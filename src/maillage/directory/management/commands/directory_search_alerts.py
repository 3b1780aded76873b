from django.core.management.base import BaseCommand

from maillage.directory.models import SavedSearch
from maillage.directory.tasks import send_search_alert


class Command(BaseCommand):
    help = "Enqueue the e-mail alert of each saved directory search (run it periodically, e.g. every morning)."

    def handle(self, *args, **options) -> None:
        ids = list(SavedSearch.objects.filter(alerts=True, user__is_active=True).values_list("id", flat=True))
        for saved_search_id in ids:
            send_search_alert.enqueue(saved_search_id)
        self.stdout.write(f"alerts enqueued: {len(ids)}")
