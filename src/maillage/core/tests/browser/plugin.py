"""Browser-test harness, loaded for every app from `src/conftest.py`.

Playwright's sync API drives Debian's Chromium (`/usr/bin/chromium`) against pytest-django's live
server. Any app's `tests/test_browser*.py` can use these fixtures::

    @pytest.mark.browser
    def test_something(page, live_server, log_in, axe_check):
        log_in(page, MembershipFactory().user)
        page.goto(live_server.url + "/")
        axe_check(page)

- `page` fails the test on any browser console error or uncaught page error (call
  `browser_errors.allow("substring")` for an error the test expects), and saves a full-page
  screenshot to `test-artifacts/` when the test ends;
- `axe_check(page)` fails on serious or critical accessibility violations (axe-core, WCAG 2.x A/AA);
- without Chromium the tests are skipped with a message, except in CI (`CI=true`) where they fail.

Playwright's driver and Chromium start once per run; each test gets a fresh browser context.
"""

import asyncio
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[5] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
BLOCKING_IMPACTS = {"serious", "critical"}
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's Chromium through Playwright against a live server")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@dataclass
class BrowserErrors:
    """Console errors and uncaught exceptions seen by the page; the test fails if any is unexpected."""

    seen: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def allow(self, substring: str) -> None:
        """Expect errors containing `substring`, e.g. the 404 status of a page the test opens on purpose."""
        self.allowed.append(substring)

    def unexpected(self) -> list[str]:
        return [error for error in self.seen if not any(allowed in error for allowed in self.allowed)]


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


class _PlaywrightLoop:
    """Playwright's sync API keeps its asyncio loop marked as running in the main thread between calls.

    Left so, Django refuses the ORM and `asyncio.run()` fails in every later test. The harness hides the
    loop while no browser test runs, and puts it back before a browser test touches Playwright.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None

    def suspend(self) -> None:
        self._loop = asyncio._get_running_loop()
        asyncio._set_running_loop(None)

    def resume(self) -> None:
        if self._loop is not None:
            asyncio._set_running_loop(self._loop)
            self._loop = None


@pytest.fixture(scope="session")
def _chromium(live_server) -> Iterator[tuple[object, _PlaywrightLoop]]:
    """One Playwright driver and one Chromium for the whole run (starting them takes seconds).

    Started after the live server (and so after the test database), it stops before them: its open
    keep-alive connections would otherwise keep live-server threads, and their database sessions, alive.
    """
    if not CHROMIUM.exists():
        message = f"Chromium is missing at {CHROMIUM}: install Debian's package with `apt-get install chromium`."
        if in_ci():
            pytest.fail(message + " Browser tests must run in CI.", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    loop = _PlaywrightLoop()
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    except Exception:
        playwright.stop()
        raise
    loop.suspend()
    yield chromium, loop
    loop.resume()
    try:
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def browser(_chromium, live_server, transactional_db) -> Iterator[object]:
    """Chromium for one test, set up after the live server and the database so that it stops before them."""
    chromium, loop = _chromium
    previous = os.environ.get(ASYNC_UNSAFE)
    # While Playwright's loop is marked running, Django would refuse the ORM in the test itself.
    os.environ[ASYNC_UNSAFE] = "true"
    loop.resume()
    try:
        yield chromium
    finally:
        # While the loop is marked running, Django's `connections` hands the test its own connections
        # (asgiref keeps them per context, not per thread): close them, or PostgreSQL keeps the session
        # open and the test database cannot be dropped at the end of the run.
        from django.db import connections

        connections.close_all()
        loop.suspend()
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def page(browser, browser_errors: BrowserErrors, request: pytest.FixtureRequest) -> Iterator[object]:
    """A French-speaking desktop page; fails the test on console errors; screenshot saved at the end."""
    context = browser.new_context(viewport=DESKTOP, locale="fr-BE", timezone_id="Europe/Brussels")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", lambda message: _console(browser_errors, message))
    page.on("pageerror", lambda error: browser_errors.seen.append(f"page error: {error}"))
    try:
        yield page
    finally:
        try:
            save_screenshot(page, request.node.nodeid)
        finally:
            context.close()
    unexpected = browser_errors.unexpected()
    if unexpected:
        pytest.fail("The browser reported errors:\n" + "\n".join(unexpected), pytrace=False)


def _console(errors: BrowserErrors, message) -> None:
    if message.type == "error":
        location = message.location.get("url", "") if message.location else ""
        errors.seen.append(f"console error: {message.text} ({location})")


def artifact_path(name: str, suffix: str) -> Path:
    """`src/maillage/core/tests/test_browser.py::test_x[phone]` becomes `core-test_browser-test_x-phone`."""
    ARTIFACTS.mkdir(exist_ok=True)
    name = name.removeprefix("src/maillage/").replace("/tests/", "-").replace(".py::", "-")
    return ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")[:180] + suffix)


def save_screenshot(page, name: str) -> Path:
    path = artifact_path(name, ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """`screenshot(page, "step")` saves `test-artifacts/<test>-<step>.png` in the middle of a test."""

    def take(page, step: str) -> Path:
        return save_screenshot(page, f"{request.node.nodeid}-{step}")

    return take


@pytest.fixture
def log_in(live_server) -> Callable[..., None]:
    """`log_in(page, user)`: logs in through the real login form, as a person would.

    A user with an authenticator app (`factories.enrol_totp`) then passes the second step with its code, as
    the app would show it. The test profile relaxes MFA_REQUIRED; the MFA tests turn it on.
    """
    from maillage.accounts.tests.factories import TEST_PASSWORD

    def do_log_in(page, user, password: str = TEST_PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill(user.email)
        page.locator("#id_password").fill(password)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        if "/accounts/login/" in page.url:
            pytest.fail(f"Logging in as {user.email} failed: still on {page.url}", pytrace=False)
        if "/accounts/mfa/verify/" in page.url:
            pass_second_step(page, user)

    return do_log_in


def pass_second_step(page, user) -> None:
    """Type the code of the user's authenticator app on the second-step page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from maillage.accounts.tests.factories import totp_code

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        pytest.fail(f"{user.email} has a second factor but no authenticator app to type a code from", pytrace=False)
    page.locator("#id_code").fill(totp_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Continuer|Continue")).click()
    if "/accounts/mfa/verify/" in page.url:
        pytest.fail(f"The second step failed for {user.email}", pytrace=False)


@pytest.fixture
def axe_check(request: pytest.FixtureRequest) -> Callable[..., list[dict]]:
    """`axe_check(page)` fails on serious or critical axe-core violations; returns the minor ones."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    runs = iter(range(1, 1000))

    def check(page, label: str = "") -> list[dict]:
        # An htmx request in flight fades its element (.htmx-request): axe would measure the faded colours.
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
        options = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": AXE_TAGS}}
        violations = axe.run(page, options=options).response["violations"]
        name = f"{request.node.nodeid}-axe-{label or next(runs)}"
        artifact_path(name, ".json").write_text(json.dumps(violations, indent=2, ensure_ascii=False))
        blocking = [violation for violation in violations if violation.get("impact") in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(f"Accessibility violations on {page.url}:\n" + _report(blocking), pytrace=False)
        return violations

    return check


def _report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '')}")
    return "\n".join(lines)
