"""Seals: signed, dated checkpoints of the audit chain head, kept outside the database.

A seal says "on this date, entry `seq` of the audit chain had this hash, signed with the audit key `key_id`".
It is signed with Ed25519 (PyNaCl; `AUDIT_SEAL_SIGNING_KEY`, environment or file) and written through the
`audit_seals` storage: a local folder by default, better an object store that forbids overwriting and
deleting (object lock). A seal holds no personal data: a number, a hash, a date, a key id, a public key.

Why: the HMAC keeps someone who can only write to the database from rewriting history; a seal keeps even
someone who also holds the audit key (a compromised server) from rewriting or truncating what was sealed.
`audit verify` checks every seal: signed by a trusted key (`AUDIT_SEAL_PUBLIC_KEYS` and the signing key's
own), and the sealed entry still in the chain with the same hash.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey

from maillage.access.models import AccessEvent, AuditChainHead

FORMAT = "maillage-audit-seal/1"
STORAGE = "audit_seals"
PREFIX = "seal-"
SIGNED_FIELDS = ("format", "seq", "hash", "key_id", "sealed_at", "public_key")


@dataclass(frozen=True)
class Seal:
    name: str
    seq: int
    hash: str
    key_id: str
    sealed_at: str
    public_key: str


@dataclass(frozen=True)
class SealCheck:
    ok: bool
    count: int = 0
    seq: int | None = None
    problem: str = ""


class SealError(Exception):
    def __init__(self, message: str, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq


def storage() -> Storage:
    return storages[STORAGE]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def signing_key() -> SigningKey:
    text = getattr(settings, "AUDIT_SEAL_SIGNING_KEY", "")
    if not text:
        raise ImproperlyConfigured(
            "No seal signing key: set AUDIT_SEAL_SIGNING_KEY (or AUDIT_SEAL_SIGNING_KEY_FILE) to a base64 Ed25519 "
            "key; `maillage audit keygen` makes one."
        )
    try:
        return SigningKey(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError, CryptoError) as error:
        raise ImproperlyConfigured("AUDIT_SEAL_SIGNING_KEY is not a base64 Ed25519 key of 32 bytes.") from error


def public_key_text(key: SigningKey) -> str:
    return _b64(bytes(key.verify_key))


def trusted_keys() -> set[str]:
    """The public keys whose seals are accepted: those listed, and the signing key's own."""
    trusted = set(getattr(settings, "AUDIT_SEAL_PUBLIC_KEYS", []) or [])
    if getattr(settings, "AUDIT_SEAL_SIGNING_KEY", ""):
        trusted.add(public_key_text(signing_key()))
    return trusted


def _signed_bytes(fields: dict) -> bytes:
    return json.dumps({name: fields[name] for name in SIGNED_FIELDS}, sort_keys=True, separators=(",", ":")).encode()


def _names() -> list[str]:
    try:
        _folders, files = storage().listdir("")
    except FileNotFoundError:
        return []
    return sorted(name for name in files if name.startswith(PREFIX) and name.endswith(".json"))


def _parse(name: str, raw: bytes, trusted: set[str]) -> Seal:
    try:
        document = json.loads(raw)
        fields = {name: document[name] for name in SIGNED_FIELDS}
        signature = base64.b64decode(document["signature"], validate=True)
        seq = int(fields["seq"])
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise SealError(f"the seal {name} is not a valid seal file ({error.__class__.__name__})") from error
    if fields["format"] != FORMAT:
        raise SealError(f"the seal {name} has an unknown format {fields['format']!r}", seq)
    if fields["public_key"] not in trusted:
        raise SealError(
            f"the seal {name} is signed by a key that is not trusted (not in AUDIT_SEAL_PUBLIC_KEYS): "
            f"{fields['public_key']}",
            seq,
        )
    try:
        VerifyKey(base64.b64decode(fields["public_key"])).verify(_signed_bytes(fields), signature)
    except (BadSignatureError, CryptoError, ValueError, binascii.Error) as error:
        raise SealError(f"the seal {name} has a bad signature: it was altered or forged", seq) from error
    return Seal(name, seq, fields["hash"], fields["key_id"], fields["sealed_at"], fields["public_key"])


def load_all() -> list[Seal]:
    """Every seal, signature checked, in chain order. Raises `SealError` at the first one that is not valid."""
    names = _names()
    if not names:
        return []
    trusted = trusted_keys()
    if not trusted:
        raise SealError(
            "seals exist but no public key is configured to check them: set AUDIT_SEAL_PUBLIC_KEYS "
            "(or AUDIT_SEAL_SIGNING_KEY)"
        )
    seals = []
    for name in names:
        with storage().open(name, "rb") as handle:
            seals.append(_parse(name, handle.read(), trusted))
    return sorted(seals, key=lambda seal: (seal.seq, seal.sealed_at))


def check() -> SealCheck:
    """Every seal agrees with the chain: its entry is still there, with the hash it sealed."""
    try:
        seals = load_all()
    except SealError as error:
        return SealCheck(False, seq=error.seq, problem=str(error))
    if not seals:
        return SealCheck(True)
    head_seq = AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    hashes: dict[int, str] = {}
    wanted = sorted({seal.seq for seal in seals if seal.seq <= head_seq})
    for start in range(0, len(wanted), 500):
        hashes.update(AccessEvent.objects.filter(seq__in=wanted[start : start + 500]).values_list("seq", "hash"))
    for seal in seals:
        if seal.seq not in hashes:
            return SealCheck(
                False,
                len(seals),
                seal.seq,
                f"the seal {seal.name} of {seal.sealed_at} covers entry seq={seal.seq}, but the chain ends at "
                f"seq={head_seq}: sealed entries were deleted (the chain was truncated)",
            )
        if hashes[seal.seq] != seal.hash:
            return SealCheck(
                False,
                len(seals),
                seal.seq,
                f"the seal {seal.name} of {seal.sealed_at} says entry seq={seal.seq} had the hash "
                f"{seal.hash[:16]}…, the chain holds another: the history up to it was rewritten",
            )
    return SealCheck(True, len(seals))


def seal_create(*, now: datetime | None = None) -> tuple[Seal, bool]:
    """Verify the chain, then seal its head: returns the seal and whether it is new (an unchanged head is
    not sealed twice). Refused on an empty or broken chain."""
    from maillage.access import audit

    key = signing_key()
    head = AuditChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    if head is None or head[0] == 0:
        raise SealError("The audit chain is empty: nothing to seal.")
    seq, digest = head  # read before verifying: the walk then covers this entry
    result = audit.verify()
    if not result.ok:
        raise SealError(f"The audit chain does not verify, so it is not sealed. {result.message()}", seq)
    existing = load_all()
    if existing and (existing[-1].seq, existing[-1].hash) == (seq, digest):
        return existing[-1], False
    moment = (now or timezone.now()).astimezone(UTC)
    fields = {
        "format": FORMAT,
        "seq": seq,
        "hash": digest,
        "key_id": AccessEvent.objects.filter(seq=seq).values_list("key_id", flat=True).get(),
        "sealed_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "public_key": public_key_text(key),
    }
    document = {**fields, "signature": _b64(key.sign(_signed_bytes(fields)).signature)}
    name = storage().save(
        f"{PREFIX}{seq:012d}-{moment:%Y%m%dT%H%M%S}Z.json",
        ContentFile(json.dumps(document, indent=2, sort_keys=True).encode() + b"\n"),
    )
    return Seal(name, seq, digest, fields["key_id"], fields["sealed_at"], fields["public_key"]), True
