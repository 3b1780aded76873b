"""`verify` in parallel segments answers exactly what the walk from the first entry to the last answers."""

import pytest
from django.db import connection

from maillage.access import audit
from maillage.access.audit import EventData
from maillage.access.enums import Action, Category, Outcome, Reason

pytestmark = pytest.mark.django_db(transaction=True)

TAMPERING = {
    "intact": [],
    "altered at a segment's first entry": ["UPDATE access_accessevent SET purpose = 'export' WHERE seq = 7"],
    "altered inside a segment": ["UPDATE access_accessevent SET actor_id = 8 WHERE seq = 9"],
    "deleted at a segment boundary": ["DELETE FROM access_accessevent WHERE seq = 7"],
    "whole segment deleted": ["DELETE FROM access_accessevent WHERE seq BETWEEN 4 AND 9"],
    "deleted at the end": ["DELETE FROM access_accessevent WHERE seq >= 17"],
    "reordered across a boundary": [
        "UPDATE access_accessevent SET seq = -6 WHERE seq = 6",
        "UPDATE access_accessevent SET seq = 6 WHERE seq = 7",
        "UPDATE access_accessevent SET seq = 7 WHERE seq = -6",
    ],
    "entry before the first": ["UPDATE access_accessevent SET seq = 0 WHERE seq = 1"],
}


@pytest.fixture
def chain():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("worker processes cannot open an in-memory SQLite database; the PostgreSQL run covers this")
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
            extra={"need": i} if i % 4 == 0 else {},
        )
        for i in range(20)
    )


@pytest.mark.parametrize("tampering", TAMPERING.values(), ids=TAMPERING.keys())
def test_parallel_segments_agree_with_the_sequential_walk(chain, tampering):
    with connection.cursor() as cursor:
        for statement in tampering:
            cursor.execute(statement)
    sequential = audit.verify(workers=1)
    parallel = audit.verify(workers=2, parallel_from=0, segment=3, chunk=2)
    assert parallel.workers == 2
    assert (parallel.ok, parallel.checked, parallel.first_bad_seq, parallel.first_bad_id, parallel.problem) == (
        sequential.ok,
        sequential.checked,
        sequential.first_bad_seq,
        sequential.first_bad_id,
        sequential.problem,
    )
    assert parallel.ok == (not tampering)


def test_parallel_segments_agree_on_rotated_keys_and_macs(chain, settings):
    """Key runs that cross segment boundaries are stitched as one walk sees them; a chain recomputed without the
    key fails at the same entry either way."""
    from maillage.access.tests.test_audit_keys import rewrite_from

    settings.AUDIT_HMAC_KEYS = {**settings.AUDIT_HMAC_KEYS, "rotated": "rotated-key-only-for-these-tests-0123"}
    audit.record_many(EventData(action=Action.VIEW, outcome=Outcome.ALLOWED, person_id=i) for i in range(7))
    for tampered in (False, True):
        if tampered:
            rewrite_from(11, purpose="export", key=None)
        sequential = audit.verify(workers=1)
        parallel = audit.verify(workers=2, parallel_from=0, segment=4, chunk=3)
        assert parallel.workers == 2
        assert (parallel.ok, parallel.first_bad_seq, parallel.problem) == (
            sequential.ok,
            sequential.first_bad_seq,
            sequential.problem,
        )
        assert parallel.ok == (not tampered)
    assert sequential.first_bad_seq == 11
