"""`maillage backup` / `maillage restore`: an encrypted round trip on SQLite and PostgreSQL, into a fresh database,
ending with a verified audit chain; a wrong key, a damaged file or a database holding data are refused."""

import contextlib
import io
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pyrage
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from pyrage import x25519

from maillage.access import audit, seals
from maillage.access.audit import EventData
from maillage.access.enums import Action, Outcome
from maillage.access.models import AccessEvent
from maillage.accounts.tests.factories import UserFactory
from maillage.core import backup

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(settings.BASE_DIR)


def fill(count: int = 25, *, seal: bool = True) -> list[str]:
    UserFactory()
    audit.record_many(
        EventData(action=Action.VIEW, outcome=Outcome.ALLOWED, actor_id=1, person_id=i, purpose="person_page")
        for i in range(count)
    )
    if seal:
        seals.seal_create()
    return list(AccessEvent.objects.order_by("seq").values_list("hash", flat=True))


def restore_in_subprocess(path: Path, database_url: str, *extra: str) -> subprocess.CompletedProcess:
    """`manage.py restore` as an operator runs it, on another database than the tests'."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=database_url)
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "restore", str(path), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip; the PostgreSQL run covers pg_dump and pg_restore")


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL round trip (DATABASE_URL=postgres://...)")


def test_sqlite_round_trip_into_a_fresh_database(sqlite_only, tmp_path):
    hashes = fill()
    path = tmp_path / "backup.age"
    call_command("backup", output=path, stdout=io.StringIO(), stderr=io.StringIO())
    assert path.read_bytes().startswith(backup.AGE_MAGIC)
    assert b"person_page" not in path.read_bytes()  # encrypted at rest

    fresh = tmp_path / "fresh.sqlite3"
    result = restore_in_subprocess(path, f"sqlite:///{fresh}")
    assert result.returncode == 0, result.stderr
    assert "Audit: OK: 25 entries, chain intact." in result.stdout
    with contextlib.closing(sqlite3.connect(fresh)) as restored:
        assert [row[0] for row in restored.execute("SELECT hash FROM access_accessevent ORDER BY seq")] == hashes


def test_postgresql_round_trip_into_a_fresh_database(postgresql_only, tmp_path):
    import psycopg

    hashes = fill()
    path = tmp_path / "backup.age"
    call_command("backup", output=path, stdout=io.StringIO(), stderr=io.StringIO())
    db = connection.settings_dict
    name = f"maillage_restore_{uuid.uuid4().hex[:12]}"
    server = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "password": db["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{server['port']}/{name}"
        result = restore_in_subprocess(path, url)
        assert result.returncode == 0, result.stderr
        assert "Audit: OK: 25 entries, chain intact." in result.stdout
        with psycopg.connect(dbname=name, **server) as restored:
            rows = restored.execute("SELECT hash FROM access_accessevent ORDER BY seq").fetchall()
            assert [row[0] for row in rows] == hashes
        refused = restore_in_subprocess(path, url)  # now it holds data
        assert refused.returncode != 0
        assert "holds data" in refused.stderr
        assert restore_in_subprocess(path, url, "--force", "--no-input").returncode == 0
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_replaces_a_database_holding_data_only_when_forced(tmp_path):
    fill(10)
    path = tmp_path / "backup.age"
    backup.backup(path)
    fill(5, seal=False)
    with pytest.raises(CommandError, match="holds data"):
        call_command("restore", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert AccessEvent.objects.count() == 15
    out = io.StringIO()
    call_command("restore", str(path), "--force", "--no-input", stdout=out, stderr=io.StringIO())
    assert "Audit: OK: 10 entries" in out.getvalue()
    assert AccessEvent.objects.count() == 10


def test_restoring_an_older_backup_names_the_seals_of_what_was_lost(tmp_path):
    fill(10)
    path = tmp_path / "backup.age"
    backup.backup(path)
    fill(3)  # sealed at seq=13, after the backup
    with pytest.raises(CommandError, match=r"1 seal\(s\) made after the backup cover entries up to seq=13"):
        call_command("restore", str(path), "--force", "--no-input", stdout=io.StringIO(), stderr=io.StringIO())
    assert AccessEvent.objects.count() == 10
    (later,) = backup.seals_after_head()
    seals.storage().delete(later.name)  # moved out of the seal storage by the operator
    assert audit.verify().seals == 1


def test_restore_reports_an_audit_chain_that_does_not_verify(tmp_path):
    fill(6)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE access_accessevent SET purpose = 'export' WHERE seq = 3")
    path = tmp_path / "backup.age"
    backup.backup(path)
    with pytest.raises(CommandError, match=r"does not verify: FAIL at entry seq=3"):
        call_command("restore", str(path), "--force", "--no-input", stdout=io.StringIO(), stderr=io.StringIO())


class TestRefusals:
    @pytest.fixture
    def made(self, tmp_path):
        fill(4)
        path = tmp_path / "backup.age"
        backup.backup(path)
        return path

    def test_wrong_key(self, made, settings):
        settings.BACKUP_AGE_IDENTITY = str(x25519.Identity.generate())
        with pytest.raises(backup.BackupError, match="wrong key"):
            backup.restore(made, force=True)

    def test_no_key(self, made, settings):
        settings.BACKUP_AGE_IDENTITY = ""
        with pytest.raises(backup.BackupError, match="BACKUP_AGE_IDENTITY"):
            backup.restore(made, force=True)

    @pytest.mark.parametrize("damage", ["flipped byte", "truncated"])
    def test_corrupted_file(self, made, damage):
        data = bytearray(made.read_bytes())
        if damage == "truncated":
            del data[len(data) // 2 :]
        else:
            data[len(data) // 2] ^= 0x01
        made.write_bytes(bytes(data))
        fill(1)
        with pytest.raises(backup.BackupError, match="corrupted or truncated"):
            backup.restore(made, force=True)
        assert AccessEvent.objects.count() == 5  # untouched

    def test_not_a_backup(self, tmp_path):
        other = tmp_path / "notes.txt"
        other.write_text("not a backup")
        with pytest.raises(CommandError, match="not an encrypted Maillage backup"):
            call_command("restore", str(other), stdout=io.StringIO(), stderr=io.StringIO())

    def test_backup_of_the_other_database_engine(self, tmp_path):
        other = "PGDMP" if connection.vendor == "sqlite" else "SQLite format 3\x00"
        path = tmp_path / "other.age"
        path.write_bytes(pyrage.encrypt((other + "...").encode(), backup.recipients()))
        with pytest.raises(backup.BackupError, match="backup and the database is"):
            backup.restore(path)

    def test_existing_output_is_not_overwritten(self, made):
        with pytest.raises(CommandError, match="already exists"):
            call_command("backup", output=made, stdout=io.StringIO(), stderr=io.StringIO())

    def test_backup_needs_a_key(self, settings, tmp_path):
        settings.BACKUP_AGE_IDENTITY = ""
        settings.BACKUP_AGE_RECIPIENTS = []
        with pytest.raises(CommandError, match="No backup key"):
            call_command("backup", output=tmp_path / "b.age", stdout=io.StringIO(), stderr=io.StringIO())
        assert not list(tmp_path.iterdir())


def test_backup_to_public_key_only(settings, tmp_path):
    """The server that makes the backups needs only the public key; the secret key restores them elsewhere."""
    secret, public = backup.new_key_pair()
    settings.BACKUP_AGE_IDENTITY = ""
    settings.BACKUP_AGE_RECIPIENTS = [public]
    fill(3)
    path = tmp_path / "backup.age"
    backup.backup(path)
    with pytest.raises(backup.BackupError, match="No backup secret key"):
        backup.restore(path, force=True)
    settings.BACKUP_AGE_IDENTITY = secret
    assert backup.restore(path, force=True).ok


def test_new_key_prints_a_usable_pair():
    out = io.StringIO()
    call_command("backup", "--new-key", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines() if "=" in line)
    identity = x25519.Identity.from_str(lines["BACKUP_AGE_IDENTITY"])
    assert str(identity.to_public()) == lines["BACKUP_AGE_RECIPIENTS"]
