"""Development profile: the default for `make run` and `manage.py`."""

import base64
import os
import secrets

from config.settings.base import *  # noqa: F403
from config.settings.base import (
    AUDIT_HMAC_KEYS,
    AUDIT_SEAL_SIGNING_KEY,
    BACKUP_AGE_IDENTITY,
    STORAGES,
    VAR_DIR,
    env_bool,
    parse_audit_keys,
)

DEBUG = env_bool("DEBUG", default=True)
# The demo logins printed by `make run` let a developer straight in; MFA_REQUIRED=true tries the second factor.
MFA_REQUIRED = env_bool("MFA_REQUIRED", default=False)


def _generated(name: str, make) -> str:
    """A development secret generated once into var/ (so it survives restarts), never committed."""
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _seal_key() -> str:
    from nacl.signing import SigningKey

    return base64.b64encode(bytes(SigningKey.generate())).decode()


def _age_identity() -> str:
    from pyrage import x25519

    return str(x25519.Identity.generate())


SECRET_KEY = os.environ.get("SECRET_KEY") or _generated("secret_key", lambda: secrets.token_urlsafe(50))
AUDIT_HMAC_KEYS = AUDIT_HMAC_KEYS or parse_audit_keys(
    _generated("audit_hmac_keys", lambda: f"dev-1:{secrets.token_urlsafe(32)}\n")
)
AUDIT_SEAL_SIGNING_KEY = AUDIT_SEAL_SIGNING_KEY or _generated("audit_seal_key", _seal_key)
BACKUP_AGE_IDENTITY = BACKUP_AGE_IDENTITY or _generated("backup_identity", _age_identity)
MAILERS = {"default": {"BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}}

WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
# `make run` collects the static files by copying what changed: the production profile's hashing and compression
# of every file (some 35 MB, the admin's and the API docs' included) took a minute of CPU at each start.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
