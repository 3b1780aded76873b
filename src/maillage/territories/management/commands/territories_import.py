"""`manage.py territories_import PATH`: import or update communes from an official CSV list."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.territories.services import DEFAULT_BATCH_SIZE, TerritoryImportError, territories_import


class Command(BaseCommand):
    help = (
        "Import or update territories (country, region, province, district, commune, postcodes) from a CSV file "
        "of communes. Idempotent: importing the same file twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="CSV file (UTF-8), one commune per row")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="rows per transaction")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, path: Path, batch_size: int, no_progress: bool, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            report = territories_import(path, batch_size=batch_size, progress=not no_progress)
        except TerritoryImportError as error:
            raise CommandError(str(error)) from error
        for error in report.errors:
            self.stderr.write(f"line {error.line}: {error.message}")
        self.stdout.write(
            f"{report.rows} rows: {report.created} communes created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.errors)} errors; postcodes: {report.postcodes_created} "
            f"created, {report.postcodes_updated} updated, {report.postcodes_deleted} deleted."
        )
        if report.errors:
            raise CommandError(f"{len(report.errors)} rows were not imported (see above).")
