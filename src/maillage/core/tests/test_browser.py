"""The shell as a person uses it, in Chromium: log in, the dashboard, the language switch, accessibility."""

import re

import pytest

from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory
from maillage.core.tests.browser.plugin import DESKTOP, PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def professional():
    organisation = OrganisationFactory(name="CPAS de Bastogne", locality="Bastogne", postcode="6600")
    return MembershipFactory(organisation=organisation, user__first_name="Claire").user


def test_professional_logs_in_sees_the_dashboard_and_switches_language(page, live_server, log_in, professional):
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Se connecter à Maillage"

    log_in(page, professional)

    assert page.url == live_server.url + "/"
    assert page.get_by_role("heading", level=1).inner_text() == "Bonjour Claire"
    assert page.get_by_text("CPAS de Bastogne").first.is_visible()
    assert page.get_by_role("link", name="Tableau de bord").get_attribute("aria-current") == "page"

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + "/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Hello Claire"
    assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"

    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Bonjour Claire"


def test_anonymous_visitor_switches_language_on_the_login_page(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Log in to Maillage"


def test_keyboard_user_reaches_the_content_through_the_skip_link(page, live_server, log_in, professional):
    log_in(page, professional)
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu principal")
    assert skip_link.evaluate("element => element === document.activeElement")
    assert skip_link.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_pages_pass_axe(page, live_server, log_in, axe_check, browser_errors, professional, viewport, screenshot):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/accounts/login/")
    axe_check(page, "login")

    log_in(page, professional)
    axe_check(page, "dashboard")

    browser_errors.allow("404")
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page introuvable"
    axe_check(page, "404")
    screenshot(page, "404")


def test_phone_layout_does_not_scroll_sideways(page, live_server, log_in, professional):
    page.set_viewport_size(PHONE)
    log_in(page, professional)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    for link in page.locator(".site-nav a").all():
        box = link.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, link.inner_text()
    assert re.search("Tableau de bord", page.locator(".site-nav").inner_text())
