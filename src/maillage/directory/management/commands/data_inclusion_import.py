"""`manage.py data_inclusion_import FILE...`: import data·inclusion structures and services (JSON)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.accounts.enums import OrganisationStatus
from maillage.directory.hsds.data_inclusion import import_paths


class Command(BaseCommand):
    help = (
        "Import data·inclusion structures and services (JSON lists, or {structures, services}), validated with "
        "the official data-inclusion-schema models."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--pending", action="store_true", help="New organisations await validation")
        parser.add_argument("--strict", action="store_true", help="Exit with an error when a record is rejected")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options) -> None:
        for path in options["paths"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        report = import_paths(
            options["paths"],
            progress=not options["no_progress"],
            organisation_status=OrganisationStatus.PENDING if options["pending"] else OrganisationStatus.VALIDATED,
        )
        for line in report.summary_lines():
            self.stdout.write(line)
        self.stdout.write(f"{report.created} created, {report.updated} updated, {len(report.rejected)} rejected")
        if options["strict"] and report.rejected:
            raise CommandError(f"{len(report.rejected)} records rejected")
