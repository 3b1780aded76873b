"""`manage.py data_inclusion_export DIRECTORY`: the published directory as data·inclusion structures and services."""

from pathlib import Path

from django.core.management.base import BaseCommand

from maillage.directory.hsds.data_inclusion import export


class Command(BaseCommand):
    help = "Export the published organisations and services as data·inclusion structures.json and services.json."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args, **options) -> None:
        counts, rejected = export(options["directory"])
        for line in rejected:
            self.stdout.write(f"not exported: {line}")
        self.stdout.write(
            f"{counts['structures']} structures, {counts['services']} services in {options['directory']}"
        )
