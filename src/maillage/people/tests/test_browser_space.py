"""The person's own space in Chromium on a 375 px phone: logged in with their username and PIN, the ecomap
keeps readable labels in a frame that fits the screen, the language switch changes the space, and the person
writes to their referent. axe on each page."""

import pytest

from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory
from maillage.people.models import SpaceMessage

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
PIN = "274913"


def test_the_space_on_a_phone(page, live_server, axe_check, screenshot, network):
    user = UserFactory(kind=UserKind.PERSON, email="personne-abc123@maillage.invalid", username="amelie75")
    user.set_password(PIN)
    user.save()
    network.person.user = user
    network.person.save(update_fields=["user"])

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Adresse e-mail ou nom d'utilisateur").fill("Amelie75")
    page.get_by_label("Mot de passe").fill(PIN)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server.url}/people/me/")
    assert page.get_by_role("heading", name="Votre réseau").is_visible()
    frame = page.locator("figure.ecomap-figure").bounding_box()
    assert frame is not None and frame["x"] >= 0 and frame["x"] + frame["width"] <= PHONE["width"]
    # The picture keeps readable labels and scrolls sideways in its own frame, not the page.
    label_height = page.evaluate("document.querySelector('figure.ecomap-figure svg text').getBBox().height")
    label_on_screen = page.evaluate(
        "(() => { const t = document.querySelector('figure.ecomap-figure svg text');"
        " return t.getBoundingClientRect().height; })()"
    )
    assert label_height > 0 and label_on_screen >= 11
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing cropped or sideways
    axe_check(page, "space-phone-fr")
    screenshot(page, "space-phone-fr")

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="Your network").is_visible()
    page.locator("#id_body").fill("Can you call me back on Thursday?")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my message").click()
    assert page.get_by_text("Your message was sent to your referent.").is_visible()
    assert SpaceMessage.objects.get().body == "Can you call me back on Thursday?"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(page, "space-phone-en")
    screenshot(page, "space-phone-en")
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_activation_with_a_username_and_a_pin_on_a_phone(
    page, live_server, axe_check, screenshot, browser_errors, network
):
    from maillage.people import invitations

    browser_errors.allow("status of 422")  # the PIN too easy to guess, on purpose

    user = UserFactory(kind=UserKind.PERSON, email="personne-xyz789@maillage.invalid")
    user.set_unusable_password()
    user.save()
    network.person.user = user
    network.person.save(update_fields=["user"])

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/people/me/activate/")
    page.locator("#id_code").fill(invitations.printed_code(user))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.get_by_label("Choisissez un nom d'utilisateur").fill("amelie75")
    page.get_by_label("Choisissez un mot de passe ou un code PIN").fill("123456")
    page.get_by_label("Tapez-le encore une fois").fill("123456")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("#id_new_password2_error").is_visible()  # too easy a PIN, said next to the field
    assert page.get_by_label("Choisissez un nom d'utilisateur").input_value() == "amelie75"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(page, "activation-errors")
    screenshot(page, "activation-errors")
    page.get_by_label("Choisissez un mot de passe ou un code PIN").fill(PIN)
    page.get_by_label("Tapez-le encore une fois").fill(PIN)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.get_by_text("Vous vous connectez avec : amelie75").is_visible()
