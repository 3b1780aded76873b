"""The load of `make bench-load` (locust, headless), run by `manage.py bench_load` against nginx on loopback.

- `BareUser`: `/healthz` again and again: the whole stack (TLS, nginx, granian, Django's middleware) with no
  database and no template: the reference the mix is compared with.
- `ProfessionalUser`: a professional of the demo territory logs in (password, then a recovery code as second factor)
  and then, as on a Monday morning: the public directory search (anonymous visitors search too), the dashboard,
  the page of a person they follow (through the door, audited), their organisation's referral inbox, and writes
  through the real forms: a note in a followed person's coordination thread, a contact recorded (each: the form,
  its post, then the thread it leads to).

The plan (`BENCH_LOAD_PLAN`, JSON written by `bench_load --prepare`) names the logins, persons, inboxes and searches.
Every answer must be exactly 200 (a redirect to the login page is a failure); a write's post must redirect to the
person's thread. The run stops by itself after `BENCH_LOAD_MAX_REQUESTS` requests (0: no limit), or at locust's
`--run-time`, whichever comes first. Each request's route, end time, duration and outcome go to
`BENCH_LOAD_TIMINGS` (JSON) when locust quits, for exact percentiles per route.

A user retries as a person at a browser would, when an application server dies under it (`bench_load --kill-at`):
a page or a post that failed in flight (no answer, 502, 503, 504) is sent again, the post with the same form token,
so that the server's once-only check (`core.forms.save_once`) answers the first result instead of writing twice.
A retry refused because the dead server's claim on the token is left unfinished ("still being saved") makes the
user check the thread for the text, and send the form again (its fresh token) only if the text is not there. An
attempt followed by a retry is recorded with a `retried: ` reason, not counted as an error. Each write carries a
unique text; those acknowledged (the post redirected to the thread) go to `BENCH_LOAD_WRITES` (JSON), for the
command to look for them in the database at the end.
"""

import itertools
import json
import os
import random
import re
import time
import uuid

import gevent
from locust import HttpUser, constant, events, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())  # noqa: SIM115 (read once at import)
MAX_REQUESTS = int(os.environ.get("BENCH_LOAD_MAX_REQUESTS", "0"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="(form_token|version)"(?: value="([^"]*)")?')
# An answer that says the server did not answer (nginx: the server died, or none was reachable): worth a retry.
IN_FLIGHT = {0, 502, 503, 504}
ATTEMPTS = 6
RETRY_PAUSE = 1.0
_logins = itertools.cycle(PLAN["logins"])
_timings: list[tuple[str, float, float, str]] = []
_writes: list[dict] = []
_environment = [None]


@events.init.add_listener
def _keep_environment(environment, **_kwargs) -> None:
    _environment[0] = environment


@events.request.add_listener
def _record(name, response_time, exception=None, **_kwargs) -> None:
    _timings.append((name, time.time(), response_time, str(exception) if exception is not None else ""))
    if MAX_REQUESTS and len(_timings) == MAX_REQUESTS:
        gevent.spawn(lambda: _environment[0].runner.quit())


@events.quitting.add_listener
def _write_timings(**_kwargs) -> None:
    with open(os.environ["BENCH_LOAD_TIMINGS"], "w") as output:
        json.dump(_timings, output)
    if os.environ.get("BENCH_LOAD_WRITES"):
        with open(os.environ["BENCH_LOAD_WRITES"], "w") as output:
            json.dump(_writes, output)


def _get(user: HttpUser, path: str, name: str) -> str | None:
    """GET `path`, expecting 200; sent again (up to ATTEMPTS) when it failed in flight. The page's text, or None."""
    for attempt in range(1, ATTEMPTS + 1):
        with user.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code == 200:
                return response.text
            if response.status_code in IN_FLIGHT and attempt < ATTEMPTS:
                response.failure(f"retried: status {response.status_code}")
            else:
                response.failure(f"status {response.status_code}")
                return None
        gevent.sleep(RETRY_PAUSE)
    return None


def form_fields(page: str) -> dict[str, str]:
    """The hidden fields a Maillage form is sent back with: the CSRF token, the one-time form token, the version."""
    fields = {name: value or "" for name, value in HIDDEN.findall(page)}
    token = CSRF.search(page)
    fields["csrfmiddlewaretoken"] = token.group(1) if token else ""
    return fields


class BareUser(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.client.verify = False

    @task
    def healthz(self) -> None:
        _get(self, "/healthz", "bare /healthz")


class ProfessionalUser(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.client.verify = False
        self.login = next(_logins)
        self.random = random.Random(self.login["email"])  # noqa: S311 (load mix, not security)
        self._log_in()

    def _log_in(self) -> None:
        """Password, then a recovery code; all again from the start (a new code) when a step failed in flight."""
        for attempt in range(1, ATTEMPTS + 1):
            last = attempt == ATTEMPTS
            self.client.cookies.clear()
            password = {"username": self.login["email"], "password": PLAN["password"]}
            outcome = self._post_form("/accounts/login/", password, "login", last)
            if outcome == "done":
                code = {"code": self.login["recovery_codes"].pop()}
                outcome = self._post_form("/accounts/mfa/verify/", code, "login second factor", last)
            if outcome != "retry":
                return
            gevent.sleep(RETRY_PAUSE)

    def _post_form(self, path: str, data: dict, name: str, last: bool) -> str:
        """GET the form, POST it: "done", "retry" (failed in flight, not the last attempt) or "failed"."""

        def failed(response, status: int) -> str:
            if status in IN_FLIGHT and not last:
                response.failure(f"retried: status {status}")
                return "retry"
            response.failure(f"status {status}")
            return "failed"

        with self.client.get(path, name=f"{name} (form)", catch_response=True) as page:
            if page.status_code != 200:
                return failed(page, page.status_code)
        token = CSRF.search(page.text)
        origin = self.host.rstrip("/")
        headers = {"Origin": origin, "Referer": origin + path}
        data = {**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        with self.client.post(
            path, data=data, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or "/accounts/login/" in response.headers.get("Location", ""):
                return failed(response, response.status_code)
        return "done"

    @task(3)
    def directory_search(self) -> None:
        _get(self, "/directory/?" + self.random.choice(PLAN["searches"]), "directory search")

    @task(3)
    def dashboard(self) -> None:
        _get(self, "/", "dashboard")

    @task(3)
    def person_page(self) -> None:
        _get(self, f"/people/{self.random.choice(self.login['persons'])}/", "person page")

    @task(1)
    def inbox(self) -> None:
        _get(self, f"/referrals/organisation/{self.login['organisation']}/inbox/", "referral inbox")

    @task(1)
    def note(self) -> None:
        person = self.random.choice(self.login["writable"])
        text = f"bench-load {uuid.uuid4().hex}"
        body = f"Point du lundi : appel reçu, rendez-vous à confirmer avec la personne. {text}"
        self._write(
            "note",
            person,
            f"/coordination/persons/{person}/notes/new/",
            {"body": body, "category": "COORDINATION"},
            text,
        )

    @task(1)
    def contact(self) -> None:
        person = self.random.choice(self.login["writable"])
        text = f"bench-load {uuid.uuid4().hex}"
        self._write(
            "contact",
            person,
            f"/coordination/persons/{person}/contacts/new/",
            {"kind": "PHONE", "with_whom": text},
            text,
        )

    def _write(self, kind: str, person: str, path: str, data: dict, text: str) -> None:
        """The form, its post (sent again with the same token when it failed in flight), then the thread."""
        page = _get(self, path, f"{kind} (form)")
        if page is None:
            return
        thread = f"/coordination/persons/{person}/"
        origin = self.host.rstrip("/")
        headers = {"Origin": origin, "Referer": origin + path}
        fields = form_fields(page)
        retried = False
        for attempt in range(1, ATTEMPTS + 1):
            with self.client.post(
                path, data={**data, **fields}, headers=headers, name=f"{kind} (post)", allow_redirects=False,
                catch_response=True,
            ) as response:  # fmt: skip
                status, location = response.status_code, response.headers.get("Location", "")
                if status == 302 and location.startswith(thread):
                    _writes.append({"kind": kind, "text": text, "retried": retried})
                    break
                last = attempt == ATTEMPTS
                claim_left = status == 422 and retried and not last
                if status in IN_FLIGHT and not last:
                    response.failure(f"retried: status {status}")
                elif claim_left:
                    response.failure("retried: claim left by a dead server")
                else:
                    response.failure(f"status {status}")
                    return
            if claim_left:
                # The first post's server died holding the token's claim ("still being saved"). Its user looks at
                # the thread: the text is there (written), or the form is sent again with its fresh token.
                shown = _get(self, thread, "coordination thread (check)")
                if shown is not None and text in shown:
                    _writes.append({"kind": kind, "text": text, "retried": True})
                    return
                fields = form_fields(response.text)
            retried = True
            gevent.sleep(RETRY_PAUSE)
        else:
            return
        _get(self, location, "coordination thread")
