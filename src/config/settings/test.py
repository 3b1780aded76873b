"""Test profile: real databases (SQLite by default, PostgreSQL through DATABASE_URL)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, MIDDLEWARE

# Notes every URL of the test run, scanned for persons' names (maillage/core/tests/privacy_scan.py).
MIDDLEWARE = ["maillage.core.tests.privacy_scan.UrlRecorder", *MIDDLEWARE]

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
# Argon2 is checked in its own test; a fast hasher keeps factories quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "audit_seals": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "coordination_attachments": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
# Test-only keys (never used anywhere else): the audit chain's HMAC key, the seal signing key, the backup key.
AUDIT_HMAC_KEYS = {"test-1": "test-only-audit-key-not-secret-0123456789"}
AUDIT_HMAC_KEY_ID = ""
AUDIT_SEAL_SIGNING_KEY = "k0aZ+E1UO2u/CKJkPN9z8vbz0GsDK32ac7HeDL4rRy4="
AUDIT_SEAL_PUBLIC_KEYS = []
BACKUP_AGE_IDENTITY = "AGE-SECRET-KEY-1XPKE08PSK6QSLWXN6Q8PH7GJXK5CXW23EJYFVNSXN70QWELWQLFS8TSFVZ"
BACKUP_AGE_RECIPIENTS = []
# In memory and in the test database, whatever REDIS_URL says: the tests of Redis (core/tests/test_stateless.py)
# choose it themselves, on a key prefix of their own.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "maillage.accounts.sessions"
AXES_ENABLED = True
# Most tests log in with a password only; the MFA tests (accounts/tests/test_mfa*.py) turn it on.
MFA_REQUIRED = False
LANGUAGE_CODE = "fr"
# Static files come from the apps directly, without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A second alias on the test database, as a replica would be: the routing tests (core/tests/test_db_routing.py)
# turn READ_REPLICA on and see which alias each query used; everywhere else everything reads "default".
DATABASES = {"default": DATABASES["default"], "replica": {**DATABASES["default"], "TEST": {"MIRROR": "default"}}}
READ_REPLICA = None
