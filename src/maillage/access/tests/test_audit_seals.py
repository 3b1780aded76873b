"""Seals: signed, dated checkpoints of the chain head outside the database, checked by `audit verify`."""

import base64
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from nacl.signing import SigningKey

from maillage.access import audit, audit_keys, seals, tasks
from maillage.access.models import AccessEvent, AuditChainHead
from maillage.access.tests.test_audit_keys import append, rewrite_from

pytestmark = pytest.mark.django_db


def seal_files() -> dict[str, dict]:
    storage = seals.storage()
    return {name: json.loads(storage.open(name).read()) for name in storage.listdir("")[1]}


def rewrite_seal(name: str, **changes) -> None:
    storage = seals.storage()
    document = {**json.loads(storage.open(name).read()), **changes}
    storage.delete(name)
    storage.save(name, seals.ContentFile(json.dumps(document).encode()))


@pytest.fixture
def sealed():
    append(10)
    seal, created = seals.seal_create()
    assert created
    return seal


def test_seal_is_signed_dated_and_holds_no_personal_data(sealed):
    (name, document), *others = seal_files().items()
    assert not others
    assert name == sealed.name
    assert name.startswith("seal-000000000010-")
    assert set(document) == {"format", "seq", "hash", "key_id", "sealed_at", "public_key", "signature"}
    head = AuditChainHead.objects.get()
    assert (document["seq"], document["hash"], document["key_id"]) == (10, head.hash, "test-1")
    assert document["sealed_at"].endswith("Z")
    result = audit.verify()
    assert (result.ok, result.seals) == (True, 1)
    assert "1 seal match the chain" in result.message()


def test_an_unchanged_head_is_not_sealed_twice(sealed):
    seal, created = seals.seal_create()
    assert (seal.name, created) == (sealed.name, False)
    append(2)
    assert seals.seal_create()[1]
    assert audit.verify().seals == 2


def test_truncated_after_a_seal_fails(sealed):
    append(5)
    seals.seal_create()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accessevent WHERE seq > 8")
    AuditChainHead.objects.filter(pk=1).update(seq=8, hash=AccessEvent.objects.get(seq=8).hash)
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 10)
    assert "the chain ends at seq=8" in result.problem
    assert "truncated" in result.problem


def test_history_rewritten_with_the_audit_key_is_caught_by_the_seal(sealed):
    append(3)
    rewrite_from(4, purpose="export", key=audit_keys.current())  # a compromised server holds the key
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 10)
    assert "the history up to it was rewritten" in result.problem


def test_chain_recomputed_without_the_key_fails_even_when_sealed(sealed):
    rewrite_from(2, purpose="export", key=None)
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 2)
    with pytest.raises(CommandError, match="seq=2"):
        call_command("audit", "verify")


def test_altered_seal_has_a_bad_signature(sealed):
    other = AccessEvent.objects.get(seq=5)
    rewrite_seal(sealed.name, seq=5, hash=other.hash)
    result = audit.verify()
    assert not result.ok
    assert "bad signature" in result.problem


def test_seal_signed_by_an_untrusted_key_fails(sealed, settings):
    settings.AUDIT_SEAL_SIGNING_KEY = base64.b64encode(bytes(SigningKey.generate())).decode()
    result = audit.verify()
    assert not result.ok
    assert "not trusted" in result.problem


def test_signing_key_rotation_keeps_old_seals_valid(sealed, settings):
    old_public = seals.public_key_text(seals.signing_key())
    settings.AUDIT_SEAL_SIGNING_KEY = base64.b64encode(bytes(SigningKey.generate())).decode()
    settings.AUDIT_SEAL_PUBLIC_KEYS = [old_public]
    append(1)
    seals.seal_create()
    assert audit.verify().seals == 2


def test_verifier_needs_only_the_public_key(sealed, settings):
    public = seals.public_key_text(seals.signing_key())
    settings.AUDIT_SEAL_SIGNING_KEY = ""
    settings.AUDIT_SEAL_PUBLIC_KEYS = [public]
    assert audit.verify().seals == 1
    settings.AUDIT_SEAL_PUBLIC_KEYS = []
    result = audit.verify()
    assert not result.ok
    assert "no public key" in result.problem


def test_broken_chain_is_not_sealed():
    append(4)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE access_accessevent SET purpose = 'export' WHERE seq = 3")
    with pytest.raises(CommandError, match="does not verify"):
        call_command("audit", "seal")
    assert not seal_files()


def test_empty_chain_is_not_sealed():
    with pytest.raises(seals.SealError, match="empty"):
        seals.seal_create()


def test_command_and_periodic_task(capsys):
    append(3)
    call_command("audit", "seal")
    assert "Sealed entry seq=3" in capsys.readouterr().out
    call_command("audit", "seal")
    assert "Nothing new" in capsys.readouterr().out
    append(1)
    result = tasks.seal_audit_chain.enqueue()
    assert result.return_value == 4
    assert len(seal_files()) == 2


def test_keygen_prints_usable_keys(capsys, settings):
    call_command("audit", "keygen")
    lines = dict(line.split(":  ", 1) for line in capsys.readouterr().out.splitlines() if ":  " in line)
    hmac_entry = next(value for name, value in lines.items() if name.startswith("AUDIT_HMAC_KEYS"))
    settings.AUDIT_HMAC_KEYS = dict([hmac_entry.split(":", 1)])
    settings.AUDIT_SEAL_SIGNING_KEY = lines["AUDIT_SEAL_SIGNING_KEY"]
    append(2)
    seals.seal_create()
    assert audit.verify().seals == 1
    assert (
        seals.public_key_text(seals.signing_key())
        == lines["AUDIT_SEAL_PUBLIC_KEYS (give it to whoever checks the seals)"]
    )
