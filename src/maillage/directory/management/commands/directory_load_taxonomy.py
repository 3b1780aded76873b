from django.core.management.base import BaseCommand
from django.db import transaction

from maillage.directory.search_index import rebuild_index
from maillage.directory.taxonomy import load_builtin_taxonomy


class Command(BaseCommand):
    help = "Create or update the built-in needs taxonomy and its mappings (idempotent)."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            counts = load_builtin_taxonomy()
        if counts["terms_created"] or counts["terms_updated"]:
            # Term names and synonyms are part of every tagged service's search text.
            rebuild_index()
        self.stdout.write(
            f"terms created: {counts['terms_created']}, updated: {counts['terms_updated']}, "
            f"mappings created: {counts['mappings_created']}"
        )
