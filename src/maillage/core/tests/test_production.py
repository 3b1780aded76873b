"""The production profile: `check --deploy` is clean, the WSGI application loads, granian serves it.

Each test runs in a subprocess with `DJANGO_SETTINGS_MODULE=config.settings.prod`, as `make prod` does.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
HOST = "maillage.example.org"


@pytest.fixture
def prod_env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        ALLOWED_HOSTS=HOST,
        AUDIT_HMAC_KEYS=f"prod-test:{secrets.token_urlsafe(32)}",
        MAILLAGE_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
    )
    return env


def run(args: list[str], env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_check_deploy_is_clean_and_the_wsgi_application_loads(prod_env):
    script = (
        "from config.wsgi import application; from django.conf import settings; "
        "from django.core.management import call_command; print('DEBUG', settings.DEBUG); "
        "call_command('check', deploy=True, fail_level='DEBUG')"
    )
    result = run(["-c", script], prod_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DEBUG False" in result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "AUDIT_HMAC_KEYS"])
def test_production_refuses_to_start_without_its_settings(prod_env, missing):
    del prod_env[missing]
    result = run(["-c", "import config.settings.prod"], prod_env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None  # a redirect is an answer to check, never to follow (it points at the public host)


OPENER = urllib.request.build_opener(_NoRedirect)


def get(url: str, **headers: str) -> tuple[int, Message, str]:
    """A request to the local server only, as the proxy in front would forward it."""
    request = urllib.request.Request(url, headers={"Host": HOST, "X-Forwarded-Proto": "https", **headers})  # noqa: S310
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_granian_serves_the_application_with_several_workers(prod_env):
    collected = run(["manage.py", "collectstatic", "--no-input", "--verbosity", "0"], prod_env, timeout=300)
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    granian = [Path(sys.executable).with_name("granian"), "--interface", "wsgi", "--host", "127.0.0.1"]
    command = [*granian, "--port", str(port), "--workers", "2", "--working-dir", "src", "config.wsgi:application"]
    server = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=prod_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = get(base + "/accounts/login/")
                break
            except (ConnectionError, urllib.error.URLError):
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "granian did not answer within 60 s"
                time.sleep(0.3)
        assert status == 200
        assert '<html lang="fr">' in body
        assert "Se connecter à Maillage" in body
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        cookies = " ".join(headers.get_all("Set-Cookie") or [])
        assert "__Host-maillage-csrf=" in cookies
        assert "Secure" in cookies

        stylesheet = body.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        status, headers, css = get(base + stylesheet)
        assert status == 200
        assert "max-age=315360000" in headers["Cache-Control"]  # hashed name: cached for good
        assert "--brand" in css

        status, headers, _ = get(base + "/accounts/login/", **{"X-Forwarded-Proto": "http"})
        assert status == 301
        assert headers["Location"] == f"https://{HOST}/accounts/login/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stdout:
            server.stdout.close()


@pytest.mark.parametrize(
    "backend", ["django.core.mail.backends.locmem.EmailBackend", "django.core.mail.backends.console.EmailBackend"]
)
def test_an_e_mail_backend_other_than_smtp_gets_no_smtp_options(backend):
    # `make deploy-check` and `make bench-load` keep e-mails in memory: the worker's e-mail tasks must still run.
    from django.utils.module_loading import import_string

    from config.settings.base import mailers

    default = mailers({"EMAIL_BACKEND": backend, "EMAIL_HOST": "smtp.example.org"})["default"]
    import_string(default["BACKEND"])(alias="default", **default.get("OPTIONS", {}))
    smtp = mailers({"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "587", "EMAIL_USE_TLS": "true"})["default"]
    assert smtp["OPTIONS"] == {
        "host": "smtp.example.org",
        "port": 587,
        "username": "",
        "password": "",
        "use_tls": True,
    }
