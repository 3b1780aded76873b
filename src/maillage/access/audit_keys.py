"""The keys of the audit chain: HMAC-SHA256 keys held outside the database (`AUDIT_HMAC_KEYS`, environment or file).

Each entry stores the id of the key that made its MAC, so keys can rotate: new entries use the current key
(`AUDIT_HMAC_KEY_ID`, by default the last one listed) and older entries are checked with theirs, which stay
listed. Someone who can write to the database but does not hold a key cannot make a MAC, so cannot rewrite
history without `audit verify` noticing.
"""

import hmac
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,32}")
MIN_SECRET_LENGTH = 32
SEPARATOR = "\x1f"


def keys() -> dict[str, bytes]:
    """Every configured key by id, checked: ids are short and plain, secrets long enough."""
    known = {}
    for key_id, secret in (getattr(settings, "AUDIT_HMAC_KEYS", None) or {}).items():
        if not KEY_ID.fullmatch(key_id):
            raise ImproperlyConfigured(
                f"AUDIT_HMAC_KEYS: the key id {key_id!r} must be 1 to 32 letters, digits, '.', '_' or '-'."
            )
        if len(secret) < MIN_SECRET_LENGTH:
            raise ImproperlyConfigured(
                f"AUDIT_HMAC_KEYS: the key {key_id!r} must be at least {MIN_SECRET_LENGTH} characters long."
            )
        known[key_id] = secret.encode()
    return known


def current() -> tuple[str, bytes]:
    """The (id, key) new entries are signed with."""
    known = keys()
    key_id = getattr(settings, "AUDIT_HMAC_KEY_ID", "") or (list(known)[-1] if known else "")
    if key_id not in known:
        raise ImproperlyConfigured(
            "No audit key: set AUDIT_HMAC_KEYS (or AUDIT_HMAC_KEYS_FILE) to 'id:secret' pairs"
            + (f"; AUDIT_HMAC_KEY_ID {key_id!r} is not one of them." if key_id else ".")
        )
    return key_id, known[key_id]


def mac(key: bytes, seq: int, digest: str, key_id: str, *, anchor: bool = False) -> str:
    """The MAC of one entry: over its place, its hash (which covers its fields and, through `prev_hash`, every
    entry before it) and the key id. An anchor's MAC is marked as such: only `audit anchor` makes one, to cover
    entries written before the chain was keyed."""
    message = SEPARATOR.join((str(seq), digest, key_id, "anchor" if anchor else ""))
    return hmac.digest(key, message.encode(), "sha256").hex()


def generate_secret() -> str:
    import secrets

    return secrets.token_urlsafe(32)
