"""`maillage restore FILE [--force]`: restore an encrypted backup, then verify the audit chain."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.access import audit
from maillage.core import backup
from maillage.core.management.commands.backup import ProgressLine


class Command(BaseCommand):
    help = (
        "Restore an encrypted backup into the database (BACKUP_AGE_IDENTITY holds the key), then run audit verify. "
        "A database holding data is replaced only with --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The backup file (.age).")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that holds data (everything in it is lost)."
        )
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="With --force: do not ask to confirm."
        )

    def handle(self, *args, **options) -> None:
        progress = ProgressLine(self.stderr, "decrypted") if options["verbosity"] > 0 else None
        try:
            result = backup.restore(
                options["file"],
                force=options["force"],
                confirm=self.confirm if options["interactive"] else None,
                progress=progress,
            )
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        if not result.ok:
            later = backup.seals_after_head()
            if later and audit.verify(seals=False).ok:
                raise CommandError(
                    f"Restored; the audit chain is intact up to the backup, but {len(later)} seal(s) made after the "
                    f"backup cover entries up to seq={later[-1].seq}: those entries were lost with everything written "
                    "after the backup. Keep these seals as the record of the loss and move them out of the seal "
                    f"storage, then run `maillage audit verify`: {', '.join(seal.name for seal in later)}"
                )
            raise CommandError(f"Restored, but the audit chain does not verify: {result.message()}")
        self.stdout.write(f"Restored {options['file']}. Audit: {result.message()}")

    def confirm(self, database: str) -> bool:
        answer = input(
            f"The database {database} holds data: every row in it will be replaced by the backup.\n"
            f"Type the database name ({database}) to confirm: "
        )
        return answer.strip() == database
