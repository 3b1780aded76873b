"""The keyed audit chain: someone who can write to the database but lacks the audit key cannot rewrite history;
keys rotate; a chain written before keying is anchored once."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from maillage.access import audit, audit_keys
from maillage.access.audit import EventData
from maillage.access.enums import Action, Category, Outcome, Reason
from maillage.access.models import AccessEvent, AuditChainHead

pytestmark = pytest.mark.django_db

OLD_KEY = "old-key-only-for-these-tests-0123456789"
NEW_KEY = "new-key-only-for-these-tests-9876543210"


def append(count: int, first_person: int = 100) -> None:
    audit.record_many(
        EventData(
            action=Action.VIEW,
            outcome=Outcome.ALLOWED,
            actor_id=7,
            organisation_id=3,
            person_id=first_person + i,
            category=Category.SOCIAL,
            purpose="person_page",
            reason=Reason.CONSENT,
            extra={"need": i} if i % 3 == 0 else {},
        )
        for i in range(count)
    )


def rewrite_from(seq: int, *, purpose: str, key: tuple[str, bytes] | None, strip: bool = False) -> None:
    """What someone with write access to the database can do: change entry `seq`, then recompute every hash
    from it on (SHA-256 needs no key) and, with `key`, every MAC; `strip` blanks the MACs instead."""
    events = list(AccessEvent.objects.order_by("seq"))
    prev_hash = events[seq - 2].hash if seq > 1 else "0" * 64
    with connection.cursor() as cursor:
        for event in events[seq - 1 :]:
            data = EventData(
                action=event.action,
                outcome=event.outcome,
                actor_id=event.actor_id,
                organisation_id=event.organisation_id,
                person_id=event.person_id,
                category=event.category,
                purpose=purpose if event.seq == seq else event.purpose,
                reason=event.reason,
                break_glass=event.break_glass,
                extra=event.extra,
            )
            row = audit.build_events(
                [data], seq=event.seq - 1, prev_hash=prev_hash, now=event.created_at, key=key or ("x", b"x" * 32)
            )[0]
            key_id, mac = ("", "") if strip else ((row.key_id, row.mac) if key else (event.key_id, event.mac))
            cursor.execute(
                "UPDATE access_accessevent SET purpose = %s, prev_hash = %s, hash = %s, key_id = %s, mac = %s "
                "WHERE seq = %s",
                [data.purpose, row.prev_hash, row.hash, key_id, mac, event.seq],
            )
            prev_hash = row.hash
    AuditChainHead.objects.filter(pk=1).update(hash=prev_hash)


def test_every_entry_carries_the_current_key_and_its_mac():
    append(5)
    events = list(AccessEvent.objects.order_by("seq"))
    assert {event.key_id for event in events} == {"test-1"}
    key = audit_keys.keys()["test-1"]
    assert all(event.mac == audit_keys.mac(key, event.seq, event.hash, "test-1") for event in events)
    assert audit.verify().ok


def test_chain_recomputed_without_the_key_fails_at_the_first_rewritten_entry():
    append(12)
    rewrite_from(5, purpose="export", key=None)  # hashes recomputed, MACs left as they were
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 5)
    assert "MAC does not match" in result.problem


def test_chain_recomputed_with_a_guessed_key_fails():
    append(12)
    rewrite_from(3, purpose="export", key=("test-1", b"a guessed key, not the real one!"))
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 3)
    with pytest.raises(CommandError, match=r"seq=3 .*MAC does not match"):
        call_command("audit", "verify")


def test_mac_stripped_from_the_rewritten_entries_fails():
    append(8)
    rewrite_from(4, purpose="export", key=None, strip=True)
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 4)
    assert "entries 4..8 carry no MAC" in result.problem


def test_whole_chain_recomputed_and_stripped_fails():
    append(6)
    rewrite_from(1, purpose="export", key=None, strip=True)
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 1)
    assert "carry no MAC" in result.problem
    # The page views that follow do not cover the rewritten history: they are not an anchor.
    append(2)
    assert audit.verify().first_bad_seq == 1


class TestRotation:
    def test_rotate_append_verify_then_drop_the_old_key(self, settings):
        settings.AUDIT_HMAC_KEYS = {"2026-01": OLD_KEY}
        append(4)
        settings.AUDIT_HMAC_KEYS = {"2026-01": OLD_KEY, "2026-06": NEW_KEY}  # the new key is the last listed
        append(3)
        assert (
            list(AccessEvent.objects.order_by("seq").values_list("key_id", flat=True))
            == ["2026-01"] * 4 + ["2026-06"] * 3
        )
        assert audit.verify().ok

        settings.AUDIT_HMAC_KEYS = {"2026-06": NEW_KEY}
        result = audit.verify()
        assert (result.ok, result.first_bad_seq) == (False, 1)
        assert "'2026-01', which is not in AUDIT_HMAC_KEYS" in result.problem

    def test_current_key_can_be_named(self, settings):
        settings.AUDIT_HMAC_KEYS = {"a": OLD_KEY, "b": NEW_KEY}
        settings.AUDIT_HMAC_KEY_ID = "a"
        append(1)
        assert AccessEvent.objects.get().key_id == "a"

    def test_rewrite_of_entries_signed_with_a_retired_key_is_caught(self, settings):
        settings.AUDIT_HMAC_KEYS = {"2026-01": OLD_KEY}
        append(5)
        settings.AUDIT_HMAC_KEYS = {"2026-01": OLD_KEY, "2026-06": NEW_KEY}
        append(5)
        rewrite_from(2, purpose="export", key=None)
        result = audit.verify()
        assert (result.ok, result.first_bad_seq) == (False, 2)


@pytest.mark.parametrize(
    ("keys", "message"),
    [({}, "No audit key"), ({"a": "short"}, "at least 32"), ({"bad id!": OLD_KEY}, "key id")],
)
def test_a_missing_or_weak_key_is_refused_before_writing(settings, keys, message):
    settings.AUDIT_HMAC_KEYS = keys
    with pytest.raises(ImproperlyConfigured, match=message):
        append(1)
    assert not AccessEvent.objects.exists()


class TestAnchor:
    """A chain written before keying: its entries carry no MAC until `audit anchor` covers them, once."""

    @pytest.fixture
    def legacy(self):
        append(6)
        AccessEvent.objects.update(key_id="", mac="")

    def test_unkeyed_chain_fails_until_anchored(self, legacy):
        result = audit.verify()
        assert (result.ok, result.first_bad_seq) == (False, 1)
        assert "audit anchor" in result.problem
        call_command("audit", "anchor")
        assert audit.verify().ok
        append(3)
        assert audit.verify().ok
        with pytest.raises(CommandError, match="already anchored"):
            call_command("audit", "anchor")

    def test_entries_appended_before_the_anchor_are_covered_too(self, legacy):
        append(3)  # the upgrade ran and the site went on before the data controller anchored
        result = audit.verify()
        assert result.first_bad_seq == 1
        assert result.problem.startswith("entries 1..6 carry no MAC and no anchor")
        assert audit.anchor() == 6
        assert audit.verify().ok

    def test_rewriting_the_anchored_entries_fails(self, legacy):
        audit.anchor()
        append(2)
        rewrite_from(2, purpose="export", key=None)
        result = audit.verify()
        assert (result.ok, result.first_bad_seq) == (False, 6)
        assert "anchor's MAC does not match" in result.problem

    def test_keyed_chain_needs_no_anchor(self):
        append(2)
        with pytest.raises(audit.AnchorRefused, match="nothing to anchor"):
            audit.anchor()

    def test_broken_chain_is_not_anchored(self, legacy):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE access_accessevent SET purpose = 'export' WHERE seq = 2")
        with pytest.raises(audit.AnchorRefused, match="seq=2"):
            audit.anchor()
