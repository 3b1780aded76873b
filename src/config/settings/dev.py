"""Development profile: the default for `make run` and `manage.py`."""

import os
import secrets

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", default=True)
# The demo logins printed by `make run` let a developer straight in; MFA_REQUIRED=true tries the second factor.
MFA_REQUIRED = env_bool("MFA_REQUIRED", default=False)


def _secret_key() -> str:
    """Generated once into var/ so sessions survive restarts; never committed."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
MAILERS = {"default": {"BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}}

WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
