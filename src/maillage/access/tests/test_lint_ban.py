"""The door's lint ban (ruff TID251, pyproject.toml) covers every person-data model and the app registry, outside
the door's package and the data layer of the apps that own the models: a file that imports one elsewhere fails
the lint."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BANNED = PYPROJECT["tool"]["ruff"]["lint"]["flake8-tidy-imports"]["banned-api"]
PERSON_APPS = ("people", "consent", "access", "projects")
# Models of those apps that hold no person data.
NOT_PERSON_DATA = {"access.AuditChainHead"}

LEAKY = """\
from django.apps import apps

from maillage.access.models import AccessEvent, BreakGlassGrant
from maillage.consent.models import Consent, Objection
from maillage.people import models
from maillage.people.models import (
    ContactPreference,
    InformationRecord,
    Involvement,
    Need,
    Person,
    ReferentChange,
    Relation,
)

USED = [AccessEvent, BreakGlassGrant, Consent, Objection, ContactPreference, InformationRecord, Involvement]
MORE = [Need, Person, ReferentChange, Relation, models.Need]
BY_NAME = apps.get_model("people", "Person")
BY_APP = apps.get_app_config("people").get_model("Person")
EVERY = apps.get_models()
"""
# 11 models imported, one reached through the module, apps.get_model, get_app_config and get_models; `apps`
# itself stays allowed (config/api.py lists the app configs to mount their API routers).
LEAKS = 15


def banned_names(source: str, path: str) -> list[str]:
    """The TID251 findings of ruff, with the project's configuration, on `source` as if it were at `path`."""
    command = [sys.executable, "-m", "ruff", "check", "--select", "TID251", "--output-format", "concise"]
    result = subprocess.run(  # noqa: S603 -- our own interpreter, a fixed command
        [*command, "--no-cache", "--stdin-filename", path, "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return [line for line in result.stdout.splitlines() if "TID251" in line]


def test_every_person_data_model_is_banned():
    labels = {
        model._meta.label
        for app in PERSON_APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.label not in NOT_PERSON_DATA
    }
    missing = [
        label
        for label in sorted(labels)
        if f"maillage.{label.split('.')[0]}.models.{label.split('.')[1]}" not in BANNED
    ]
    assert not missing, f"Add these person-data models to the ruff banned-api in pyproject.toml: {missing}"
    assert "django.apps.apps.get_model" in BANNED


@pytest.mark.parametrize(
    "path",
    [
        "src/maillage/directory/leak.py",
        "src/maillage/accounts/views.py",
        "src/maillage/core/management/commands/leak.py",
        "src/maillage/people/views.py",
        "src/maillage/people/api.py",
        "src/maillage/consent/views.py",
        "src/maillage/people/management/commands/leak.py",
        "src/config/leak.py",
    ],
)
def test_a_person_data_model_outside_the_door_fails_the_lint(path):
    findings = banned_names(LEAKY, path)
    assert len(findings) == LEAKS, findings
    assert any("maillage.people.models.Need" in finding for finding in findings)
    assert any("django.apps.apps.get_model" in finding for finding in findings)


@pytest.mark.parametrize(
    "path",
    [
        "src/maillage/access/door.py",
        "src/maillage/access/management/commands/audit.py",
        "src/maillage/people/selectors.py",
        "src/maillage/consent/services.py",
        "src/maillage/people/tests/test_leak.py",
    ],
)
def test_the_door_and_the_owning_data_layer_may_use_them(path):
    assert banned_names(LEAKY, path) == []


def test_the_project_is_clean():
    """Nothing in the repository uses a banned name where the ban applies."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "TID251", "--no-cache", "src"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout
