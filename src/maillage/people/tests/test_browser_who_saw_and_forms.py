"""In Chromium at 375 px: the person reads "who saw my file" grouped (axe clean), and a failed form moves
focus to its error summary, whose links lead to the fields (axe clean). Screenshots in test-artifacts/."""

import pytest
from django.test import Client
from django.urls import reverse

from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.browser

PHONE_375 = {"width": 375, "height": 812}


def test_the_person_reads_who_saw_my_file_on_a_phone(page, live_server, log_in, axe_check, screenshot, network):
    network.person.user = UserFactory(kind=UserKind.PERSON, email="amelie.own@example.org")
    network.person.save(update_fields=["user"])
    partner = Client()
    partner.force_login(network.partner)
    detail = reverse("people:person_detail", kwargs={"public_id": network.person.public_id})
    assert partner.get(detail).status_code == 200 and partner.get(detail).status_code == 200
    page.set_viewport_size(PHONE_375)
    log_in(page, network.person.user)
    page.goto(live_server.url + reverse("access:who_saw", kwargs={"public_id": network.person.public_id}))
    lines = page.locator(".who-saw-line")
    # The partner's two visits (several categories each) make one line; the person's own visit is apart.
    assert lines.count() == 2
    assert lines.first.inner_text().startswith("Centre de santé mentale a consulté votre dossier le ")
    assert lines.last.inner_text().startswith("Vous avez consulté votre dossier le ")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(page)
    screenshot(page, "who-saw")
    page.get_by_role("link", name="Version imprimable").click()
    page.wait_for_url("**/who-saw/print/")
    assert page.locator(".who-saw-line").filter(has_text="Centre de santé mentale").count() == 1
    axe_check(page)


def test_a_failed_form_focuses_its_error_summary_on_a_phone(
    page, live_server, log_in, axe_check, screenshot, network, browser_errors
):
    browser_errors.allow("status of 422")  # the failed submit answers 422 on purpose
    page.set_viewport_size(PHONE_375)
    log_in(page, network.referent)
    page.goto(live_server.url + reverse("consent:consent_create", kwargs={"public_id": network.person.public_id}))
    page.locator("#id_purpose").fill("")
    page.locator("form button[type=submit]").last.click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(page)
    screenshot(page, "error-summary")
    summary.get_by_role("link").filter(has_text="Finalité").click()
    assert page.evaluate("document.activeElement.id") == "id_purpose"
