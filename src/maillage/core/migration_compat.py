"""Migrations a rolling upgrade survives: while the new release migrates, the previous one still serves.

So a migration newer than the previous release must not drop or rename a column or a table that release still
reads or writes (`RemoveField`, `RenameField`, `DeleteModel`, `RenameModel`, `AlterModelTable`, or `RunSQL` with
DROP/RENAME). Change in two releases instead (README, "Zero-downtime upgrades"): release N stops using the column
(its migration removes it from Django's state only, `SeparateDatabaseAndState`); release N+1 drops it, in a
migration that says so with `zero_downtime_contract = True` on its `Migration` class.

`manage.py migrations_compat [--base REF]` checks the migration files changed since REF: by default
MIGRATIONS_BASE, else the latest git tag (the previous release), else the previous commit.
"""

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation

RUN_SQL_BREAKS = re.compile(r"\b(DROP\s+(COLUMN|TABLE)|RENAME\s+(COLUMN|TO))\b", re.IGNORECASE)
MIGRATION_FILE = re.compile(r"(?:^|/)(?P<app>[a-z_][a-z0-9_]*)/migrations/(?P<name>\d{4}_[A-Za-z0-9_]+)\.py$")


@dataclass(frozen=True)
class Problem:
    migration: str
    what: str

    def __str__(self) -> str:
        return f"{self.migration}: {self.what}"


def _database_operations(operations: list[Operation]):
    for operation in operations:
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            yield from _database_operations(operation.database_operations)
        else:
            yield operation


def _breaks(operation: Operation) -> str | None:
    match operation:
        case migrations.RemoveField():
            return f"drops the column {operation.model_name}.{operation.name}"
        case migrations.RenameField():
            return f"renames the column {operation.model_name}.{operation.old_name} to {operation.new_name}"
        case migrations.DeleteModel():
            return f"drops the table of {operation.name}"
        case migrations.RenameModel():
            return f"renames the table of {operation.old_name} to {operation.new_name}"
        case migrations.AlterModelTable():
            return f"renames the table of {operation.name}"
        case migrations.RunSQL():
            sql = operation.sql if isinstance(operation.sql, str) else " ".join(map(str, operation.sql))
            if found := RUN_SQL_BREAKS.search(sql):
                return f"runs SQL that the previous release may not survive ({found.group(0)})"
    return None


def migration_problems(migration: migrations.Migration) -> list[Problem]:
    if getattr(migration, "zero_downtime_contract", False):
        return []
    label = f"{migration.app_label}.{migration.name}"
    return [
        Problem(label, what)
        for operation in _database_operations(migration.operations)
        if (what := _breaks(operation)) is not None
    ]


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 (git, fixed arguments)
        ["git", *args],  # noqa: S607 (the git on PATH, as make and CI use)
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else ""


def default_base(root: Path) -> str:
    """MIGRATIONS_BASE, else the latest tag (the previous release), else the previous commit, else nothing."""
    if base := os.environ.get("MIGRATIONS_BASE", "").strip():
        return base
    if tag := _git(root, "describe", "--tags", "--abbrev=0"):
        return tag
    return "HEAD~1" if _git(root, "rev-parse", "--verify", "--quiet", "HEAD~1") else ""


def changed_migrations(root: Path, base: str) -> list[tuple[str, str]]:
    """(app label, migration name) of the migration files added or changed since `base`, uncommitted included."""
    if not base:
        return []
    names = _git(root, "diff", "--name-only", "--diff-filter=AMR", base, "--").splitlines()
    names += _git(root, "ls-files", "--others", "--exclude-standard").splitlines()
    found = []
    for name in names:
        if match := MIGRATION_FILE.search(name):
            found.append((match["app"], match["name"]))
    return sorted(set(found))


def check(root: Path, base: str) -> tuple[list[tuple[str, str]], list[Problem]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    changed = [key for key in changed_migrations(root, base) if key in loader.disk_migrations]
    problems = [problem for key in changed for problem in migration_problems(loader.disk_migrations[key])]
    return changed, problems
