"""Multi-factor authentication in Chromium, with MFA_REQUIRED on: a professional enrols an authenticator app
from the QR code page's secret, keeps their recovery codes, passes the second step at the next login; a
passkey is registered and used through Chromium's virtual authenticator (DevTools protocol, no real device).
Pages pass axe and are screenshotted on a 375 px phone."""

import base64
import re

import pytest
from django_otp.oath import TOTP
from django_otp_webauthn.models import WebAuthnCredential

from maillage.accounts.models import AccountEvent
from maillage.accounts.tests.factories import TEST_PASSWORD, MembershipFactory, enrol_totp

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}
CONTINUE = re.compile("Continuer|Continue")


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.MFA_REQUIRED = True


@pytest.fixture
def professional():
    return MembershipFactory(user__first_name="Léa").user


def submit_password(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def code_from_secret(secret_text: str, *, later: bool = False) -> str:
    """What an authenticator app shows for the key typed from the page (`later`: the next period's code)."""
    secret = secret_text.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    if later:
        totp.time += totp.step
    return f"{totp.token():06d}"


def log_out(page) -> None:
    with page.expect_navigation():
        page.locator("form.logout button, form.mfa-logout button").first.click()


def test_mfa_is_required_for_a_professional_login(page, live_server, axe_check, screenshot, professional):
    submit_password(page, live_server, professional)
    # The password alone leads to the enrolment, whatever page is asked for.
    assert "/accounts/mfa/enrol/" in page.url
    page.goto(live_server.url + "/accounts/tokens/")
    assert "/accounts/mfa/enrol/" in page.url
    assert page.locator("form.logout").count() == 0  # not logged in for the header: no account tools
    assert page.locator(".qr-code svg").is_visible()
    axe_check(page, "enrol")
    page.set_viewport_size(PHONE)
    screenshot(page, "enrol-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    secret = page.locator("#totp-secret").inner_text()
    page.locator("#id_code").fill("000000" if code_from_secret(secret) != "000000" else "111111")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Confirmer l'application|Confirm the app")).click()
    assert page.locator(".field-error").is_visible()
    axe_check(page, "enrol-error")

    page.locator("#id_code").fill(code_from_secret(secret))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Confirmer l'application|Confirm the app")).click()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert page.get_by_role("button", name=re.compile("Imprimer|Print")).is_visible()
    assert page.get_by_role("link", name=re.compile("Télécharger|Download")).get_attribute("download")
    axe_check(page, "recovery-codes")
    screenshot(page, "recovery-codes-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("continuer|continue")).click()
    assert page.url == live_server.url + "/accounts/tokens/"  # where the professional was going

    # Next login: the password, then the code of the app.
    log_out(page)
    submit_password(page, live_server, professional)
    assert "/accounts/mfa/verify/" in page.url
    axe_check(page, "verify")
    screenshot(page, "verify-phone")
    page.locator("#id_code").fill(code_from_secret(secret, later=True))
    with page.expect_navigation():
        page.get_by_role("button", name=CONTINUE).click()
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("form.logout").is_visible()

    # The phone is lost: a recovery code, once.
    log_out(page)
    submit_password(page, live_server, professional)
    page.locator("#id_code").fill(codes[0])
    with page.expect_navigation():
        page.get_by_role("button", name=CONTINUE).click()
    assert "/accounts/mfa/" in page.url and "verify" not in page.url
    assert page.locator(".message-warning").is_visible()
    axe_check(page, "security")
    screenshot(page, "security-phone")
    log_out(page)
    submit_password(page, live_server, professional)
    page.locator("#id_code").fill(codes[0])
    with page.expect_navigation():
        page.get_by_role("button", name=CONTINUE).click()
    assert "/accounts/mfa/verify/" in page.url and page.locator(".field-error").is_visible()


def test_log_in_fixture_passes_the_second_step(page, live_server, log_in, professional):
    enrol_totp(professional)
    log_in(page, professional)
    page.goto(live_server.url + "/accounts/tokens/")
    assert page.url == live_server.url + "/accounts/tokens/"


def virtual_authenticator(page) -> None:
    """Chromium's virtual platform authenticator, which says yes to every request (user verified)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_passkey_is_registered_then_used_as_the_second_factor(page, live_server, axe_check, professional):
    virtual_authenticator(page)
    submit_password(page, live_server, professional)
    assert "/accounts/mfa/enrol/" in page.url
    button = page.locator("#passkey-register-button")
    button.click()
    page.wait_for_url(re.compile(r"/accounts/mfa/$"))
    assert WebAuthnCredential.objects.filter(user=professional, confirmed=True).count() == 1
    assert AccountEvent.objects.filter(subject_user=professional, kind="MFA_ENROLLED").exists()
    # No recovery code yet: the security page asks for them.
    assert page.locator(".message-warning").is_visible()
    axe_check(page, "security-passkey")

    log_out(page)
    submit_password(page, live_server, professional)
    assert "/accounts/mfa/verify/" in page.url
    axe_check(page, "verify-passkey")
    page.locator("#passkey-verification-button").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("form.logout").is_visible()


def test_admin_resets_a_members_second_factor(page, live_server, log_in, axe_check, screenshot, professional):
    admin = MembershipFactory(admin=True, organisation=professional.memberships.get().organisation).user
    enrol_totp(admin)
    enrol_totp(professional)
    log_in(page, admin)
    page.goto(live_server.url + "/accounts/members/")
    with page.expect_navigation():
        page.get_by_role(
            "link", name=re.compile(f"(Réinitialiser le second facteur|Reset the second factor).*{professional.email}")
        ).click()
    assert professional.email in page.locator("main").inner_text()
    axe_check(page, "reset-confirm")
    page.set_viewport_size(PHONE)
    screenshot(page, "reset-confirm-phone")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Réinitialiser le second facteur|Reset the second factor")).click()
    assert "/accounts/members/" in page.url
    assert page.locator(".message-success").is_visible()
    event = AccountEvent.objects.get(kind="MFA_RESET")
    assert (event.actor, event.subject_user) == (admin, professional)
    assert not professional.totpdevice_set.exists()
