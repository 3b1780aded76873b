"""`manage.py hsds_export DIRECTORY`: export the whole directory as HSDS 3.0 JSON and/or tabular data package."""

from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from maillage.directory.hsds.exporter import export_json, export_tabular


class Command(BaseCommand):
    help = "Export the directory as HSDS 3.0: JSON lists (json/) and the tabular data package (tabular/)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--format", choices=["json", "tabular", "both"], default="both")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars")

    def handle(self, *args, **options) -> None:
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
