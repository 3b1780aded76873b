"""Project-wide test set-up: fail on undefined template variables, keep browser artefacts, fail a test whose
URLs or log lines carry a person's name (`privacy_scan`)."""

import pytest

pytest_plugins = ["maillage.core.tests.browser.plugin", "maillage.core.tests.privacy_scan"]


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    # A typo in a template variable must fail a test, not render an empty string.
    for template in settings.TEMPLATES:
        template["OPTIONS"]["string_if_invalid"] = InvalidVariable("%s")


class InvalidVariable(str):
    def __mod__(self, other: object) -> str:
        raise AssertionError(f"Undefined template variable: {other}")

    def __contains__(self, item: object) -> bool:  # Django's `if "%s" in string_if_invalid` check
        return item == "%s"


@pytest.fixture(autouse=True)
def _no_audit_seals():
    # Seals live outside the database (in memory in tests): they must not outlive the chain they sealed.
    yield
    from django.core.files.storage import storages

    seal_storage = storages["audit_seals"]
    for name in seal_storage.listdir("")[1]:
        seal_storage.delete(name)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started only once the test database exists.

    Started earlier, it would not share the in-memory SQLite test database's connection, and each
    request thread would open (and leak) its own.
    """
    return live_server


@pytest.fixture
def redis_url():
    """The Redis of this machine (REDIS_TEST_URL, by default 127.0.0.1:6379, database 15), or a skip saying why:
    the tests of several application servers sharing sessions, cache and throttles need a real one."""
    import os

    import redis

    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis reachable at {url} ({error.__class__.__name__}): set REDIS_TEST_URL")
    return url
