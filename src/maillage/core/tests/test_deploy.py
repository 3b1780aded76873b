"""deploy/: the nginx configuration agrees with the application (request id header, headers it sets itself, body
size of a note's attachments, /metrics kept from the public) and the systemd units run what `make prod` runs.

`make deploy-check` has nginx and systemd themselves judge the syntax (`nginx -t`, `systemd-analyze verify`).
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from maillage.coordination.forms import MAX_FILES
from maillage.core import deploy, observability

ROOT = Path(settings.BASE_DIR)


def blocks(text: str, opening: str) -> list[str]:
    """The bodies of the `opening { … }` blocks of an nginx file (nested braces followed)."""
    found = []
    for match in re.finditer(re.escape(opening) + r"\s*\{", text):
        depth, start = 1, match.end()
        for position in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[position], 0)
            if depth == 0:
                found.append(text[start:position])
                break
    return found


def directives(text: str) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def https_server(site: str) -> str:
    return next(block for block in blocks(site, "server") if "ssl_certificate" in block)


@pytest.fixture
def site() -> str:
    return deploy.NginxSite(servers=["10.0.0.11:8000", "10.0.0.12:8000"]).render()


@pytest.fixture
def proxy() -> list[str]:
    return directives(deploy.NGINX_PROXY.read_text())


def test_every_application_server_is_in_the_upstream(site):
    upstream = directives(blocks(site, "upstream maillage_app")[0])
    assert "server 10.0.0.11:8000 max_fails=3 fail_timeout=10s;" in upstream
    assert "server 10.0.0.12:8000 max_fails=3 fail_timeout=10s;" in upstream
    assert any(line.startswith("keepalive ") for line in upstream)
    assert "{{" not in site


def test_a_value_left_out_is_an_error_not_a_blank():
    with pytest.raises(ValueError, match="static_root"):
        deploy.fill("alias {{static_root}};", {})
    with pytest.raises(ValueError, match="application server"):
        deploy.NginxSite(servers=[]).render()


def test_the_request_id_reaches_the_application_under_the_header_it_reads(proxy):
    assert f"proxy_set_header {observability.HEADER} $request_id;" in proxy
    # nginx's $request_id: 32 hexadecimal digits, which the application keeps rather than replaces.
    assert observability.ACCEPTED.fullmatch(secrets.token_hex(16))


def test_the_client_address_and_scheme_are_forwarded_for_throttling_and_https(proxy, production):
    # Replaced, not appended: with LOGIN_TRUSTED_PROXIES=1 the application reads the rightmost address.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in proxy
    # With its port: Django compares a form post's Origin with the host (CSRF), off port 443 too.
    assert "proxy_set_header Host $http_host;" in proxy
    header, value = production["proxy_ssl_header"]
    assert value == "https"
    assert f"proxy_set_header {header.removeprefix('HTTP_').replace('_', '-').title()} $scheme;" in proxy


def test_proxied_answers_get_no_header_the_application_sets_itself(site):
    https = https_server(site)
    for location in blocks(https, "location /") + blocks(https, "location = /readyz"):
        assert not [line for line in directives(location) if line.startswith("add_header")], location
    outside_locations = re.sub(r"location[^{]*\{[^}]*\}", "", https)
    assert "add_header" not in outside_locations


def test_static_files_carry_the_headers_the_application_would_have_set(site, production):
    https = https_server(site)
    static = directives(blocks(https, "location /static/")[0])
    assert "gzip_static on;" in static
    headers = dict(
        re.match(r'add_header (\S+) "?(.*?)"? always;', line).groups() for line in static if line.startswith("add_")
    )
    assert headers["Strict-Transport-Security"] == production["hsts"]
    assert headers["Referrer-Policy"] == production["referrer_policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    # Hashed names (ManifestStaticFilesStorage) are cached for a year; the others an hour.
    cache_map = blocks(site, "map $uri $maillage_static_cache_control")[0]
    pattern = re.search(r'"~(.*?)" "public, max-age=31536000, immutable"', cache_map).group(1)
    assert re.search(pattern, "/static/core/app.3f2a9c81d0e4.css")
    assert not re.search(pattern, "/static/core/app.css")


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    """The production profile's HSTS, Referrer-Policy and proxy HTTPS header, with its defaults."""
    tmp_path = tmp_path_factory.mktemp("prod")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_", "SECURE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        ALLOWED_HOSTS="maillage.example.org",
        AUDIT_HMAC_KEYS=f"deploy-test:{secrets.token_urlsafe(32)}",
        MAILLAGE_VAR_DIR=str(tmp_path / "var"),
    )
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "hsts = f'max-age={s.SECURE_HSTS_SECONDS}'"
        " + ('; includeSubDomains' if s.SECURE_HSTS_INCLUDE_SUBDOMAINS else '')"
        " + ('; preload' if s.SECURE_HSTS_PRELOAD else ''); "
        "print(json.dumps({'hsts': hsts, 'referrer_policy': s.SECURE_REFERRER_POLICY, "
        "'proxy_ssl_header': s.SECURE_PROXY_SSL_HEADER}))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", script], cwd=ROOT / "src", env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_metrics_are_not_served_through_the_proxy(site):
    https = https_server(site)
    assert directives(blocks(https, "location = /metrics")[0]) == ["deny all;"]
    readyz = directives(blocks(https, "location = /readyz")[0])
    assert readyz[-1].startswith("include ") and "deny all;" in readyz


def test_a_note_with_all_its_attachments_fits_in_a_request(site):
    limit = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    assert limit * 1024 * 1024 > MAX_FILES * settings.ATTACHMENT_MAX_BYTES


def test_plain_http_only_redirects_to_https(site):
    plain = next(block for block in blocks(site, "server") if "ssl_certificate" not in block)
    assert "return 301 https://$host$request_uri;" in directives(blocks(plain, "location /")[0])


def test_the_units_run_what_make_prod_runs(tmp_path):
    units = {path.name: path.read_text() for path in deploy.render_systemd(tmp_path, app_dir="/opt/m", user="svc")}
    assert set(units) == {
        "maillage-web@.service",
        "maillage-worker@.service",
        "maillage-periodic.service",
        "maillage.target",
    }
    makefile = (ROOT / "Makefile").read_text()
    assert "--interface wsgi" in makefile and "config.wsgi:application" in makefile
    web = units["maillage-web@.service"]
    assert re.search(r"ExecStart=/opt/m/\.venv/bin/granian --interface wsgi .*--port %i", web)
    assert "config.wsgi:application" in web and "PROMETHEUS_MULTIPROC_DIR=/run/maillage-web-%i" in web
    # Bounded threads, hence bounded database connections (granian's WSGI default is hundreds per process).
    assert "--blocking-threads ${WEB_THREADS}" in web and "Environment=WEB_THREADS=4" in web
    assert "ExecStart=/opt/m/.venv/bin/python manage.py db_worker --no-reload" in units["maillage-worker@.service"]
    assert "ExecStart=/opt/m/.venv/bin/python manage.py periodic --loop" in units["maillage-periodic.service"]
    for name, text in units.items():
        if name.endswith(".service"):
            assert "User=svc" in text and "PartOf=maillage.target" in text and "WantedBy=maillage.target" in text
            assert "config.settings.prod" in text
