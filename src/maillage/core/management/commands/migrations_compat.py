"""`manage.py migrations_compat [--base REF]`: fail when a migration newer than REF (the previous release) drops
or renames a column or a table, which the previous release, still serving during a rolling upgrade, may read."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.core import migration_compat


class Command(BaseCommand):
    help = "Check that the migrations since the previous release keep its columns and tables (rolling upgrades)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base", help="git ref of the previous release (default: MIGRATIONS_BASE, latest tag)")

    def handle(self, *args, base: str | None, **options) -> None:
        root = Path(settings.BASE_DIR)
        base = base or migration_compat.default_base(root)
        changed, problems = migration_compat.check(root, base)
        if problems:
            raise CommandError(
                "These migrations break the previous release during a rolling upgrade (README, zero-downtime "
                "upgrades); change in two releases, or mark the second step `zero_downtime_contract = True`:\n  "
                + "\n  ".join(map(str, problems))
            )
        self.stdout.write(f"migrations since {base or 'the start'}: {len(changed)} checked, none drops or renames")
