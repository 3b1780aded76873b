"""Door rule 8 in Chromium: the referent proposes to end a partner's involvement, the partner objects with a
comment, and the disagreement stays on the file; the person adds and ends from their own space. Every page
passes axe, on a desktop and on a 375 px phone."""

import re

import pytest

from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory
from maillage.people.enums import EndProposalStatus, PersonAgreement
from maillage.people.models import Involvement, InvolvementEndProposal

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def switch_user(page, log_in, user) -> None:
    page.context.clear_cookies()
    log_in(page, user)


def test_referent_proposes_the_partner_objects(
    page, live_server, log_in, axe_check, screenshot, browser_errors, network
):
    browser_errors.allow("status of 422")  # the answer sent without its comment, on purpose
    file_url = f"{live_server.url}/people/{network.person.public_id}/"
    log_in(page, network.referent)
    page.goto(file_url)
    row = page.locator("#secondary tr", has_text="Centre de santé mentale")
    assert row.get_by_role("link", name=re.compile(r"^Mettre fin")).count() == 0  # not the referent's to end
    row.get_by_role("link", name="Proposer d'y mettre fin").click()
    page.wait_for_load_state()
    axe_check(page, "propose")
    page.locator("#id_detail").fill("Le suivi est terminé, Amélie dort mieux.")
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_load_state()
    assert page.locator("#secondary").get_by_text("Fin proposée par le référent").is_visible()
    assert Involvement.objects.get(pk=network.partner_involvement.pk).is_active  # nothing ends yet

    switch_user(page, log_in, network.partner)
    page.goto(file_url)
    banner = page.locator(".banner-proposal")
    assert "Le suivi est terminé" in banner.inner_text()
    axe_check(page, "file-with-proposal")
    banner.get_by_role("link", name="Répondre à la proposition").click()
    page.wait_for_load_state()
    axe_check(page, "answer")
    page.get_by_label("Nous ne sommes pas d'accord : notre intervention continue").check()
    page.get_by_role("button", name="Envoyer la réponse").click()
    page.wait_for_load_state()
    assert page.locator("#id_comment_error").is_visible()  # objecting needs a comment, and nothing was lost
    assert page.get_by_label("Nous ne sommes pas d'accord : notre intervention continue").is_checked()
    axe_check(page, "answer-errors")
    page.locator("#id_comment").fill("Le suivi du sommeil continue jusqu'en juin.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    page.wait_for_load_state()
    assert InvolvementEndProposal.objects.get().status == EndProposalStatus.OBJECTED

    switch_user(page, log_in, network.referent)
    page.goto(file_url)
    secondary = page.locator("#secondary")
    assert "Le suivi du sommeil continue jusqu'en juin." in secondary.inner_text()
    axe_check(page, "file-with-disagreement")
    page.set_viewport_size(PHONE)
    page.goto(file_url + "#secondary")
    axe_check(page, "file-phone")
    screenshot(page, "file-phone")


def test_the_person_adds_and_ends_from_their_own_space(
    page, live_server, log_in, axe_check, screenshot, browser_errors, network
):
    browser_errors.allow("status of 422")  # ending without confirming, on purpose
    network.person.user = UserFactory(kind=UserKind.PERSON, email="amelie.own@example.org")
    network.person.save(update_fields=["user"])
    page.set_viewport_size(PHONE)
    log_in(page, network.person.user)
    page.goto(f"{live_server.url}/people/me/")
    page.get_by_text("Ajouter une organisation à votre réseau").click()
    options = page.locator("#id_network-add-organisation option").all_inner_texts()
    assert network.stranger_org.name in options and network.partner_org.name not in options
    page.locator("#id_network-add-organisation").select_option(label=network.stranger_org.name)
    page.get_by_role("button", name="Ajouter cette organisation").click()
    page.wait_for_load_state()
    added = Involvement.objects.get(person=network.person, organisation=network.stranger_org)
    assert added.agreement == PersonAgreement.IN_OWN_SPACE
    axe_check(page, "space-added")

    page.get_by_text("Arrêter l'intervention d'une organisation").click()
    page.locator("#id_network-end-involvement").select_option(label=network.partner_org.name)
    page.get_by_role("button", name="Arrêter son intervention").click()
    page.wait_for_load_state()
    assert page.locator("#id_network-end-confirm_error").is_visible()  # confirm first
    assert Involvement.objects.get(pk=network.partner_involvement.pk).is_active
    axe_check(page, "space-confirm")
    screenshot(page, "space-confirm")
    page.get_by_label("J'ai compris : cette organisation ne verra plus mon dossier").check()
    page.get_by_role("button", name="Arrêter son intervention").click()
    page.wait_for_load_state()
    assert not Involvement.objects.get(pk=network.partner_involvement.pk).is_active
