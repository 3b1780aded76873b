"""Several application servers share sessions, cache and throttles (Redis), and their files (storage API).

"Another server" is another cache connection on the same Redis (another alias, so another connection pool), or
another Python process. The Redis tests use this machine's Redis (`redis_url` fixture) and skip, saying why,
where none is reachable.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import pytest
import redis
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client, RequestFactory
from django.urls import reverse
from moto import mock_aws
from ninja.throttling import AnonRateThrottle

from config.settings.base import file_storages, redis_caches
from maillage.accounts.tests.factories import TEST_PASSWORD, MembershipFactory

ROOT = Path(settings.BASE_DIR)
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


@pytest.fixture
def two_servers(settings, redis_url):
    """Sessions and cache in Redis under a key prefix of this test's own; aliases `server_a` and `server_b` are
    two connections to the same sessions, as two application servers have."""
    prefix = f"maillage-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {"BACKEND": REDIS_CACHE, "LOCATION": redis_url, "KEY_PREFIX": f"{prefix}-cache"},
        "server_a": {"BACKEND": REDIS_CACHE, "LOCATION": redis_url, "KEY_PREFIX": f"{prefix}-session"},
        "server_b": {"BACKEND": REDIS_CACHE, "LOCATION": redis_url, "KEY_PREFIX": f"{prefix}-session"},
    }
    settings.SESSION_ENGINE = "maillage.accounts.sessions_redis"
    settings.SESSION_CACHE_ALIAS = "server_a"
    raw = redis.Redis.from_url(redis_url)
    yield raw, prefix
    for key in raw.scan_iter(f"{prefix}*"):
        raw.delete(key)


def on_server(settings, name: str) -> None:
    settings.SESSION_CACHE_ALIAS = name


def login(client, email, password, address="10.9.0.1"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
class TestSessionsInRedis:
    def test_a_session_opened_on_one_server_is_valid_on_another(self, settings, two_servers):
        raw, prefix = two_servers
        assert caches["server_a"] is not caches["server_b"]
        member = MembershipFactory()
        browser = Client()
        assert login(browser, member.user.email, TEST_PASSWORD).status_code == 302
        cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
        # The session is in Redis, not in the database.
        assert not Session.objects.exists()
        assert [key for key in raw.scan_iter(f"{prefix}-session*") if cookie.encode() in key]

        on_server(settings, "server_b")
        other = Client()
        other.cookies[settings.SESSION_COOKIE_NAME] = cookie
        assert other.get(reverse("core:home")).status_code == 200
        # Logging out on B ends the session on A too.
        assert other.post(reverse("accounts:logout")).status_code == 302
        on_server(settings, "server_a")
        response = browser.get(reverse("core:home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    def test_a_malformed_session_key_is_refused_before_redis(self, settings, two_servers):
        browser = Client()
        browser.cookies[settings.SESSION_COOKIE_NAME] = "abc\x00def" + "x" * 30
        response = browser.get(reverse("core:home"))
        assert response.status_code == 302

    def test_login_failures_on_one_server_count_on_the_other(self, settings, two_servers):
        settings.AXES_FAILURE_LIMIT = 3
        email = MembershipFactory().user.email
        for _attempt in range(2):
            assert login(Client(), email, "wrong password").status_code == 200
        on_server(settings, "server_b")
        # B counts A's two failures: its own is the third, which locks.
        assert login(Client(), email, "wrong password").status_code == 429
        assert AccessAttempt.objects.filter(username=email).exists()
        # Locked on either server, even with the right password.
        assert login(Client(), email, TEST_PASSWORD).status_code == 429
        on_server(settings, "server_a")
        assert login(Client(), email, TEST_PASSWORD).status_code == 429


def test_api_throttles_count_across_servers(two_servers):
    request = RequestFactory().get("/api/v1/services", REMOTE_ADDR="10.9.0.7")
    request.auth = None
    on_a, on_b = AnonRateThrottle("3/m"), AnonRateThrottle("3/m")
    on_a.cache, on_b.cache = caches["server_a"], caches["server_b"]
    assert [on_a.allow_request(request) for _n in range(2)] == [True, True]
    assert on_b.allow_request(request)
    assert not on_a.allow_request(request)
    assert not on_b.allow_request(request)


def environment(**values: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_", "REDIS_"))}
    return {**env, **values}


def python(script: str, env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return (result.stdout.strip().splitlines() or [""])[-1]


SETUP = "import django, importlib; django.setup(); from django.conf import settings; "
STORE = "importlib.import_module(settings.SESSION_ENGINE).SessionStore"


def test_a_session_written_by_one_process_is_read_by_another(redis_url, tmp_path):
    env = environment(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        MAILLAGE_VAR_DIR=str(tmp_path),
        REDIS_URL=redis_url,
        PYTHONPATH="src",
    )
    marker = uuid.uuid4().hex
    key = python(SETUP + f"s = {STORE}(); s['marker'] = '{marker}'; s.save(); print(s.session_key)", env)
    try:
        assert python(SETUP + f"print({STORE}('{key}').get('marker'))", env) == marker
    finally:
        python(SETUP + f"{STORE}('{key}').delete()", env)


def test_the_profiles_choose_redis_only_when_told(tmp_path):
    script = SETUP + "print(settings.SESSION_ENGINE, sorted(settings.CACHES), settings.CACHES['default']['BACKEND'])"
    env = environment(DJANGO_SETTINGS_MODULE="config.settings.dev", MAILLAGE_VAR_DIR=str(tmp_path), PYTHONPATH="src")
    assert python(script, env) == (
        "maillage.accounts.sessions ['default'] django.core.cache.backends.locmem.LocMemCache"
    )
    caches_with_redis = redis_caches("redis://cache.example:6379/0")
    assert set(caches_with_redis) == {"default", "sessions"}
    assert caches_with_redis["default"]["KEY_PREFIX"] != caches_with_redis["sessions"]["KEY_PREFIX"]


class TestFileStorages:
    def test_local_folders_by_default(self, tmp_path):
        storages = file_storages({}, tmp_path)
        assert {name: spec["OPTIONS"]["location"] for name, spec in storages.items()} == {
            "default": tmp_path / "media",
            "coordination_attachments": tmp_path / "attachments",
            "audit_seals": tmp_path / "audit-seals",
        }

    def test_object_storage_from_the_environment(self, tmp_path):
        environ = {
            "S3_BUCKET": "maillage",
            "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "S3_ACCESS_KEY": "key",
            "S3_SECRET_KEY": "secret",
            "AUDIT_SEALS_S3_BUCKET": "seals-locked",
        }
        storages = file_storages(environ, tmp_path)
        assert {spec["BACKEND"] for spec in storages.values()} == {"storages.backends.s3.S3Storage"}
        options = {name: spec["OPTIONS"] for name, spec in storages.items()}
        assert (options["default"]["bucket_name"], options["default"]["location"]) == ("maillage", "media")
        assert options["coordination_attachments"]["location"] == "attachments"
        assert (options["audit_seals"]["bucket_name"], options["audit_seals"]["location"]) == ("seals-locked", "")
        assert {o["endpoint_url"] for o in options.values()} == {"http://127.0.0.1:9000"}
        assert {o["secret_key"] for o in options.values()} == {"secret"}
        assert all(o["default_acl"] == "private" and not o["file_overwrite"] for o in options.values())

    def test_secrets_may_come_from_files(self, tmp_path):
        secret = tmp_path / "s3-secret"
        secret.write_text("from-a-file\n")
        storages = file_storages({"S3_BUCKET": "b", "S3_SECRET_KEY_FILE": str(secret)}, tmp_path)
        assert storages["default"]["OPTIONS"]["secret_key"] == "from-a-file"


@pytest.mark.django_db
def test_audit_seals_go_to_object_storage(settings, tmp_path, monkeypatch):
    """Through django-storages' S3 backend against moto's S3 (in process): a seal is written and verified."""
    from maillage.access import seals
    from maillage.access.tests.test_audit_keys import append

    append(3)

    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(variable, "testing")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="maillage")
        specs = file_storages({"S3_BUCKET": "maillage", "S3_REGION": "us-east-1"}, tmp_path)
        settings.STORAGES = {**settings.STORAGES, **specs}
        seal, _created = seals.seal_create()
        objects = boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket="maillage")["Contents"]
        assert [item["Key"] for item in objects] == [f"audit-seals/{seal.name}"]
        assert seals.check().ok
        assert [seal.seq for seal in seals.load_all()] == [seal.seq]
