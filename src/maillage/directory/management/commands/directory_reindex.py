from django.core.management.base import BaseCommand

from maillage.directory.search_index import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index of the directory's services (SQLite FTS5 or PostgreSQL)."

    def handle(self, *args, **options) -> None:
        count = rebuild_index()
        self.stdout.write(f"indexed services: {count}")
