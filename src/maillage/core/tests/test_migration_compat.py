"""The rolling-upgrade check of migrations (maillage.core.migration_compat, `manage.py migrations_compat`)."""

import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import migrations, models

from maillage.core import migration_compat


def migration(*operations, contract: bool = False) -> migrations.Migration:
    result = migrations.Migration("0009_change", "people")
    result.operations = list(operations)
    if contract:
        result.zero_downtime_contract = True
    return result


@pytest.mark.parametrize(
    ("operation", "what"),
    [
        (migrations.RemoveField("person", "nickname"), "drops the column person.nickname"),
        (migrations.RenameField("person", "nickname", "alias"), "renames the column person.nickname to alias"),
        (migrations.DeleteModel("Nickname"), "drops the table of Nickname"),
        (migrations.RenameModel("Nickname", "Alias"), "renames the table of Nickname to Alias"),
        (migrations.AlterModelTable("person", "people_human"), "renames the table of person"),
        (migrations.RunSQL("ALTER TABLE people_person DROP COLUMN nickname"), "runs SQL"),
        (migrations.RunSQL(["ALTER TABLE a RENAME TO b"]), "runs SQL"),
    ],
)
def test_a_drop_or_rename_is_flagged(operation, what):
    (problem,) = migration_compat.migration_problems(migration(operation))
    assert problem.migration == "people.0009_change"
    assert what in problem.what


def test_what_the_previous_release_survives_passes():
    safe = migration(
        migrations.AddField("person", "alias", models.CharField(max_length=20, blank=True, default="")),
        migrations.AddIndex("person", models.Index(fields=["alias"], name="alias_idx")),
        # Release N: the code stops using the column, which stays in the database.
        migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField("person", "nickname")]),
        migrations.RunSQL("CREATE INDEX CONCURRENTLY x ON people_person (alias)"),
    )
    assert migration_compat.migration_problems(safe) == []


def test_the_drop_of_release_n_plus_1_says_so():
    drop = migrations.SeparateDatabaseAndState(database_operations=[migrations.RemoveField("person", "nickname")])
    assert migration_compat.migration_problems(migration(drop))
    assert migration_compat.migration_problems(migration(drop, contract=True)) == []


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)  # noqa: S603, S607


def test_only_the_migrations_since_the_previous_release_are_checked(tmp_path, monkeypatch):
    monkeypatch.delenv("MIGRATIONS_BASE", raising=False)
    folder = tmp_path / "src/maillage/people/migrations"
    folder.mkdir(parents=True)
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "ci@example.org")
    git(tmp_path, "config", "user.name", "CI")
    (folder / "0001_initial.py").write_text("")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "release 1")
    git(tmp_path, "tag", "v1")
    (folder / "0002_committed.py").write_text("")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "after the release")
    (folder / "0003_not_committed_yet.py").write_text("")
    (folder / "notes.txt").write_text("")
    base = migration_compat.default_base(tmp_path)
    assert base == "v1"
    assert migration_compat.changed_migrations(tmp_path, base) == [
        ("people", "0002_committed"),
        ("people", "0003_not_committed_yet"),
    ]


def test_the_command_passes_on_this_tree(capsys):
    call_command("migrations_compat", base="HEAD")
    assert "none drops or renames" in capsys.readouterr().out
