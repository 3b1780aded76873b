"""Finding a person outside one's network in Chromium, on a 375 px phone: the check says a file exists, the
professional asks to join, the referent accepts with the person's agreement, and the requester opens the file.
Every page passes axe."""

import pytest

from maillage.directory.tests.factories import TerritoryFactory
from maillage.people.enums import JoinRequestStatus
from maillage.people.models import JoinRequest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def test_check_ask_to_join_and_accept(page, live_server, log_in, axe_check, screenshot, network):
    network.person.commune = TerritoryFactory(name="Namur")
    network.person.save(update_fields=["commune"])
    page.set_viewport_size(PHONE)
    log_in(page, network.stranger)
    page.goto(f"{live_server.url}/people/")
    page.get_by_role("link", name="Un dossier existe-t-il pour cette personne ?").click()
    page.wait_for_load_state()
    axe_check(page, "check")
    page.locator("#id_first_name").fill("amelie")
    page.locator("#id_last_name").fill("Fontaine")
    page.locator("#id_birth_date").fill("1980-05-17")
    page.locator("#id_commune").fill("namur")
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_load_state()
    assert page.get_by_text("Un dossier existe.").is_visible()
    assert (
        page.get_by_text("Fontaine").count() == 0 or not page.locator("section.answer").get_by_text("Fontaine").count()
    )
    axe_check(page, "answer")
    screenshot(page, "answer-phone")
    page.get_by_role("link", name="Demander à rejoindre le réseau").click()
    page.wait_for_load_state()
    axe_check(page, "ask")
    page.locator("#id_reason").fill("La personne souhaite un accompagnement budgétaire.")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_load_state()
    assert JoinRequest.objects.get().status == JoinRequestStatus.PENDING

    page.context.clear_cookies()
    log_in(page, network.referent)
    page.goto(f"{live_server.url}/people/{network.person.public_id}/")
    page.get_by_role("link", name="Lire et répondre").click()
    page.wait_for_load_state()
    axe_check(page, "answer-request")
    screenshot(page, "referent-phone")
    page.get_by_label("La personne est d'accord : l'organisation rejoint le réseau").check()
    page.locator("#id_agreement").select_option("ORALLY")
    page.get_by_role("button", name="Enregistrer la réponse").click()
    page.wait_for_load_state()
    assert JoinRequest.objects.get().status == JoinRequestStatus.ACCEPTED

    page.context.clear_cookies()
    log_in(page, network.stranger)
    response = page.goto(f"{live_server.url}/people/{network.person.public_id}/")
    assert response.status == 200
