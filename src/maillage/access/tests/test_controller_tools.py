"""The management commands that read or change persons' files outside the door are the data controller's own
tools: they say so in their help, and each run leaves one entry in the audit (no actor, no person, counts only)."""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from maillage.access.audit import verify
from maillage.access.enums import Action, Outcome, Reason
from maillage.access.models import AccessEvent
from maillage.access.services import CONTROLLER_TOOL_PURPOSE
from maillage.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _tool_entries() -> list[tuple[str, dict]]:
    events = AccessEvent.objects.filter(purpose=CONTROLLER_TOOL_PURPOSE).order_by("seq")
    for event in events:
        assert (event.actor_id, event.person_id, event.outcome, event.reason) == (
            None,
            None,
            Outcome.ALLOWED,
            Reason.CONTROLLER_TOOL,
        )
    return [(event.action, event.extra) for event in events]


@pytest.mark.parametrize(
    ("app", "name"), [("people", "people"), ("core", "demo"), ("access", "audit"), ("access", "bench_access")]
)
def test_their_help_says_what_they_are(app, name):
    help_text = load_command_class(f"maillage.{app}", name).help
    assert "data controller" in help_text or "never on the configured one" in help_text


def test_anonymize_records_each_run_dry_runs_included():
    PersonFactory()
    call_command("people", "anonymize", "--dry-run", stdout=StringIO())
    call_command("people", "anonymize", stdout=StringIO())
    assert _tool_entries() == [
        (Action.LIST, {"command": "people anonymize", "persons": 0}),
        (Action.DELETE, {"command": "people anonymize", "persons": 0}),
    ]


def test_an_erasure_request_is_recorded_found_or_not():
    person = PersonFactory()
    with pytest.raises(CommandError):
        call_command("people", "anonymize", "--person", str(uuid.uuid4()), stdout=StringIO())
    call_command("people", "anonymize", "--person", str(person.public_id), stdout=StringIO())
    assert _tool_entries() == [
        (Action.DELETE, {"command": "people anonymize --person", "persons": 0}),
        (Action.DELETE, {"command": "people anonymize --person", "persons": 1}),
    ]
    assert verify().ok


def test_audit_verify_records_what_it_checked():
    PersonFactory()
    call_command("audit", "verify", stdout=StringIO())
    [(action, extra)] = _tool_entries()
    assert action == Action.VIEW and extra["command"] == "audit verify" and extra["ok"] == 1
    assert verify().ok


def test_each_demo_run_is_recorded():
    call_command(
        "demo", "--no-progress", "--organisations", "6", "--persons", "3", "--services", "5", stdout=StringIO()
    )
    entries = _tool_entries()
    assert entries[-1] == (Action.CREATE, {"command": "demo", "seed": 2026})
    assert verify().ok
