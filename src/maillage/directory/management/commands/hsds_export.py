"""`manage.py hsds_export DIRECTORY`: export the whole directory as HSDS 3.0 JSON and/or tabular data package."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from maillage.directory.hsds.exporter import export_json, export_tabular


class Command(BaseCommand):
    help = "Export the directory as HSDS 3.0: JSON lists (json/) and the tabular data package (tabular/)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--format", choices=["json", "tabular", "both"], default="both")
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
        directory: Path = options["directory"]
        quiet = options["no_progress"]

        def progress(iterable, label, total):
            return tqdm(iterable, total=total, desc=f"export {label}", disable=quiet, leave=False, mininterval=0.5)

        if options["format"] in {"json", "both"}:
            counts = export_json(directory / "json", progress=progress)
            self.stdout.write(f"JSON in {directory / 'json'}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        if options["format"] in {"tabular", "both"}:
            counts = export_tabular(directory / "tabular", progress=progress)
            self.stdout.write(
                f"Tabular data package in {directory / 'tabular'}: " + ", ".join(f"{k} {v}" for k, v in counts.items())
            )
