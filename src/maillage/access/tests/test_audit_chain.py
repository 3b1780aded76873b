"""The audit chain catches tampering: alter, delete, reorder, insert -> `verify` names the first bad entry."""

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from maillage.access import audit
from maillage.access.audit import EventData
from maillage.access.enums import Action, Category, Outcome, Reason
from maillage.access.models import AccessEvent, AuditChainHead

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    audit.record_many(
        EventData(
            action=Action.VIEW,
            outcome=Outcome.ALLOWED,
            actor_id=7,
            organisation_id=3,
            person_id=100 + i,
            category=Category.SOCIAL,
            purpose="person_page",
            reason=Reason.CONSENT,
            extra={"need": i, "b": [1, 2]} if i % 2 else {},
        )
        for i in range(10)
    )
    audit.record(action=Action.LIST, outcome=Outcome.DENIED, reason=Reason.NOT_INVOLVED)
    return list(AccessEvent.objects.order_by("seq"))


def _raw_update(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_intact_chain_verifies(chain):
    result = audit.verify(chunk=3)
    assert result.ok, result.message()
    assert result.checked == 11
    assert [e.seq for e in chain] == list(range(1, 12))
    assert chain[0].prev_hash == "0" * 64
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(chain))
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (11, chain[-1].hash)


def test_altered_entry_is_named(chain):
    _raw_update("UPDATE access_accessevent SET purpose = %s WHERE seq = %s", ["export", 5])
    result = audit.verify(chunk=4)
    assert not result.ok
    assert result.first_bad_seq == 5
    assert result.first_bad_id == chain[4].pk
    assert "altered" in result.problem


def test_altered_extra_is_named(chain):
    _raw_update("UPDATE access_accessevent SET extra = %s WHERE seq = %s", ['{"need": 99, "b": [1, 2]}', 4])
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 4)


def test_deleted_entry_is_named(chain):
    _raw_update("DELETE FROM access_accessevent WHERE seq = %s", [6])
    result = audit.verify(chunk=2)
    assert not result.ok
    assert result.first_bad_seq == 7
    assert "6..6 are missing" in result.problem


def test_deleted_last_entries_are_named(chain):
    _raw_update("DELETE FROM access_accessevent WHERE seq >= %s", [10])
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 10)
    assert "missing at the end" in result.problem


def test_reordered_entries_are_named(chain):
    # Swap entries 3 and 4 by renumbering them.
    _raw_update("UPDATE access_accessevent SET seq = %s WHERE seq = %s", [-3, 3])
    _raw_update("UPDATE access_accessevent SET seq = %s WHERE seq = %s", [3, 4])
    _raw_update("UPDATE access_accessevent SET seq = %s WHERE seq = %s", [4, -3])
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 3)


def test_inserted_entry_is_named(chain):
    # Shift entries 6.. up by one and insert a forged entry 6 with a self-consistent hash.
    _raw_update("UPDATE access_accessevent SET seq = seq + 1000 WHERE seq >= %s", [6])
    _raw_update("UPDATE access_accessevent SET seq = seq - 999 WHERE seq >= %s", [1000])
    forged = audit.build_events(
        [EventData(action=Action.VIEW, outcome=Outcome.ALLOWED, actor_id=666, person_id=105)],
        seq=5,
        prev_hash=chain[4].hash,
        now=chain[4].created_at,
    )[0]
    AccessEvent.objects.bulk_create([forged])
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_seq == 7  # the forged 6 is consistent; the next link (old 6, now 7) is broken


def test_entry_appended_behind_the_head_is_named(chain):
    forged = audit.build_events(
        [EventData(action=Action.VIEW, outcome=Outcome.ALLOWED, actor_id=666, person_id=105)],
        seq=11,
        prev_hash=chain[-1].hash,
        now=chain[-1].created_at,
    )[0]
    AccessEvent.objects.bulk_create([forged])
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 12)


def test_orm_refuses_updates_and_deletes(chain):
    event = chain[0]
    event.purpose = "changed"
    with pytest.raises(Exception, match="ne peut qu'être complété"):
        event.save()
    with pytest.raises(Exception, match="ne peut qu'être complété"):
        event.delete()


def test_command_reports_ok_and_failure(chain, capsys):
    call_command("audit", "verify")
    assert "OK: 11 entries" in capsys.readouterr().out
    _raw_update("UPDATE access_accessevent SET actor_id = %s WHERE seq = %s", [8, 2])
    with pytest.raises(CommandError, match="seq=2"):
        call_command("audit", "verify")


def test_whole_seconds_and_odd_times_verify():
    import datetime as dt

    for moment in (
        dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 1, 12, 0, 0, 5, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    ):
        head = AuditChainHead.objects.get_or_create(pk=1)[0]
        rows = audit.build_events(
            [EventData(action=Action.VIEW, outcome=Outcome.ALLOWED, extra={"z": 1, "a": "x"})],
            seq=head.seq,
            prev_hash=head.hash,
            now=moment,
        )
        AccessEvent.objects.bulk_create(rows)
        AuditChainHead.objects.filter(pk=1).update(seq=rows[-1].seq, hash=rows[-1].hash)
    result = audit.verify()
    assert result.ok, result.message()
    assert result.checked == 3
