"""The alert thresholds page in Chromium, at 1280 px and on a 375 px phone: reached from the dashboard, a bad value
explained next to its field with what was typed kept, saved, the defaults restored after confirming; axe on each
step, nothing wider than the phone's screen, screenshots saved."""

import pytest
from django.urls import reverse

from maillage.analytics.models import Thresholds
from maillage.governance.tests.factories import NetworkFactory, NetworkMemberFactory, coordinator_of

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def test_the_coordinator_sets_the_thresholds(
    page, browser, browser_errors, live_server, log_in, axe_check, screenshot
):
    browser_errors.allow("status of 400")  # the bad value is shown again with its status, on purpose
    network = NetworkFactory()
    NetworkMemberFactory(network=network)
    user = coordinator_of(network).user
    kwargs = {"public_id": network.public_id}
    address = live_server.url + reverse("analytics:thresholds", kwargs=kwargs)

    log_in(page, user)
    page.goto(live_server.url + reverse("analytics:dashboard", kwargs=kwargs))
    page.get_by_role("link", name="Seuils d'alerte : voir ou modifier ce qui lève une alerte").click()
    page.wait_for_url(address)
    assert page.get_by_role("group", name="Personnes qui se sentent peut-être abandonnées").is_visible()
    axe_check(page, "thresholds-desktop")
    screenshot(page, "thresholds-desktop")

    days = page.get_by_label("Jours sans contact, au moins")
    days.fill("0")
    page.get_by_label("Orientations reçues, au moins").fill("8")
    page.get_by_role("button", name="Enregistrer les seuils").click()
    assert page.locator("#id_abandonment_days_error").inner_text() == "Saisissez un nombre de 1 à 32767."
    assert page.get_by_label("Orientations reçues, au moins").input_value() == "8"  # kept
    axe_check(page, "thresholds-error")
    screenshot(page, "thresholds-error")

    page.get_by_label("Jours sans contact, au moins").fill("90")
    page.get_by_role("button", name="Enregistrer les seuils").click()
    assert page.get_by_text("Les seuils sont enregistrés").is_visible()
    assert Thresholds.objects.get(network=network).abandonment_days == 90

    page.get_by_role("button", name="Restaurer les valeurs par défaut…").click()
    assert page.get_by_role("heading", name="Restaurer les seuils par défaut ?").is_visible()
    axe_check(page, "thresholds-confirm")
    page.get_by_role("button", name="Restaurer les valeurs par défaut").click()
    assert page.get_by_text("Les seuils par défaut sont restaurés.").is_visible()
    assert Thresholds.objects.get(network=network).abandonment_days == 60

    phone = browser.new_context(viewport=PHONE, locale="fr-BE", timezone_id="Europe/Brussels")
    try:
        small = phone.new_page()
        log_in(small, user)
        small.goto(address)
        assert small.get_by_role("heading", level=1).is_visible()
        assert small.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        axe_check(small, "thresholds-phone")
        screenshot(small, "thresholds-phone")
    finally:
        phone.close()
