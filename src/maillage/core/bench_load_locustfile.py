"""The load of `make bench-load` (locust, headless), run by `manage.py bench_load` against nginx on loopback.

- `BareUser`: `/healthz` again and again: the whole stack (TLS, nginx, granian, Django's middleware) with no
  database and no template: the reference the mix is compared with.
- `ProfessionalUser`: a professional of the demo territory logs in (password, then a recovery code as second factor)
  and then, as on a Monday morning: the public directory search (anonymous visitors search too), the dashboard,
  the page of a person they follow (through the door, audited), and their organisation's referral inbox.

The plan (`BENCH_LOAD_PLAN`, JSON written by `bench_load --prepare`) names the logins, persons, inboxes and searches.
Every answer must be exactly 200 (a redirect to the login page is a failure). The run stops by itself after
`BENCH_LOAD_MAX_REQUESTS` requests, or at locust's `--run-time`, whichever comes first. Each request's route, end
time, duration and outcome go to `BENCH_LOAD_TIMINGS` (JSON) when locust quits, for exact percentiles per route.
"""

import itertools
import json
import os
import random
import re
import time

import gevent
from locust import HttpUser, constant, events, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())  # noqa: SIM115 (read once at import)
MAX_REQUESTS = int(os.environ.get("BENCH_LOAD_MAX_REQUESTS", "0"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_logins = itertools.cycle(PLAN["logins"])
_timings: list[tuple[str, float, float, str]] = []
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


def _get(user: HttpUser, path: str, name: str) -> None:
    with user.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"status {response.status_code}")


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
        self._post_form("/accounts/login/", {"username": self.login["email"], "password": PLAN["password"]}, "login")
        self._post_form("/accounts/mfa/verify/", {"code": self.login["recovery_codes"].pop()}, "login second factor")

    def _post_form(self, path: str, data: dict, name: str) -> None:
        page = self.client.get(path, name=f"{name} (form)")
        token = CSRF.search(page.text)
        origin = self.host.rstrip("/")
        headers = {"Origin": origin, "Referer": origin + path}
        data = {**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        with self.client.post(
            path, data=data, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or "/accounts/login/" in response.headers.get("Location", ""):
                response.failure(f"status {response.status_code}")

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
