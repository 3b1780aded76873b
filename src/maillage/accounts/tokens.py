"""Secrets for invitation links and API tokens: only their SHA-256 hash is stored."""

import hashlib
import secrets

from django.utils.crypto import salted_hmac

API_TOKEN_PREFIX = "mlg"  # noqa: S105 (a public marker, not a secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_api_token() -> tuple[str, str]:
    """A new API token and its display prefix: `mlg_<8 hex>_<43 url-safe chars>` (256 bits of entropy)."""
    prefix = f"{API_TOKEN_PREFIX}_{secrets.token_hex(4)}"
    return f"{prefix}_{secrets.token_urlsafe(32)}", prefix


def invitation_token(public_id: str) -> str:
    """The link's token, derived from the invitation's random id with the secret key.

    The task that sends the e-mail recomputes it, so the token never sits in the task queue, and the database
    (which holds only its hash) does not reveal it without the secret key.
    """
    return salted_hmac("maillage.accounts.invitation", str(public_id), algorithm="sha256").hexdigest()
