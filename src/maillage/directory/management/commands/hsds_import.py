"""`manage.py hsds_import PATH...`: import HSDS 3.0 JSON files or tabular data packages into the directory."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.accounts.enums import OrganisationStatus
from maillage.directory.hsds.bundle import ROOT_TYPES
from maillage.directory.hsds.importer import import_paths


class Command(BaseCommand):
    help = (
        "Import HSDS 3.0 data: JSON (objects, lists, pages), a tabular data package (directory of CSV files), or "
        "the directory hsds_export writes. New organisations await validation unless --publish."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="JSON files, CSV files or data package directories")
        parser.add_argument("--type", choices=ROOT_TYPES, help="HSDS type of the objects when it cannot be guessed")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish new organisations and their services at once (by default they await the network "
            "coordinator's validation)",
        )
        parser.add_argument("--strict", action="store_true", help="Exit with an error when a record is rejected")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars")
        parser.add_argument(
            "--schema-dir",
            type=Path,
            help="Directory of the official HSDS 3.0 JSON schemas (default: HSDS_SCHEMA_DIR)",
        )

    def handle(self, *args, **options) -> None:
        if options["schema_dir"]:
            if not (options["schema_dir"] / "service.json").is_file():
                raise CommandError(f"{options['schema_dir']}: not a directory of HSDS schemas")
            settings.HSDS_SCHEMA_DIR = options["schema_dir"]
        for path in options["paths"]:
            if not path.exists():
                raise CommandError(f"{path}: no such file or directory")
        report = import_paths(
            options["paths"],
            hsds_type=options["type"],
            progress=not options["no_progress"],
            organisation_status=OrganisationStatus.VALIDATED if options["publish"] else OrganisationStatus.PENDING,
        )
        if report.refused:
            raise CommandError(report.refused)
        for line in report.summary_lines():
            self.stdout.write(line)
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, {len(report.rejected)} rejected",
            style_func=self.style.WARNING if report.rejected else self.style.SUCCESS,
        )
        if options["strict"] and report.rejected:
            raise CommandError(f"{len(report.rejected)} records rejected")
