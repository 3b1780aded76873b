"""The network coordinator's weekly list of emergency accesses in Chromium: reached from the dashboard, readable
on a phone, accessible (axe), with no person's name on it."""

import pytest

from maillage.access.services import break_glass_open
from maillage.accounts.actors import actor_for
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory
from maillage.core.tests.browser.plugin import DESKTOP, PHONE
from maillage.people.tests.factories import InvolvementFactory, PersonFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def coordinator(transactional_db):
    person = PersonFactory(first_name="Amélie", last_name="Quintavalle-Brûlé")
    InvolvementFactory(person=person, referent=True)
    emergency = MembershipFactory(
        organisation=OrganisationFactory(name="Urgences du Sud", care_provider=True),
        user__first_name="Eva",
        user__last_name="Urgentiste",
    ).user
    break_glass_open(
        actor_for(emergency), public_id=person.public_id, reason="Admise inconsciente aux urgences, traitement inconnu"
    )
    return MembershipFactory(organisation=OrganisationFactory(name="Réseau Lux"), coordinator=True).user


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_coordinator_reads_the_week_from_the_dashboard(
    page, live_server, log_in, axe_check, screenshot, coordinator, viewport
):
    page.set_viewport_size(viewport)
    log_in(page, coordinator)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Accès d'urgence").first.click()
    page.wait_for_url("**/access/break-glass/")
    assert page.get_by_role("heading", level=1).inner_text() == "Les accès d'urgence de la semaine"
    assert page.get_by_text("Urgences du Sud").is_visible()
    assert page.get_by_text("Admise inconsciente aux urgences").is_visible()
    assert "Quintavalle" not in page.content()  # a name no generated user has
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe_check(page, "break-glass-week")
    screenshot(page, "break-glass-week")
    page.get_by_role("link", name="Semaine précédente").click()
    page.wait_for_url("**week=**")
    assert page.get_by_text("Aucun accès d'urgence n'a été ouvert cette semaine.").is_visible()


@pytest.fixture
def stranger_and_file(transactional_db):
    person = PersonFactory(first_name="Amélie", last_name="Quintavalle-Brûlé")
    InvolvementFactory(person=person, referent=True)
    stranger = MembershipFactory(organisation=OrganisationFactory(name="Urgences du Sud", care_provider=True)).user
    return stranger, person


def test_the_request_form_says_how_many_requests_are_left_on_a_phone(
    page, live_server, log_in, axe_check, screenshot, stranger_and_file, settings
):
    settings.BREAK_GLASS_DAILY_CAP = 1
    stranger, person = stranger_and_file
    page.set_viewport_size(PHONE)
    log_in(page, stranger)
    page.goto(f"{live_server.url}/access/{person.public_id}/break-glass/")
    assert page.get_by_text("Vous pouvez encore demander 1 accès d'urgence").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe_check(page, "break-glass-form")
    screenshot(page, "break-glass-form")
    page.locator("#id_reason").fill("Admise inconsciente aux urgences, traitement inconnu")
    page.get_by_role("button", name="Ouvrir un accès d'urgence").click()
    page.wait_for_url(lambda url: str(person.public_id) in url and "break-glass" not in url)
    page.goto(f"{live_server.url}/access/{person.public_id}/break-glass/")
    assert page.get_by_text("Vous avez atteint la limite de 1 demande d'accès d'urgence").is_visible()
    assert page.get_by_role("button", name="Ouvrir un accès d'urgence").count() == 0  # nothing offered to refuse
    axe_check(page, "break-glass-cap")
    screenshot(page, "break-glass-cap")
