"""Health, readiness, metrics and structured logs (maillage.core.views_ops, metrics, observability)."""

import io
import json
import logging

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from maillage.accounts.tests.factories import MembershipFactory
from maillage.core import views_ops
from maillage.core.observability import JsonFormatter, RequestIdFilter
from maillage.core.tests.privacy_scan import name_parts, names_in
from maillage.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_healthz_answers_anyone():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_readyz_checks_database_cache_and_storage():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "cache": "ok", "storage": "ok"}}


def test_readyz_names_an_unreachable_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert "127.0.0.1" not in response.content.decode()


def test_readyz_names_a_storage_without_a_folder(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "audit_seals": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker / "seals"},
        },
    }
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "ok", "storage": "failed"},
        "failed": ["storage"],
    }


def test_readyz_keeps_the_reason_of_a_database_failure_to_the_log(monkeypatch, caplog):
    def broken():
        raise OperationalError('connection to "db.internal" failed: password authentication for "maillage:s3cret"')

    monkeypatch.setitem(views_ops.CHECKS, "database", broken)
    with caplog.at_level(logging.WARNING, logger="maillage.core.views_ops"):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert "s3cret" not in response.content.decode() and "db.internal" not in response.content.decode()
    assert "database check failed (OperationalError)" in caplog.text
    assert "s3cret" not in caplog.text


class TestMetrics:
    def test_latency_by_route_name_door_decisions_audit_and_queue(self, django_capture_on_commit_callbacks):
        member = MembershipFactory()
        browser = Client()
        browser.force_login(member.user)
        stranger = PersonFactory()
        with django_capture_on_commit_callbacks(execute=True):
            assert browser.get(reverse("people:person_detail", args=[stranger.public_id])).status_code == 404
        assert browser.get(reverse("core:home")).status_code == 200
        text = Client(REMOTE_ADDR="127.0.0.1").get("/metrics").content.decode()
        latency = "django_http_requests_latency_seconds_by_view_method_bucket"
        assert latency + '{le="0.01",method="GET",view="core:home"}' in text
        assert 'view="people:person_detail"' in text
        assert str(stranger.public_id) not in text and "/people/" not in text  # route names, never URLs
        assert 'maillage_door_decisions_total{outcome="denied",reason=' in text
        assert "maillage_audit_entries_total{action=" in text
        assert 'maillage_task_queue_depth{queue="default",status="READY"} 0.0' in text

    def test_only_the_host_or_the_token_holder_scrapes(self, settings):
        assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 403
        settings.METRICS_TOKEN = "scrape-token-0123456789"
        assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 403
        authorised = Client(REMOTE_ADDR="10.1.2.3", headers={"Authorization": "Bearer scrape-token-0123456789"})
        assert authorised.get("/metrics").status_code == 200


class TestJsonLogs:
    @pytest.fixture
    def log_lines(self):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
        root = logging.getLogger()
        root.addHandler(handler)
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
        root.removeHandler(handler)

    def test_a_log_line_carries_the_request_id_and_no_name(self, log_lines):
        member = MembershipFactory()
        browser = Client()
        browser.force_login(member.user)
        person = PersonFactory(first_name="Philomène", last_name="Vandersteen")
        response = browser.get(reverse("people:person_detail", args=[person.public_id]))
        assert response.status_code == 404
        request_id = response["X-Request-ID"]
        lines = log_lines()
        assert lines, "the 404 is logged"
        assert {line["request_id"] for line in lines} == {request_id}
        assert {"time", "level", "logger", "message", "request_id"} <= set(lines[0])
        for line in lines:
            assert not names_in(json.dumps(line), name_parts(person.first_name, person.last_name)), line

    def test_the_proxy_request_id_is_kept_and_a_forged_one_replaced(self):
        given = Client(headers={"X-Request-ID": "a1b2c3d4e5f60718"}).get("/healthz")
        assert given["X-Request-ID"] == "a1b2c3d4e5f60718"
        forged = Client(headers={"X-Request-ID": "x\nSet-Cookie: evil"}).get("/healthz")
        assert len(forged["X-Request-ID"]) == 32 and "\n" not in forged["X-Request-ID"]
