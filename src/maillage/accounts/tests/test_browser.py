"""Accounts pages and the API docs in Chromium: they work under our CSP, with no console error, and pass axe."""

import re

import pytest

from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def admin():
    organisation = OrganisationFactory(name="CPAS de Marche")
    MembershipFactory(organisation=organisation, user__first_name="Léa")
    return MembershipFactory(organisation=organisation, admin=True, user__first_name="Marc").user


def test_api_docs_render_from_local_assets(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 5
    assert all(url.startswith((live_server.url, "data:")) for url in requested), requested


def test_admin_invites_a_colleague_and_creates_a_token(page, live_server, log_in, axe_check, screenshot, admin):
    log_in(page, admin)
    page.goto(live_server.url + "/accounts/members/")
    axe_check(page, "members")
    page.locator("#id_email").fill("pas une adresse")
    page.locator("#id_job_title").fill("Éducatrice")
    page.locator("form[action$='/members/invite/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".field-error").count() >= 1
    assert page.locator("#id_job_title").input_value() == "Éducatrice"
    axe_check(page, "members-errors")
    page.locator("#id_email").fill("nouvelle@example.org")
    page.locator("form[action$='/members/invite/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name="nouvelle@example.org", exact=True).is_visible()

    page.goto(live_server.url + "/accounts/tokens/")
    axe_check(page, "tokens")
    assert "CPAS de Marche" in page.locator("#new-token-heading + p").inner_text()  # whom the token acts for
    page.locator("#id_name").fill("Script d'export")
    page.locator("input[name=scopes][value='directory:read']").check()
    page.locator("main form[action$='/accounts/tokens/'] button[type=submit]").click()
    page.wait_for_load_state()
    secret = page.locator("#new-token").input_value()
    assert re.fullmatch(r"mlg_[0-9a-f]{8}_\S{40,}", secret)
    assert page.get_by_role("cell", name="CPAS de Marche", exact=True).is_visible()
    axe_check(page, "token-created")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "tokens-phone")

    page.goto(live_server.url + "/accounts/organisation/edit/")
    axe_check(page, "organisation-edit")


def test_anonymous_pages_pass_axe(page, live_server, axe_check, browser_errors):
    page.goto(live_server.url + "/accounts/password/reset/")
    axe_check(page, "password-reset")
    browser_errors.allow("404")
    page.goto(live_server.url + "/accounts/invitations/unknown-token/")
    assert page.get_by_role("heading", level=1).is_visible()
    axe_check(page, "invitation-invalid")
