"""Encrypted backups of the whole database: `maillage backup` and `maillage restore`, SQLite or PostgreSQL.

- SQLite: the online backup API copies a consistent snapshot while the site keeps running;
- PostgreSQL: `pg_dump --format=custom`, restored by `pg_restore` in a single transaction.

The stream is encrypted with age (pyrage) for the public keys in `BACKUP_AGE_RECIPIENTS` (and the identity's
own): the server that makes backups does not need the secret key that reads them. It is streamed, never the
whole database in memory. Decrypted with the `age` tool, a backup is a plain SQLite file or a pg_dump archive:
a restore does not depend on Maillage.

A restore authenticates the whole file before it touches the database (age detects a wrong key, a truncated
or altered file), refuses a database holding data unless forced, and ends with `audit verify`.
"""

import contextlib
import io
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pyrage
from django.conf import settings
from django.db import connection
from pyrage import x25519

AGE_MAGIC = b"age-encryption.org/v1"
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
Progress = Callable[[int, int | None], None]


class BackupError(Exception):
    pass


def recipients() -> list[x25519.Recipient]:
    keys = list(getattr(settings, "BACKUP_AGE_RECIPIENTS", []) or [])
    try:
        found = [x25519.Recipient.from_str(key) for key in keys]
    except pyrage.RecipientError as error:
        raise BackupError(f"BACKUP_AGE_RECIPIENTS holds a key that is not an age public key (age1…): {error}") from (
            error
        )
    found += [identity.to_public() for identity in identities(required=False)]
    if not found:
        raise BackupError(
            "No backup key: set BACKUP_AGE_RECIPIENTS to an age public key (age1…); "
            "`maillage backup --new-key` makes a key pair."
        )
    return found


def identities(*, required: bool = True) -> list[x25519.Identity]:
    text = getattr(settings, "BACKUP_AGE_IDENTITY", "") or ""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    try:
        found = [x25519.Identity.from_str(line) for line in lines]
    except pyrage.IdentityError as error:
        raise BackupError("BACKUP_AGE_IDENTITY is not an age secret key (AGE-SECRET-KEY-1…).") from error
    if required and not found:
        raise BackupError(
            "No backup secret key: set BACKUP_AGE_IDENTITY (or BACKUP_AGE_IDENTITY_FILE) to the age secret key "
            "the backup was made for."
        )
    return found


def new_key_pair() -> tuple[str, str]:
    identity = x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def default_output() -> Path:
    moment = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.BACKUP_DIR) / f"maillage-{connection.vendor}-{moment}.age"


class _Counting(io.RawIOBase):
    """A stream that tells `progress` how many bytes went through it."""

    def __init__(self, stream: IO[bytes], progress: Progress | None, total: int | None = None) -> None:
        self.stream, self.progress, self.total, self.count = stream, progress, total, 0

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = self.stream.readinto(buffer)
        self._advance(size or 0)
        return size

    def write(self, data: Any) -> int:
        self.stream.write(data)
        self._advance(len(data))
        return len(data)

    def _advance(self, size: int) -> None:
        self.count += size
        if self.progress is not None:
            self.progress(self.count, self.total)


class _Head(io.RawIOBase):
    """Discards what is written to it, keeping the first bytes: a decryption that only authenticates."""

    def __init__(self) -> None:
        self.head = b""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if len(self.head) < 16:
            self.head += bytes(data[: 16 - len(self.head)])
        return len(data)


def _connection_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client of the server's major version "
            "(Debian: apt-get install postgresql-client)."
        )
    return path


def _stderr_text(stream: IO[bytes]) -> str:
    stream.seek(0)
    return stream.read().decode(errors="replace").strip()


# --- backup ---------------------------------------------------------------------------------------


def backup(output: Path, *, progress: Progress | None = None) -> Path:
    """Write an encrypted backup of the database to `output` (refused if it exists); returns its path."""
    keys = recipients()
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} already exists: choose another file.")
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = output.with_name(output.name + ".part")
    try:
        with partial.open("wb") as sink:
            if connection.vendor == "sqlite":
                _backup_sqlite(sink, keys, progress, output.parent)
            elif connection.vendor == "postgresql":
                _backup_postgresql(sink, keys, progress)
            else:
                raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
        partial.chmod(0o600)
        partial.rename(output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def _backup_sqlite(sink: IO[bytes], keys: list, progress: Progress | None, folder: Path) -> None:
    connection.ensure_connection()
    # A private folder beside the output for the plain snapshot, removed at once.
    with tempfile.TemporaryDirectory(prefix=".maillage-backup-", dir=folder) as private:
        copy = Path(private) / "snapshot.sqlite3"
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target, pages=4096)
        finally:
            target.close()
        with copy.open("rb") as plain:
            pyrage.encrypt_io(_Counting(plain, progress, copy.stat().st_size), sink, keys)


def _backup_postgresql(sink: IO[bytes], keys: list, progress: Progress | None) -> None:
    args, env = _connection_args()
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", *args]
    with tempfile.TemporaryFile() as errors:
        dump = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env)  # noqa: S603
        try:
            pyrage.encrypt_io(_Counting(dump.stdout, progress), sink, keys)
        finally:
            dump.stdout.close()
            status = dump.wait()
        if status != 0:
            raise BackupError(f"pg_dump failed (exit {status}): {_stderr_text(errors)}")


# --- restore --------------------------------------------------------------------------------------

# Accounts, organisations, persons, audit entries: the tables whose rows a restore must not silently destroy
# (named, not imported: core sits below the apps that own them).
DATA_TABLES = ("accounts_user", "accounts_organisation", "people_person", "access_accessevent")


def database_is_empty() -> bool:
    """No account, organisation, person or audit entry: nothing a restore would destroy."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in DATA_TABLES:
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return False
    return True


def _decrypt(source: Path, sink: IO[bytes], keys: list, progress: Progress | None) -> None:
    with source.open("rb") as encrypted:
        if not encrypted.read(len(AGE_MAGIC)) == AGE_MAGIC:
            raise BackupError(f"{source} is not an encrypted Maillage backup (not an age file): nothing was restored.")
        encrypted.seek(0)
        try:
            pyrage.decrypt_io(_Counting(encrypted, progress, source.stat().st_size), sink, keys)
        except pyrage.DecryptError as error:
            if "No matching keys" in str(error):
                raise BackupError(
                    "This backup was not made for the key in BACKUP_AGE_IDENTITY (wrong key): nothing was restored."
                ) from error
            raise BackupError(f"{source} is corrupted or truncated ({error}): nothing was restored.") from error
        except OSError as error:
            raise BackupError(f"{source} is corrupted or truncated ({error}): nothing was restored.") from error


def _kind(head: bytes) -> str:
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError("The decrypted backup is neither a SQLite database nor a pg_dump archive: nothing was restored.")


def restore(
    source: Path,
    *,
    force: bool = False,
    confirm: Callable[[str], bool] | None = None,
    progress: Progress | None = None,
):
    """Restore the backup `source` into the database, then verify the audit chain (returns its result).

    A database holding data is replaced only with `force` (and `confirm(database name)`, when given)."""
    from maillage.access import audit

    keys = identities()
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    vendor = connection.vendor
    with tempfile.TemporaryDirectory(prefix="maillage-restore-") as private:
        plain = Path(private) / "backup"
        if vendor == "sqlite":
            with plain.open("wb") as sink:
                _decrypt(source, sink, keys, progress)  # authenticated as a whole before anything changes
            with plain.open("rb") as head:
                kind = _kind(head.read(16))
        else:
            head = _Head()
            _decrypt(source, head, keys, progress)  # authenticate first, stream into pg_restore after
            kind = _kind(head.head)
        if kind != vendor:
            raise BackupError(f"This is a {kind} backup and the database is {vendor}: nothing was restored.")
        if not database_is_empty():
            name = str(connection.settings_dict["NAME"])
            if not force:
                raise BackupError(
                    f"The database {name} holds data: restoring would replace all of it. "
                    "Restore into a new, empty database, or add --force."
                )
            if confirm is not None and not confirm(name):
                raise BackupError("Cancelled: nothing was restored.")
        if vendor == "sqlite":
            _restore_sqlite(plain)
        else:
            _restore_postgresql(source, keys)
    connection.close()
    return audit.verify()


def _restore_sqlite(plain: Path) -> None:
    snapshot = sqlite3.connect(plain)
    try:
        if snapshot.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("The SQLite database in the backup is damaged: nothing was restored.")
        connection.ensure_connection()
        snapshot.backup(connection.connection, pages=4096)
    finally:
        snapshot.close()


def _restore_postgresql(source: Path, keys: list) -> None:
    """pg_restore in one transaction, dropping the archive's objects first: it replaces the database whole, or
    leaves it as it was when anything fails."""
    connection.close()
    args, env = _connection_args()
    command = [
        _tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
        "--single-transaction", *args,
    ]  # fmt: skip
    with tempfile.TemporaryFile() as errors:
        target = subprocess.Popen(  # noqa: S603
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, env=env
        )
        failure = None
        try:
            _decrypt(source, target.stdin, keys, None)
        except (BackupError, OSError) as error:  # pg_restore stopped reading, or the file changed since
            failure = error
        finally:
            with contextlib.suppress(BrokenPipeError):
                target.stdin.close()
            status = target.wait()
        if status != 0:
            raise BackupError(f"pg_restore failed (exit {status}), the database is unchanged: {_stderr_text(errors)}")
        if failure is not None:
            raise BackupError(str(failure))


def seals_after_head() -> list:
    """The seals of entries beyond the restored chain's head: what a restore of an older backup lost."""
    from maillage.access import seals
    from maillage.access.models import AuditChainHead

    head = AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    try:
        return [seal for seal in seals.load_all() if seal.seq > head]
    except seals.SealError:
        return []
