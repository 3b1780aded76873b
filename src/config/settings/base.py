"""Settings shared by every profile. Values that differ per deployment come from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from maillage.core.observability import logging_config

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("MAILLAGE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str) -> str:
    """A secret from the environment, or from the file named by `<name>_FILE` (kept outside the database)."""
    if value := os.environ.get(name, "").strip():
        return value
    if path := os.environ.get(f"{name}_FILE", "").strip():
        return Path(path).read_text().strip()
    return ""


def parse_audit_keys(text: str) -> dict[str, str]:
    """`id:secret` pairs, separated by commas or new lines (`#` starts a comment), in the order of their use."""
    keys = {}
    for item in text.replace(",", "\n").splitlines():
        item = item.split("#", 1)[0].strip()
        if item:
            key_id, _sep, secret = item.partition(":")
            keys[key_id.strip()] = secret.strip()
    return keys


DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "maillage.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "django_tasks_db",
    "axes",
    # Second factor: TOTP apps, single-use recovery codes, WebAuthn passkeys (before accounts, whose admin
    # unregisters their device admins: a factor is removed only through the audited reset).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # django-ninja as an app: its Swagger UI is then served from its own static files, not from a CDN.
    "ninja",
    "maillage.core",
    "maillage.accounts",
    "maillage.territories",
    "maillage.directory",
    "maillage.people",
    "maillage.consent",
    "maillage.access",
    "maillage.projects",
    "maillage.coordination",
    "maillage.governance",
    "maillage.analytics",
    "maillage.referrals",
]

MIDDLEWARE = [
    # First and last: request latency by route name (maillage.core.metrics).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # A request id in every log line of the request and in the answer's X-Request-ID.
    "maillage.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outermost after static files: its `Cache-Control: no-store` on person data is the final word.
    "maillage.access.no_store.PersonDataNoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "maillage.accounts.middleware.SessionActivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After authentication: a person's pages speak their preferred language (the switch sets it).
    "maillage.accounts.middleware.PersonLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "maillage.accounts.middleware.ActorMiddleware",
    # After the actor: a session that has not passed its second factor reaches only the MFA pages.
    "maillage.accounts.middleware.MfaMiddleware",
    # Last, so that a locked-out login attempt is answered before any view runs.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maillage.core.context_processors.maillage",
                "maillage.referrals.context_processors.referral_inbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'maillage.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker use the file at the same time. Reads through a memory map
    # (shared by the processes, no read() per page) and a 32 MB page cache: a search joins thousands of rows.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-32768;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Parameters bound by the server: psycopg then prepares the statements a connection runs again and again
    # (the access door's on every page), and PostgreSQL stops planning them each time.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
# A PostgreSQL read replica for the reads that tolerate lag (directory search, HSDS API, analytics dashboards);
# the access door and every write use the primary (maillage.core.db_routing).
READ_REPLICA = None
if os.environ.get("DATABASE_REPLICA_URL", "").strip():
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"].strip(),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"].setdefault("OPTIONS", {})["server_side_binding"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    READ_REPLICA = "replica"
DATABASE_ROUTERS = ["maillage.core.db_routing.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "maillage.accounts.backends.PersonUsernameBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after this much inactivity: the cookie is renewed on every request.
SESSION_ENGINE = "maillage.accounts.sessions"
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Each request keeps the session alive, written at most once a minute (accounts.middleware).
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Invitation links stay valid this long; the links in e-mails start with SITE_URL.
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "7"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT_HOURS", "24")) * 3600
# A referral's link for a partner not on Maillage (referrals.links) works this many days, unless renewed sooner.
REFERRAL_LINK_DAYS = int(os.environ.get("REFERRAL_LINK_DAYS", "14"))
# Links that do not work (unknown, expired, replaced, used): from REFERRAL_LINK_ATTEMPTS of them within
# REFERRAL_LINK_ATTEMPTS_MINUTES, one client address is refused (429) until that window ends; from
# REFERRAL_LINK_ATTEMPTS_ALL of them from all addresses together, any link that does not work is refused too (a
# backstop against many addresses; working links still work). Counted in the cache, shared through Redis.
REFERRAL_LINK_ATTEMPTS = int(os.environ.get("REFERRAL_LINK_ATTEMPTS", "10"))
REFERRAL_LINK_ATTEMPTS_ALL = int(os.environ.get("REFERRAL_LINK_ATTEMPTS_ALL", "1000"))
REFERRAL_LINK_ATTEMPTS_MINUTES = float(os.environ.get("REFERRAL_LINK_ATTEMPTS_MINUTES", "15"))

# Break-the-glass: an emergency access lasts this many hours; a professional may ask for at most
# BREAK_GLASS_DAILY_CAP of them in 24 hours (every request counts, granted or not).
BREAK_GLASS_HOURS = float(os.environ.get("BREAK_GLASS_HOURS", "4"))
BREAK_GLASS_DAILY_CAP = int(os.environ.get("BREAK_GLASS_DAILY_CAP", "3"))
# A professional checks whether a file exists for a person outside their network (name, birth date, commune)
# at most EXISTENCE_CHECK_DAILY_CAP times in 24 hours: each check is a disclosure, audited.
EXISTENCE_CHECK_DAILY_CAP = int(os.environ.get("EXISTENCE_CHECK_DAILY_CAP", "10"))

# API: one pagination class for every list (`page`, `page_size` up to API_MAX_PAGE_SIZE).
NINJA_PAGINATION_CLASS = "maillage.core.pagination.Pagination"
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200
# Requests per client (address when anonymous, token or session otherwise); beyond: 429.
API_THROTTLE_ANONYMOUS = os.environ.get("API_THROTTLE_ANONYMOUS", "120/m")
API_THROTTLE_AUTHENTICATED = os.environ.get("API_THROTTLE_AUTHENTICATED", "1200/m")

# Login throttling (django-axes, see maillage.accounts.throttling), over AXES_COOLOFF_HOURS: an account from one
# address, an account from any address, an address across accounts (password spraying), each with its own limit.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
LOGIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("LOGIN_ACCOUNT_FAILURE_LIMIT", "20"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
# The number of reverse proxies of your own in front of Maillage: the client's address is then read from
# X-Forwarded-For; with 0, REMOTE_ADDR is the client's address.
LOGIN_TRUSTED_PROXIES = int(os.environ.get("LOGIN_TRUSTED_PROXIES", "0"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["username"], ["ip_address"]]
AXES_HANDLER = "maillage.accounts.throttling.LoginThrottleHandler"
AXES_USERNAME_CALLABLE = "maillage.accounts.throttling.login_username"
AXES_CLIENT_IP_CALLABLE = "maillage.accounts.throttling.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_VERBOSE = False

# Multi-factor authentication: professionals, admins, coordinators and platform staff pass a second factor
# (TOTP app, passkey, or a single-use recovery code) after their password; a person's own space keeps one.
MFA_REQUIRED = env_bool("MFA_REQUIRED", default=True)
MFA_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "Maillage"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Passkeys are a second factor here, never a login without the password.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = "Maillage"
# The relying party and the expected origin are the host the request came to, which ALLOWED_HOSTS has checked
# (accounts.mfa.WebAuthnHelper); the list below says the same for the library's system check.
OTP_WEBAUTHN_HELPER_CLASS = "maillage.accounts.mfa.WebAuthnHelper"
OTP_WEBAUTHN_RP_ID_CALLABLE = "maillage.accounts.mfa.webauthn_rp_id"
OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost", *(f"https://{host}" for host in ALLOWED_HOSTS)]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["maillage.core.formats"]  # English dates in the European order (core/formats/en)
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {"staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}

# The audit chain (maillage.access.audit): each entry carries an HMAC-SHA256 made with one of these keys, named by
# its id; new entries use AUDIT_HMAC_KEY_ID (by default the last key listed). Retired keys stay listed to verify
# the entries they signed. Seals: signed checkpoints of the chain head, written to the "audit_seals" storage.
AUDIT_HMAC_KEYS = parse_audit_keys(env_secret("AUDIT_HMAC_KEYS"))
AUDIT_HMAC_KEY_ID = os.environ.get("AUDIT_HMAC_KEY_ID", "").strip()
AUDIT_SEAL_SIGNING_KEY = env_secret("AUDIT_SEAL_SIGNING_KEY")
AUDIT_SEAL_PUBLIC_KEYS = env_list("AUDIT_SEAL_PUBLIC_KEYS")

# Backups (`maillage backup` / `maillage restore`): age encryption. A backup needs a recipient (public key);
# a restore needs the identity (secret key), which belongs somewhere else than the backups.
BACKUP_AGE_RECIPIENTS = env_list("BACKUP_AGE_RECIPIENTS")
BACKUP_AGE_IDENTITY = env_secret("BACKUP_AGE_IDENTITY")
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))

# Files kept outside the database go through Django's storage API (settings.STORAGES), so that no application
# server keeps anything on its own disk: uploads ("default"), attachments of coordination notes, audit seals.
# A local folder each by default; with S3_BUCKET, S3-compatible object storage (django-storages) under one prefix
# each. ATTACHMENTS_S3_BUCKET and AUDIT_SEALS_S3_BUCKET give those two a bucket of their own (object lock for the
# seals). Attachments are never served by URL: only through the door.


def s3_storage(environ, prefix: str, bucket: str, variable_prefix: str = "S3") -> dict:
    """An S3-compatible storage (django-storages) for one kind of file, configured from `environ`: endpoint,
    region and keys from `<variable_prefix>_…`, falling back to the shared `S3_…` ones."""

    def value(name: str) -> str | None:
        for variable in (f"{variable_prefix}_{name}", f"S3_{name}"):
            if found := environ.get(variable, "").strip():
                return found
            if path := environ.get(f"{variable}_FILE", "").strip():
                return Path(path).read_text().strip()
        return None

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": prefix,
            "endpoint_url": value("ENDPOINT_URL"),
            "region_name": value("REGION"),
            "access_key": value("ACCESS_KEY"),
            "secret_key": value("SECRET_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


def file_storages(environ, var_dir: Path) -> dict[str, dict]:
    """The storages of files that must outlive any one application server: local folders, or object storage."""
    local = {
        "default": (environ.get("MEDIA_DIR"), var_dir / "media"),
        "coordination_attachments": (environ.get("ATTACHMENTS_DIR"), var_dir / "attachments"),
        "audit_seals": (environ.get("AUDIT_SEAL_DIR"), var_dir / "audit-seals"),
    }
    result = {
        name: {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": Path(folder or default), "base_url": None},
        }
        for name, (folder, default) in local.items()
    }
    if bucket := environ.get("S3_BUCKET", "").strip():
        result["default"] = s3_storage(environ, "media", bucket)
        result["coordination_attachments"] = s3_storage(environ, "attachments", bucket)
        result["audit_seals"] = s3_storage(environ, "audit-seals", bucket)
    if bucket := environ.get("ATTACHMENTS_S3_BUCKET", "").strip():
        result["coordination_attachments"] = s3_storage(environ, "", bucket, "ATTACHMENTS_S3")
    if bucket := environ.get("AUDIT_SEALS_S3_BUCKET", "").strip():
        result["audit_seals"] = s3_storage(environ, "", bucket, "AUDIT_SEALS_S3")
    return result


STORAGES.update(file_storages(os.environ, VAR_DIR))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_MB", "10")) * 1024 * 1024

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Periodic jobs (maillage.core.periodic): `manage.py periodic --loop` runs beside every `db_worker`, and each job
# runs once per period whatever the number of workers. Periods in TIME_ZONE; a week starts on Monday.
PERIODIC_TASKS = [
    {"name": "referrals_sweep", "every": "day", "after_hour": 6, "call": "maillage.referrals.tasks.referrals_sweep"},
    {
        "name": "search_alerts",
        "every": "day",
        "after_hour": 7,
        "call": "maillage.directory.tasks.enqueue_search_alerts",
    },
    {
        "name": "stale_listings",
        "every": "week",
        "after_hour": 8,
        "call": "maillage.directory.tasks.enqueue_stale_reminders",
    },
    {
        "name": "break_glass_digest",
        "every": "week",
        "after_hour": 7,
        "call": "maillage.access.tasks.enqueue_last_week_digest",
    },
    {"name": "audit_seal", "every": "hour", "call": "maillage.access.tasks.enqueue_seal"},
    {
        "name": "convention_renewals",
        "every": "day",
        "after_hour": 8,
        "call": "maillage.governance.tasks.enqueue_renewal_reminders",
    },
    # Last month's network snapshot, for the analytics trends: checked daily, taken once (a missed day catches up).
    {
        "name": "analytics_monthly",
        "every": "day",
        "after_hour": 2,
        "call": "maillage.analytics.tasks.monthly_snapshots",
    },
]

# One process, one machine: the cache in memory, sessions in the database. Several application servers: set
# REDIS_URL, and the cache (API throttles, anything cached) and the sessions live in Redis, shared by all; sessions
# in a cache of their own (its own key prefix), so that clearing the cache logs nobody out. Login throttling
# (django-axes) counts in the database, which every server shares already.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()


def redis_caches(url: str) -> dict[str, dict]:
    redis = "django.core.cache.backends.redis.RedisCache"
    return {
        "default": {"BACKEND": redis, "LOCATION": url, "KEY_PREFIX": "maillage"},
        "sessions": {"BACKEND": redis, "LOCATION": url, "KEY_PREFIX": "maillage-session", "TIMEOUT": None},
    }


CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
    SESSION_ENGINE = "maillage.accounts.sessions_redis"
    SESSION_CACHE_ALIAS = "sessions"

# E-mail (Django 6.1 MAILERS). EMAIL_URL-style settings from the environment; development prints to the console.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mailers(environ) -> dict[str, dict]:
    """The default mailer from `environ`: the SMTP server's options go to the SMTP backend only (another backend,
    EMAIL_BACKEND=…locmem… or …filebased…, refuses options it does not know, and every e-mail task would fail)."""
    backend = environ.get("EMAIL_BACKEND", SMTP_BACKEND)
    if backend != SMTP_BACKEND:
        return {"default": {"BACKEND": backend}}
    return {
        "default": {
            "BACKEND": backend,
            "OPTIONS": {
                "host": environ.get("EMAIL_HOST", "localhost"),
                "port": int(environ.get("EMAIL_PORT", "25")),
                "username": environ.get("EMAIL_HOST_USER", ""),
                "password": environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": environ.get("EMAIL_USE_TLS", "").strip().lower() in {"1", "true", "yes", "on"},
            },
        }
    }


MAILERS = mailers(os.environ)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Maillage <no-reply@maillage.invalid>")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *env_list("MAP_TILE_ORIGINS")],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The map view's tiles: any XYZ server; the page stays usable without it.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

# Application logs carry ids, never personal data (see docs/adr), and the request's id: LOG_FORMAT=json writes one
# JSON object per line (the production default), `plain` a line for a terminal (maillage.core.observability).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
LOGGING = logging_config(LOG_FORMAT, os.environ.get("LOG_LEVEL", "INFO"))

# /metrics answers the host itself (loopback), or anyone sending `Authorization: Bearer <METRICS_TOKEN>`.
METRICS_TOKEN = env_secret("METRICS_TOKEN")

# The official HSDS 3.0 schemas, read (never copied) by the directory's import, export and API tests.
HSDS_SCHEMA_DIR = Path(os.environ.get("HSDS_SCHEMA_DIR", BASE_DIR.parent / "shared/standards/hsds-3.0/schema"))
