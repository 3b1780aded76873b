"""The coordinator's dashboard and the network map in Chromium, at 1280 px and on a 375 px phone: the alerts say
why, a node clicked on the map shows its numbers, nothing is wider than the screen; axe on each page, screenshots
saved."""

import pytest
from django.urls import reverse

from maillage.analytics.tests import scenario

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def test_the_coordinator_reads_the_dashboard_and_the_map(page, browser, live_server, log_in, axe_check, screenshot):
    built = scenario.build()
    kwargs = {"public_id": built.network.public_id}
    dashboard = live_server.url + reverse("analytics:dashboard", kwargs=kwargs)
    network_map = live_server.url + reverse("analytics:map", kwargs=kwargs)
    user = built.coordinator.user

    log_in(page, user)
    page.goto(dashboard)
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_text("Service G").first.is_visible()  # the silo's alert names its organisations
    axe_check(page, "analytics-dashboard-desktop")
    screenshot(page, "analytics-dashboard-desktop")

    page.get_by_role("link", name="Carte du réseau").first.click()
    page.wait_for_url(network_map + "*")
    node = page.locator(".map-node").first
    assert node.is_visible()
    node.click()
    details = page.locator("#map-details")
    assert details.locator("h2").is_visible() and details.locator("dl").is_visible()
    svg = page.locator("svg.network-map")
    whole = float(svg.get_attribute("data-viewbox").split()[2])
    page.get_by_role("button", name="Zoomer", exact=True).click()
    assert float(svg.get_attribute("viewBox").split()[2]) < whole
    axe_check(page, "analytics-map-desktop")
    screenshot(page, "analytics-map-desktop")

    phone = browser.new_context(viewport=PHONE, locale="fr-BE", timezone_id="Europe/Brussels")
    try:
        small = phone.new_page()
        log_in(small, user)
        for address, name in ((dashboard, "dashboard"), (network_map, "map")):
            small.goto(address)
            assert small.get_by_role("heading", level=1).is_visible()
            assert small.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
            axe_check(small, f"analytics-{name}-phone")
            screenshot(small, f"analytics-{name}-phone")
    finally:
        phone.close()
