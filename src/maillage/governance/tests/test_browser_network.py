"""The network's page in Chromium: public, with the charter in force, at 1280 px and on a 375 px phone; a member
finds it from the main navigation. axe on each page, screenshots saved."""

import datetime as dt

import pytest
from django.utils import timezone

from maillage.governance import services
from maillage.governance.enums import AgreementKind

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def test_the_network_page_shows_the_charter_in_force(
    page, browser, live_server, log_in, axe_check, screenshot, network, coordinator, members
):
    charter = services.agreement_create(
        coordinator,
        network,
        kind=AgreementKind.CHARTER,
        title="Charte du réseau",
        text="Article 1. La personne au centre.\n\nArticle 2. Pas de hiérarchie, pas de concurrence.",
    )
    version = charter.versions.get()
    services.consultation_open(coordinator, version, ends_on=timezone.localdate() + dt.timedelta(days=5))
    version.refresh_from_db()
    services.version_adopt(coordinator, version, adopted_on=timezone.localdate(), adoption_record="CoPil")
    address = f"{live_server.url}/network/{network.public_id}/"

    # Anyone reads the network's page and its charter, at 1280 px.
    page.goto(address)
    assert page.get_by_role("heading", name=network.name, level=1).is_visible()
    assert page.get_by_text("Article 2. Pas de hiérarchie, pas de concurrence.").is_visible()
    assert page.get_by_role("rowheader", name="CPAS de Bastogne").is_visible()
    axe_check(page, "network-desktop")
    screenshot(page, "network-desktop")

    # On a phone, the same page, nothing wider than the screen but the tables' own scroll.
    phone = browser.new_context(viewport=PHONE, locale="fr-BE", timezone_id="Europe/Brussels")
    try:
        small = phone.new_page()
        small.goto(address)
        assert small.get_by_text("Article 1. La personne au centre.").is_visible()
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
        axe_check(small, "network-phone")
        screenshot(small, "network-phone")
    finally:
        phone.close()

    # A member finds its network from the main navigation.
    (_arlon, arlon_admin), _ = members
    log_in(page, arlon_admin.user)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Le réseau").click()
    page.get_by_role("link", name=network.name).first.click()
    assert page.get_by_role("link", name="Charte et conventions").is_visible()
