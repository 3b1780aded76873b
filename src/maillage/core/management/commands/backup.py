"""`maillage backup [--output FILE]`: an encrypted backup of the whole database (see `maillage.core.backup`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.core import backup


class ProgressLine:
    """Writes how far a long copy went, about every tenth of it (or every 64 MB when the size is unknown)."""

    def __init__(self, stream, verb: str) -> None:
        self.stream, self.verb, self.next = stream, verb, 0

    def __call__(self, done: int, total: int | None) -> None:
        if done < self.next or (total is not None and total < 64 * 2**20):  # a small file: no noise
            return
        if total:
            self.stream.write(f"... {self.verb} {done / 1e6:,.1f} MB of {total / 1e6:,.1f} MB ({done / total:.0%})")
            self.next = done + max(total // 10, 1)
        else:
            self.stream.write(f"... {self.verb} {done / 1e6:,.1f} MB")
            self.next = done + 64 * 2**20


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the database (SQLite online backup, or pg_dump), for the age public keys "
        "in BACKUP_AGE_RECIPIENTS."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, help="Backup file (default: BACKUP_DIR/maillage-<db>-<time>.age).")
        parser.add_argument(
            "--new-key", action="store_true", help="Print a new age key pair for the backups, and do nothing else."
        )

    def handle(self, *args, **options) -> None:
        if options["new_key"]:
            secret, public = backup.new_key_pair()
            self.stdout.write(
                f"BACKUP_AGE_RECIPIENTS={public}\n"
                f"BACKUP_AGE_IDENTITY={secret}\n"
                "Keep the identity (secret key) away from the backups and from the server that makes them."
            )
            return
        output = options["output"] or backup.default_output()
        progress = ProgressLine(self.stderr, "encrypted") if options["verbosity"] > 0 else None
        try:
            written = backup.backup(output, progress=progress)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {written} ({written.stat().st_size / 1e6:,.1f} MB, encrypted)")
