"""Production profile: PostgreSQL, granian (WSGI, several workers), WhiteNoise, HTTPS behind a proxy.

Everything secret or deployment-specific comes from the environment; `manage.py check --deploy` passes clean
(see `maillage/core/tests/test_production.py`).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, env_bool, env_secret, parse_audit_keys
from maillage.core.observability import logging_config


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment for the production profile.")
    return value


DEBUG = False
SECRET_KEY = required("SECRET_KEY")
required("DATABASE_URL")  # base.py parses it; production never falls back to the development SQLite file
required("ALLOWED_HOSTS")
# Read here, not inherited: production never runs without its own key.
AUDIT_HMAC_KEYS = parse_audit_keys(env_secret("AUDIT_HMAC_KEYS"))
if not AUDIT_HMAC_KEYS:
    raise ImproperlyConfigured(
        "AUDIT_HMAC_KEYS must be set in the environment (or AUDIT_HMAC_KEYS_FILE) for the production profile: "
        "the audit chain is keyed with it (see README, audit key)."
    )

STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))

# HTTPS: the proxy in front terminates TLS and says so in X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
# Probes and the scraper talk to the server directly, in plain HTTP: no redirect for them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
# "__Host-" cookies are only accepted over HTTPS, for this exact host and path "/".
SESSION_COOKIE_NAME = "__Host-maillage-session"
CSRF_COOKIE_NAME = "__Host-maillage-csrf"

# Static files: hashed names and compressed copies made by collectstatic, served by WhiteNoise with long caching.
WHITENOISE_AUTOREFRESH = False
WHITENOISE_USE_FINDERS = False

# Every professional, admin, coordinator and staff account passes a second factor in production, whatever the
# environment says (MFA_REQUIRED relaxes it only in development).
MFA_REQUIRED = True

# One JSON object per log line, with the request id (LOG_FORMAT=plain for a terminal).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json").strip().lower()
LOGGING = logging_config(LOG_FORMAT, os.environ.get("LOG_LEVEL", "INFO"))
