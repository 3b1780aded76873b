"""`make deploy-check`: the reference deployment started on loopback, and checked as a client sees it.

First the configuration, as CI checks it on every run (`python -m maillage.core.deploy check`): `nginx -t` on
deploy/nginx, `systemd-analyze verify` on deploy/systemd. Then, all on 127.0.0.1 and all stopped at the end:

- PostgreSQL: a primary and its streaming replica (`maillage.core.pg_cluster`, Debian's server packages), the
  application reading lag-tolerant pages from the replica (`DATABASE_REPLICA_URL`); migrated (a dump of the same
  migrations, kept in var/deploy-check, is loaded first when there is one: migrating from nothing takes minutes);
- Redis: the machine's, on a database number of the check's own (`--redis-url`), emptied at the start;
- object storage: moto's S3 server, every file the application keeps going to one bucket (`S3_BUCKET`);
- two granian instances, A and B (production profile), one `db_worker`;
- nginx with deploy/nginx/maillage.conf in front of both instances (the deployment), and in front of each alone
  (its `upstream` names one instance): the client picks the instance by the proxy it asks, through the same
  configuration.

A professional and a person whose care-team sharing covers their organisation are created, then, as a browser:
log in through A and continue through B with the same session cookie; upload an attachment through A and download
it through B; revoke the sharing through A, and B answers 404 at the very next request. Each check is printed with
OK or FAIL; any FAIL, or a part that did not start, exits non-zero. Everything started is stopped, whatever happens.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import re
import secrets
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.core import deploy, loopback
from maillage.core.loopback import HOST
from maillage.core.management.commands.bench_load import STATIC_MARKER, STATIC_ROOT, static_fingerprint
from maillage.core.pg_cluster import StreamingPair, free_port, server_bin

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
DATABASE = "maillage"
BUCKET = "maillage-deploy-check"
FOLDER = Path(settings.VAR_DIR) / "deploy-check"
PASSWORD = "deploy-check " + "correct horse battery staple"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')
ATTACHMENT_LINK = re.compile(r"/coordination/attachments/([0-9a-f-]{36})/")


class Command(BaseCommand):
    help = "The reference deployment on loopback (2 granian, nginx, PostgreSQL + replica, Redis, S3, worker), checked."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--redis-url", default=os.environ.get("DEPLOY_CHECK_REDIS_URL", DEFAULT_REDIS_URL))
        parser.add_argument("--config-only", action="store_true", help="only nginx -t and systemd-analyze verify")
        parser.add_argument("--prepare", metavar="PLAN", help="internal: create the check's professional and person")

    def handle(self, *args, **options) -> None:
        if options["prepare"]:
            Path(options["prepare"]).write_text(json.dumps(prepare_scenario()))
            return
        started = time.monotonic()
        failed = deploy.check(out=self.stdout) != 0
        if options["config_only"]:
            if failed:
                raise CommandError("deploy-check: the configuration check failed")
            return
        run = DeploymentRun(options["redis_url"], self.stdout)
        # Stopped on the way out whatever happens: an exception, Ctrl-C, a SIGTERM (make's, CI's).
        atexit.register(run.stop)
        previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            run.start()
            run.scenario()
        except Exception as error:  # any failure to start is reported as one, then all is stopped
            run.record(False, f"the deployment ran: {type(error).__name__}: {str(error)[-3000:]}")
        finally:
            run.stop()
            signal.signal(signal.SIGTERM, previous)
        results = [(not failed, "the configuration (nginx -t, systemd-analyze verify)"), *run.results]
        failures = [name for ok, name in results if not ok]
        self.stdout.write(
            f"deploy-check: {len(results) - len(failures)} checks OK, {len(failures)} FAILED, "
            f"in {time.monotonic() - started:.0f} s; logs in {run.folder}"
        )
        if failures:
            raise CommandError("deploy-check FAILED: " + "; ".join(failures))


def migrations_fingerprint() -> str:
    digest = hashlib.sha256()
    source = Path(settings.BASE_DIR) / "src" / "maillage"
    for path in sorted(source.glob("*/migrations/*.py")):
        digest.update(path.relative_to(source).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepare_scenario() -> dict:
    """Run in the deployment (production profile, the check's primary): an organisation with two professionals
    (one logs in, with recovery codes as second factor; the other is mentioned, so the worker has an e-mail to
    send), a person both organisations are involved with, and a care-team sharing that covers them."""
    from datetime import timedelta

    from django.utils import timezone

    from maillage.access.enums import Category
    from maillage.accounts import mfa
    from maillage.accounts.enums import OrganisationStatus, Role, Sector
    from maillage.accounts.models import Membership, Organisation, User
    from maillage.consent.enums import HowGiven, LegalBasis
    from maillage.consent.models import Consent
    from maillage.people.enums import InformationMethod, InvolvementRole, InvolvementStatus
    from maillage.people.models import InformationRecord, Involvement, Person

    suffix = uuid.uuid4().hex[:8]
    organisations, users = [], []
    for index in (1, 2):
        organisation = Organisation.objects.create(
            name=f"Service {index} {suffix}", sector=Sector.SOCIAL_ACTION, status=OrganisationStatus.VALIDATED
        )
        user = User.objects.create_user(
            f"professional{index}-{suffix}@example.org", PASSWORD, first_name="Check", last_name=f"Pro {index}"
        )
        Membership.objects.create(user=user, organisation=organisation, role=Role.PROFESSIONAL)
        organisations.append(organisation)
        users.append(user)
    persons, consents = [], []
    # The second person's file stays shared: the writes made while an instance is killed go there.
    for number in (1, 2):
        person = Person.objects.create(
            first_name="Check", last_name=f"Person {number} {suffix}", birth_date="1980-05-17"
        )
        InformationRecord.objects.create(
            person=person, organisation=organisations[0], informed_by=users[0], method=InformationMethod.ORAL
        )
        for index, (organisation, user) in enumerate(zip(organisations, users, strict=True)):
            Involvement.objects.create(
                person=person,
                organisation=organisation,
                professional=user,
                role=InvolvementRole.REFERENT if index == 0 else InvolvementRole.INTERVENING,
                status=InvolvementStatus.ACTIVE,
            )
        consents.append(
            Consent.objects.create(
                person=person,
                recipient_organisation=None,
                purpose="Coordination of support",
                categories=[Category.IDENTITY, Category.SOCIAL, Category.PROJECT, Category.COORDINATION],
                legal_basis=LegalBasis.CARE_TEAM_SHARING,
                how_given=HowGiven.ORAL_RECORDED,
                starts_at=timezone.now() - timedelta(days=1),
            )
        )
        persons.append(person)
    return {
        "email": users[0].email,
        "password": PASSWORD,
        "recovery_codes": mfa.recovery_codes_create(users[0]),
        "mentioned": users[1].pk,
        "person": str(persons[0].public_id),
        "consent": consents[0].pk,
        "other_person": str(persons[1].public_id),
    }


class Browser:
    """A browser's cookies, kept by hand so that one can see the very same session cookie go to A and to B:
    cookies belong to a host, not to a port, as in a browser. No redirect is followed."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE

    def request(
        self, base: str, path: str, data: bytes | None = None, content_type: str = ""
    ) -> tuple[int, Any, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if data is not None:
            headers.update({"Origin": base, "Referer": base + path, "Content-Type": content_type})
        request = urllib.request.Request(base + path, data=data, headers=headers, method="POST" if data else "GET")  # noqa: S310
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=self.context), NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                status, answer_headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, body = error.code, error.headers, error.read()
        for header in answer_headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower() or value in ('""', ""):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return status, answer_headers, body

    def form_fields(self, base: str, path: str) -> dict[str, str]:
        """GET a page; the hidden fields of its forms (CSRF token, one-time form token)."""
        status, _headers, body = self.request(base, path)
        if status != 200:
            raise CheckFailed(f"GET {path}: {status}")
        fields = {}
        for tag in INPUT.findall(body.decode()):
            attributes = dict(ATTRIBUTE.findall(tag))
            if attributes.get("type") == "hidden" and attributes.get("name"):
                fields.setdefault(attributes["name"], attributes.get("value", ""))
        return fields

    def post(self, base: str, path: str, fields: dict, files: dict | None = None) -> tuple[int, Any, bytes]:
        if files is None:
            return self.request(base, path, urllib.parse.urlencode(fields, doseq=True).encode(),
                                "application/x-www-form-urlencoded")  # fmt: skip
        boundary = secrets.token_hex(16)
        parts = []
        for name, values in fields.items():
            for value in values if isinstance(values, list) else [values]:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                )
        for name, (filename, content, mime) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {mime}\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(base, path, b"".join(parts), f"multipart/form-data; boundary={boundary}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class CheckFailed(Exception):
    pass


class DeploymentRun:
    def __init__(self, redis_url: str, stdout) -> None:
        self.redis_url = redis_url
        self.stdout = stdout
        self.folder = FOLDER / "run"
        self.results: list[tuple[bool, str]] = []
        self.pair: StreamingPair | None = None
        self.stopped = False
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.processes = loopback.Processes(self.folder, {}, self.say)
        self.clock = time.monotonic()

    def say(self, text: str) -> None:
        self.stdout.write(f"deploy-check: {text}")
        self.stdout.flush()

    def step(self, text: str) -> None:
        self.say(f"[{time.monotonic() - self.clock:5.1f} s] {text}")

    def record(self, ok: bool, name: str) -> bool:
        self.results.append((ok, name))
        self.say(f"{'OK  ' if ok else 'FAIL'} {name}")
        return ok

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_", "S3_"))}
        for key in (
            "ATTACHMENTS_S3_BUCKET",
            "AUDIT_SEALS_S3_BUCKET",
            "MEDIA_DIR",
            "ATTACHMENTS_DIR",
            "AUDIT_SEAL_DIR",
        ):
            env.pop(key, None)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.prod",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=self.pair.url(self.pair.primary_port, DATABASE),
            DATABASE_REPLICA_URL=self.pair.url(self.pair.replica_port, DATABASE),
            ALLOWED_HOSTS=f"{HOST},localhost",
            AUDIT_HMAC_KEYS=f"check:{secrets.token_urlsafe(32)}",
            REDIS_URL=self.redis_url,
            S3_BUCKET=BUCKET,
            S3_ENDPOINT_URL=f"http://{HOST}:{self.s3_port}",
            S3_REGION="us-east-1",
            S3_ACCESS_KEY="deploy-check",
            S3_SECRET_KEY=secrets.token_urlsafe(24),
            MAILLAGE_VAR_DIR=str(self.folder / "var"),
            STATIC_ROOT=str(STATIC_ROOT),
            LOGIN_TRUSTED_PROXIES="1",
            LOG_LEVEL="WARNING",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PYTHONDONTWRITEBYTECODE="1",
            PATH=loopback.venv_path(),
        )
        return env

    def manage(self, *arguments: str, timeout: int = 600) -> None:
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments]
        result = subprocess.run(  # noqa: S603
            command, env=self.env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            raise CheckFailed(f"manage.py {arguments[0]} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")

    def start(self) -> None:
        binaries = server_bin()
        if binaries is None:
            raise CheckFailed("Debian's PostgreSQL server packages are missing (apt-get install postgresql)")
        self.s3_port = free_port()
        self.pair = StreamingPair(binaries)
        self.env = self.environment()
        self.processes.env = self.env
        # collectstatic (when a static file changed) runs while PostgreSQL starts and migrates.
        marker, fingerprint = STATIC_ROOT / STATIC_MARKER, static_fingerprint()
        collecting = None
        if not marker.exists() or marker.read_text() != fingerprint:
            self.step("collectstatic (a static file changed since the last run), in the background")
            STATIC_ROOT.mkdir(parents=True, exist_ok=True)
            collecting = self.processes.spawn(
                "collectstatic",
                [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "collectstatic", "--no-input", "-v0"],
            )
        self.step("PostgreSQL primary and streaming replica (initdb, pg_basebackup)")
        self.pair.start()
        self.pair.sql(f'CREATE DATABASE "{DATABASE}"')
        dump = FOLDER / f"migrated-{migrations_fingerprint()}.sql"
        if dump.exists():
            self.step(f"loading {dump.name} (the same migrations, migrated before)")
            self.pair.load(dump.read_bytes(), DATABASE)
        self.step("manage.py migrate")
        self.manage("migrate", "--no-input", "-v0")
        if not dump.exists():
            for old in FOLDER.glob("migrated-*.sql"):
                old.unlink()
            dump.write_bytes(self.pair.dump(DATABASE))
        self.step("Redis database emptied, S3 server (moto) and its bucket")
        import redis

        redis.Redis.from_url(self.redis_url, socket_timeout=5).flushdb()
        self.processes.spawn(
            "moto-s3", [str(Path(sys.executable).parent / "moto_server"), "-H", HOST, "-p", str(self.s3_port)]
        )
        loopback.wait_for(f"http://{HOST}:{self.s3_port}/moto-api/", 30, self.folder / "moto-s3.log")
        self.s3().create_bucket(Bucket=BUCKET)
        self.step("the check's professional and person")
        plan = self.folder / "plan.json"
        self.manage("deploy_check", "--prepare", str(plan))
        self.plan = json.loads(plan.read_text())
        if collecting is not None:
            self.step("waiting for collectstatic")
            if collecting.wait(timeout=600) != 0:
                raise CheckFailed(f"collectstatic failed: {(self.folder / 'collectstatic.log').read_text()[-3000:]}")
            marker.write_text(fingerprint)
        self.ports = {"A": free_port(), "B": free_port()}
        self.step(f"granian A on {HOST}:{self.ports['A']}, B on {HOST}:{self.ports['B']}, and one db_worker")
        self.servers = self.processes.granian([self.ports["A"], self.ports["B"]], workers=1, threads=2)
        self.processes.spawn(
            "db_worker", [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "db_worker", "--no-reload"]
        )
        self.proxies = {}
        for name, servers in (("both", [self.ports["A"], self.ports["B"]]), ("A", [self.ports["A"]]),
                              ("B", [self.ports["B"]])):  # fmt: skip
            https = free_port()
            self.processes.nginx(
                f"nginx-{name}", servers, http_port=free_port(), https_port=https, static_root=STATIC_ROOT
            )
            self.proxies[name] = f"https://{HOST}:{https}"
        self.step(
            f"nginx (deploy/nginx) in front of A and B on {self.proxies['both']}, of A alone on "
            f"{self.proxies['A']}, of B alone on {self.proxies['B']}"
        )

    def s3(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.env["S3_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id=self.env["S3_ACCESS_KEY"],
            aws_secret_access_key=self.env["S3_SECRET_KEY"],
        )

    def scenario(self) -> None:
        self.step("the checks, as a browser")
        both, a, b = self.proxies["both"], self.proxies["A"], self.proxies["B"]
        plan, person = self.plan, self.plan["person"]
        anonymous = Browser()
        status, _h, body = anonymous.request(both, "/readyz")
        self.record(status == 200, f"/readyz through nginx: database, cache and storage reachable ({status})")
        upstreams = set()
        for _ in range(4):
            anonymous.request(both, "/healthz")
        access_log = self.folder / "nginx-both" / "logs" / "access.log"
        for line in access_log.read_text().splitlines():
            upstreams.add(json.loads(line).get("upstream"))
        expected = {f"{HOST}:{self.ports['A']}", f"{HOST}:{self.ports['B']}"}
        self.record(
            expected <= upstreams, f"nginx spreads requests over both instances ({', '.join(sorted(upstreams))})"
        )
        status, _h, _b = anonymous.request(both, "/directory/?q=logement")
        self.record(status == 200, f"directory search through nginx, read from the replica ({status})")

        browser = Browser()
        fields = browser.form_fields(a, "/accounts/login/")
        status, headers, _b = browser.post(a, "/accounts/login/", {**fields, "username": plan["email"],
                                                                   "password": plan["password"]})  # fmt: skip
        fields = browser.form_fields(a, "/accounts/mfa/verify/")
        status, headers, _b = browser.post(a, "/accounts/mfa/verify/", {**fields, "code": plan["recovery_codes"][0]})
        location = headers.get("Location", "")
        # Past the second factor: anywhere but the login and verification pages (a recovery code used, Maillage
        # may suggest setting up an authenticator app on /accounts/mfa/).
        logged_in = status == 302 and not location.startswith(("/accounts/login/", "/accounts/mfa/verify/"))
        self.record(logged_in, f"log in through A: password and second factor ({status} to {location or '-'})")
        session = dict(browser.cookies)
        person_page = f"/people/{person}/"
        status, _h, _b = browser.request(b, person_page)
        same_cookie = browser.cookies.get("__Host-maillage-session") == session.get("__Host-maillage-session")
        self.record(
            status == 200 and same_cookie, f"the session opened on A continues on B: the person's page ({status})"
        )

        note_page = f"/coordination/persons/{person}/notes/new/"
        fields = browser.form_fields(a, note_page)
        status, headers, _b = browser.post(
            a,
            note_page,
            {**fields, "body": "Deployment check: see the attached file.", "category": "COORDINATION",
             "mentions": str(plan["mentioned"])},
            files={"files": ("deploy-check.pdf", PDF, "application/pdf")},
        )  # fmt: skip
        self.record(status == 302, f"upload an attachment through A (a coordination note, {status})")
        status, _h, body = browser.request(b, f"/coordination/persons/{person}/")
        links = ATTACHMENT_LINK.findall(body.decode())
        downloaded = b""
        if links:
            status, _h, downloaded = browser.request(b, f"/coordination/attachments/{links[0]}/")
        self.record(downloaded == PDF, f"download it through B, the same bytes ({status}, {len(downloaded)} bytes)")
        stored = self.s3().list_objects_v2(Bucket=BUCKET, Prefix="attachments/").get("KeyCount", 0)
        self.record(stored == 1, f"the file is in the object storage, not on an instance's disk ({stored} object)")

        fields = browser.form_fields(b, person_page)
        token = fields.get("csrfmiddlewaretoken", "")
        revoke = {"csrfmiddlewaretoken": token, "consent": plan["consent"], "confirmed": "yes"}
        status, headers, _b = browser.post(a, f"/consent/{person}/revoke/", revoke)
        self.record(status == 302, f"revoke the care-team sharing through A ({status})")
        status, _h, _b = browser.request(b, person_page)
        self.record(status == 404, f"B refuses the person's page at the very next request ({status})")

        replica = self.pair.sql("SELECT pg_is_in_recovery()", DATABASE, port=self.pair.replica_port)
        lag = self.pair.sql(
            "SELECT COALESCE(MAX(replay_lag)::text, '0') FROM pg_stat_replication WHERE state = 'streaming'", DATABASE
        )
        streaming = self.pair.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", DATABASE)
        self.record(replica == "t" and streaming == "1", f"the replica is a hot standby, streaming (lag {lag})")

        deadline, counts = time.monotonic() + 30, {}
        while time.monotonic() < deadline:
            rows = self.pair.sql(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status", DATABASE
            )
            counts = dict(line.split("|") for line in rows.splitlines() if line)
            if not set(counts) & {"READY", "RUNNING"}:
                break
            time.sleep(0.5)
        done = ", ".join(f"{status} {count}" for status, count in counts.items()) or "none"
        self.record(set(counts) == {"SUCCESSFUL"}, f"the worker ran the tasks the requests queued ({done})")
        self.writes_survive_a_killed_instance(browser)

    def writes_survive_a_killed_instance(self, browser: Browser, writers: int = 3, each: int = 8) -> None:
        """Notes written through nginx in front of A and B by a few writers at once, instance B killed (SIGKILL)
        while they write: every write answered with a redirect (saved) is in the primary afterwards."""
        both, person = self.proxies["both"], self.plan["other_person"]
        page, run = f"/coordination/persons/{person}/notes/new/", secrets.token_hex(4)
        answers: dict[str, int] = {}

        def write(writer: int) -> None:
            own = Browser()
            own.cookies = dict(browser.cookies)
            for number in range(each):
                body = f"Write {run} {writer}-{number}"
                try:
                    fields = own.form_fields(both, page)
                    status, _h, _b = own.post(both, page, {**fields, "body": body, "category": "COORDINATION"})
                except (CheckFailed, OSError):  # the form page refused, or no answer at all
                    status = 0
                answers[body] = status

        threads = [threading.Thread(target=write, args=(writer,)) for writer in range(writers)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        os.killpg(self.servers[1].pid, signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=120)
        saved = {body for body, status in answers.items() if status == 302}
        query = f"SELECT body FROM coordination_note WHERE body LIKE 'Write {run} %'"  # noqa: S608 (hex digits)
        stored = set(self.pair.sql(query, DATABASE).splitlines())
        lost = saved - stored
        refused = len(answers) - len(saved)
        # Which instance took each write (nginx's access log): B took some before it was killed, A the rest.
        by_instance = {"A": 0, "B": 0}
        instance_of = {f"{HOST}:{port}": name for name, port in self.ports.items()}
        for line in (self.folder / "nginx-both" / "logs" / "access.log").read_text().splitlines():
            entry = json.loads(line)
            if entry["method"] == "POST" and entry["path"] == page and entry["status"] == 302:
                name = instance_of.get(entry["upstream"].split(",")[-1].strip())
                if name:
                    by_instance[name] += 1
        self.record(
            bool(saved) and not lost and len(answers) == writers * each,
            f"instance B killed while {writers} writers wrote {len(answers)} notes through nginx: {len(saved)} saved "
            f"(by A {by_instance['A']}, by B {by_instance['B']}), all {len(saved) - len(lost)} in the database, "
            f"{len(lost)} lost; {refused} refused or unanswered",
        )

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        with contextlib.suppress(Exception):
            self.processes.stop()
        if self.pair is not None:
            self.pair.stop()
        self.say("stopped everything it started (granian, nginx, worker, S3 server, PostgreSQL primary and replica)")
