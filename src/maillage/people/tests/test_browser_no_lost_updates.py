"""ADR 5 in Chromium: a need changed by a colleague meanwhile is not overwritten, and the page says what
changed while keeping what was typed (desktop and phone, checked with axe); a double click saves once."""

import pytest

from maillage.core.tests.browser.plugin import PHONE
from maillage.people.models import Need

pytestmark = pytest.mark.browser


def test_a_stale_edit_shows_what_changed_and_keeps_the_typed_words(
    page, live_server, log_in, axe_check, browser_errors, screenshot, network
):
    browser_errors.allow("422")  # the refused write is shown again with its status
    need = Need.objects.get(person=network.person, term=network.housing)
    log_in(page, network.referent)
    page.goto(f"{live_server.url}/people/{network.person.public_id}/needs/{need.public_id}/")
    page.get_by_label("Le besoin, avec les mots de la personne").fill("Mes mots, tapés avec soin")

    theirs = Need.objects.get(pk=need.pk)  # meanwhile, a colleague saves first
    theirs.own_words, theirs.weight, theirs.updated_by = "Un garant a été trouvé", 5, network.partner
    theirs.save()

    page.get_by_role("button", name="Enregistrer").click()
    summary = page.locator("[data-error-summary]")  # the error summary, which takes the focus
    assert "Paul Partenaire a modifié ceci" in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    table = page.get_by_role("region", name="Ce qui a changé depuis que vous avez ouvert ce formulaire")
    assert "Un garant a été trouvé" in table.inner_text()
    assert page.get_by_label("Le besoin, avec les mots de la personne").input_value() == "Mes mots, tapés avec soin"
    assert Need.objects.get(pk=need.pk).own_words == "Un garant a été trouvé"
    axe_check(page)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    axe_check(page)
    screenshot(page, "stale-phone")

    page.get_by_role("button", name="Enregistrer").click()  # having seen theirs, save mine deliberately
    assert page.get_by_text("Le besoin a été enregistré.").is_visible()
    assert Need.objects.get(pk=need.pk).own_words == "Mes mots, tapés avec soin"


def test_a_double_click_saves_one_need(page, live_server, log_in, network):
    log_in(page, network.referent)
    page.goto(f"{live_server.url}/people/{network.person.public_id}/needs/new/")
    page.get_by_label("Domaine de vie").select_option(str(network.housing.pk))
    page.get_by_label("Le besoin, avec les mots de la personne").fill("Cliqué deux fois")
    page.get_by_role("button", name="Enregistrer").dblclick()
    page.wait_for_url(lambda url: url.endswith("#needs"))
    page.wait_for_load_state()
    assert Need.objects.filter(person=network.person, own_words="Cliqué deux fois").count() == 1
