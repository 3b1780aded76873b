"""Issue 5, item 12, in a real browser: a referent opens a person's file, the person revokes a consent in
their own space (a second browser context), and the professional concerned loses the category at the
next page load. Screenshots land in `var/screenshots/` (or $MAILLAGE_SCREENSHOTS)."""

import os
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from maillage.access.enums import Category
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory
from maillage.consent.models import Consent
from maillage.people.tests.factories import ConsentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("_close_thread_connections"),
]


@pytest.fixture
def _close_thread_connections(monkeypatch):
    """SQLite keeps in-memory test connections open on close(); the live server's request threads then leak
    theirs. The main thread's connection keeps the shared in-memory database alive, so the others may close."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    original = DatabaseWrapper.is_in_memory_db

    def is_in_memory_db(self) -> bool:
        return original(self) and threading.current_thread() is threading.main_thread()

    monkeypatch.setattr(DatabaseWrapper, "is_in_memory_db", is_in_memory_db)


CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("MAILLAGE_SCREENSHOTS", settings.BASE_DIR / "var" / "screenshots"))


@pytest.fixture
def live_server():
    """A live server for this test only: stopped (its database connections closed) before the test database
    is dropped, which a session-wide one does not guarantee on PostgreSQL."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        # While Playwright's loop runs, the test's ORM calls get their own connection (asgiref keys
        # connections by context): close it here, before the test database is dropped.
        connections.close_all()
        browser.close()


def logged_in_context(browser, live_server, user, **options):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="fr-BE", **options)
    host = live_server.url.split("://", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    return context


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_revocation_in_own_space_masks_the_category_at_the_next_page_load(browser, live_server, network):
    person = network.person
    person.user = UserFactory(kind=UserKind.PERSON, email="amelie.space@example.org")
    person.save(update_fields=["user"])
    # The partner (a care provider) may see health data on the person's explicit consent.
    ConsentFactory(
        person=person,
        recipient_organisation=network.partner_org,
        categories=[Category.HEALTH],
        explicit=True,
        purpose="Suivi du sommeil",
    )
    url = f"{live_server.url}/people/{person.public_id}/"

    professional = logged_in_context(browser, live_server, network.partner)
    pro_page = professional.new_page()
    pro_page.goto(url)
    assert pro_page.get_by_text("Dormir mieux.").is_visible()
    shot(pro_page, "01-partner-sees-health-need")

    referent = logged_in_context(browser, live_server, network.referent)
    referent_page = referent.new_page()
    referent_page.goto(url)
    assert referent_page.get_by_role("heading", name="Amélie Fontaine").is_visible()
    # The referent's organisation is no care provider and has no consent for health: the need is masked.
    assert referent_page.get_by_text("Dormir mieux.").count() == 0
    shot(referent_page, "02-referent-opens-the-file")

    own = logged_in_context(browser, live_server, person.user, viewport={"width": 390, "height": 844})
    space = own.new_page()
    space.goto(f"{live_server.url}/people/me/")
    shot(space, "03-person-own-space-phone")
    health_consent = space.locator("#consents li", has_text="Centre de santé mentale").first
    health_consent.get_by_role("button").click()
    space.wait_for_load_state()
    assert space.get_by_role("status").get_by_text("applies now").count() + space.locator(".message").count() >= 1
    shot(space, "04-person-revoked-consent")
    assert Consent.objects.filter(person=person, revoked_at__isnull=False).exists()

    pro_page.reload()
    assert pro_page.get_by_text("Dormir mieux.").count() == 0
    assert pro_page.get_by_text("Un logement plus grand pour mes enfants.").is_visible()
    assert "Santé" in pro_page.locator("p.muted", has_text="Non partagé avec vous").inner_text() or (
        pro_page.get_by_text("Health").count() >= 1
    )
    shot(pro_page, "05-partner-lost-health-at-next-load")
    for context in (professional, referent, own):
        context.close()
