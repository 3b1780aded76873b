"""Multi-factor authentication end to end through the real login, with MFA_REQUIRED on (the test profile relaxes
it for the other tests). Codes are computed as an authenticator app would, from the device's secret."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from maillage.accounts import mfa
from maillage.accounts.actors import actor_for
from maillage.accounts.enums import AccountEventKind, UserKind
from maillage.accounts.models import AccountEvent
from maillage.accounts.tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    UserFactory,
    enrol_totp,
    totp_code,
)

pytestmark = pytest.mark.django_db

ENROL_URL = reverse("accounts:mfa_enrol")
VERIFY_URL = reverse("accounts:mfa_verify")
HOME_URL = reverse("core:home")


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.MFA_REQUIRED = True


def log_in(client, user, next_url: str = ""):
    data = {"username": user.email, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data, REMOTE_ADDR="10.0.0.9")


def codes_in(response) -> list[str]:
    return re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())


class TestEnrolment:
    def test_a_professional_without_a_factor_must_enrol_before_any_page(self, client, member):
        response = log_in(client, member.user)
        assert response.status_code == 302
        for url in (HOME_URL, reverse("accounts:members"), reverse("accounts:mfa"), reverse("directory:search")):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.url.startswith(ENROL_URL), url
        # Nothing is granted on the password alone: the API answers 401 and the actor is nobody.
        assert client.get("/api/v1/accounts/me").status_code == 401
        response = client.get(ENROL_URL)
        assert response.status_code == 200
        assert response.context["actor"].user is None
        assert response["Cache-Control"] == "no-store" or "no-store" in response["Cache-Control"]
        html = response.content.decode()
        assert "<svg" in html and "totp-secret" in html
        assert "Cancel and log out" in html or "Annuler et se déconnecter" in html

    def test_enrol_an_app_then_recovery_codes_are_shown_once(self, client, member):
        log_in(client, member.user)
        client.get(ENROL_URL)
        device = TOTPDevice.objects.get(user=member.user, confirmed=False)

        wrong = client.post(ENROL_URL, {"code": "000000" if totp_code(device) != "000000" else "111111"})
        assert wrong.status_code == 200
        assert wrong.context["form"].errors["code"]

        response = client.post(ENROL_URL, {"code": totp_code(device), "next": HOME_URL})
        assert response.status_code == 200
        codes = codes_in(response)
        assert len(codes) == 10 and len(set(codes)) == 10
        assert "no-store" in response["Cache-Control"]
        assert 'download="maillage-recovery-codes.txt"' in response.content.decode()
        device.refresh_from_db()
        assert device.confirmed
        assert client.get(HOME_URL).status_code == 200
        # Shown once: the security page gives the count, never the codes.
        page = client.get(reverse("accounts:mfa")).content.decode()
        assert codes[0] not in page and "10" in page
        kinds = set(AccountEvent.objects.filter(subject_user=member.user).values_list("kind", flat=True))
        assert {AccountEventKind.MFA_ENROLLED, AccountEventKind.MFA_RECOVERY_CODES_CREATED} <= kinds

    def test_the_passkey_script_speaks_french(self, client, member):
        log_in(client, member.user)
        catalog = client.get(reverse("otp_webauthn:js-i18n-catalog"), HTTP_ACCEPT_LANGUAGE="fr")
        assert catalog.status_code == 200
        assert "Enregistrement r\\u00e9ussi" in catalog.content.decode() or "Enregistrement réussi" in (
            catalog.content.decode()
        )

    def test_an_enrolled_user_cannot_add_a_factor_on_the_password_alone(self, client, member):
        enrol_totp(member.user)
        log_in(client, member.user)
        response = client.get(ENROL_URL)
        assert response.status_code == 302 and response.url.startswith(VERIFY_URL)
        begin = client.post(reverse("otp_webauthn:credential-registration-begin"))
        assert begin.status_code == 302 and begin.url.startswith(VERIFY_URL)


class TestSecondStep:
    def test_totp_login_end_to_end(self, client, member):
        device = enrol_totp(member.user)
        response = log_in(client, member.user, next_url=reverse("accounts:members"))
        assert response.status_code == 302
        response = client.get(response.url)
        assert response.status_code == 302 and response.url.startswith(VERIFY_URL)
        page = client.get(response.url)
        assert page.status_code == 200 and page.context["actor"].user is None

        bad = client.post(VERIFY_URL, {"code": "12345"})
        assert bad.context["form"].errors and client.get(HOME_URL).status_code == 302

        response = client.post(VERIFY_URL, {"code": totp_code(device), "next": HOME_URL})
        assert response.status_code == 302 and response.url == HOME_URL
        response = client.get(HOME_URL)
        assert response.status_code == 200
        assert response.context["actor"].user == member.user

    def test_a_totp_code_works_once(self, client, member):
        device = enrol_totp(member.user)
        code = totp_code(device)
        log_in(client, member.user)
        assert client.post(VERIFY_URL, {"code": code}).status_code == 302
        other = Client()
        log_in(other, member.user)
        assert other.post(VERIFY_URL, {"code": code}).context["form"].errors

    def test_wrong_codes_are_throttled(self, client, member):
        device = enrol_totp(member.user)
        log_in(client, member.user)
        wrong = "000000" if totp_code(device) != "000000" else "111111"
        client.post(VERIFY_URL, {"code": wrong})
        response = client.post(VERIFY_URL, {"code": totp_code(device)})
        assert response.context["form"].errors
        assert "Wait" in response.content.decode() or "Attendez" in response.content.decode()

    def test_lost_phone_recovery_code_logs_in_once(self, client, member):
        enrol_totp(member.user)
        codes = mfa.recovery_codes_create(member.user)
        log_in(client, member.user)
        response = client.post(VERIFY_URL, {"code": codes[0].upper()})
        assert response.status_code == 302 and response.url == reverse("accounts:mfa")
        assert client.get(HOME_URL).status_code == 200
        assert StaticToken.objects.filter(device__user=member.user).count() == 9
        assert AccountEvent.objects.filter(kind=AccountEventKind.MFA_RECOVERY_CODE_USED).count() == 1

        # The same code again, from another browser: refused.
        other = Client()
        log_in(other, member.user)
        response = other.post(VERIFY_URL, {"code": codes[0]})
        assert response.context["form"].errors
        assert other.get(HOME_URL).status_code == 302
        # Another code still works (a second later: each wrong code makes the next one wait).
        StaticDevice.objects.filter(user=member.user).update(throttling_failure_count=0)
        assert other.post(VERIFY_URL, {"code": codes[1].replace("-", "")}).status_code == 302

    def test_regenerated_codes_replace_the_old_ones(self, client, member):
        device = enrol_totp(member.user)
        old = mfa.recovery_codes_create(member.user)
        log_in(client, member.user)
        client.post(VERIFY_URL, {"code": totp_code(device)})
        response = client.post(reverse("accounts:mfa_recovery_codes"))
        new = codes_in(response)
        assert len(new) == 10 and not set(new) & set(old)
        other = Client()
        log_in(other, member.user)
        assert other.post(VERIFY_URL, {"code": old[0]}).context["form"].errors
        StaticDevice.objects.filter(user=member.user).update(throttling_failure_count=0)
        assert other.post(VERIFY_URL, {"code": new[0]}).status_code == 302

    def test_logout_is_offered_before_the_second_step(self, client, member):
        enrol_totp(member.user)
        log_in(client, member.user)
        assert client.post(reverse("accounts:logout")).status_code == 302
        response = client.get(VERIFY_URL)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


class TestChangingFactors:
    def test_a_session_on_the_password_alone_cannot_change_factors(self, client, settings):
        """A person (one factor allowed) whose session predates their enrolment elsewhere."""
        person = UserFactory(kind=UserKind.PERSON)
        log_in(client, person)
        assert client.get(HOME_URL).status_code == 200  # no factor yet: the password is enough
        device = enrol_totp(person)  # enrolled from another browser
        codes = mfa.recovery_codes_create(person)
        assert client.get(ENROL_URL).status_code == 403
        assert client.post(reverse("accounts:mfa_recovery_codes")).status_code == 403
        assert StaticToken.objects.filter(device__user=person, token=codes[0].replace("-", "")).exists()
        assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()


class TestWhoMustEnrol:
    def test_a_person_keeps_a_single_factor(self, client):
        person = UserFactory(kind=UserKind.PERSON)
        log_in(client, person)
        response = client.get(reverse("accounts:mfa"))
        assert response.status_code == 200

    def test_platform_staff_must_enrol(self, client):
        staff = UserFactory(is_staff=True)
        log_in(client, staff)
        response = client.get(HOME_URL)
        assert response.status_code == 302 and response.url.startswith(ENROL_URL)

    @pytest.mark.parametrize("trait", ["admin", "coordinator"])
    def test_admins_and_coordinators_must_enrol(self, client, trait):
        membership = MembershipFactory(**{trait: True})
        log_in(client, membership.user)
        assert client.get(HOME_URL).url.startswith(ENROL_URL)

    def test_relaxed_setting_lets_a_professional_in_with_the_password(self, client, member, settings):
        settings.MFA_REQUIRED = False
        log_in(client, member.user)
        assert client.get(HOME_URL).status_code == 200

    def test_whoever_enrolled_passes_the_second_step_even_when_relaxed(self, client, member, settings):
        settings.MFA_REQUIRED = False
        enrol_totp(member.user)
        log_in(client, member.user)
        assert client.get(HOME_URL).url.startswith(VERIFY_URL)

    def test_required_by_default_relaxed_in_development(self, monkeypatch):
        import importlib

        monkeypatch.setenv("SECRET_KEY", "x" * 50)
        monkeypatch.delenv("MFA_REQUIRED", raising=False)
        assert importlib.reload(importlib.import_module("config.settings.base")).MFA_REQUIRED is True
        assert importlib.reload(importlib.import_module("config.settings.dev")).MFA_REQUIRED is False
        monkeypatch.setenv("MFA_REQUIRED", "true")
        assert importlib.reload(importlib.import_module("config.settings.dev")).MFA_REQUIRED is True

    def test_production_requires_it(self, monkeypatch):
        import importlib

        monkeypatch.setenv("SECRET_KEY", "x" * 50)
        monkeypatch.setenv("DATABASE_URL", "postgres://maillage@127.0.0.1:5432/maillage")
        monkeypatch.setenv("ALLOWED_HOSTS", "maillage.example.org")
        monkeypatch.setenv("MFA_REQUIRED", "false")
        monkeypatch.setenv("AUDIT_HMAC_KEYS", "prod-test:" + "k" * 43)  # required by prod
        assert importlib.import_module("config.settings.prod").MFA_REQUIRED is True


class TestReset:
    def test_admin_resets_a_member_audited_and_emailed(self, client, member, django_capture_on_commit_callbacks):
        admin = MembershipFactory(admin=True, organisation=member.organisation)
        enrol_totp(admin.user)
        device = enrol_totp(member.user)
        mfa.recovery_codes_create(member.user)
        client.force_login(admin.user)
        mfa_client_verify(client, admin.user)
        url = reverse("accounts:member_mfa_reset", kwargs={"user_id": member.user.public_id})
        assert (
            reverse("accounts:member_mfa_reset", kwargs={"user_id": member.user.public_id})
            in client.get(reverse("accounts:members")).content.decode()
        )
        confirm = client.get(url)
        assert confirm.status_code == 200 and member.user.email in confirm.content.decode()
        assert TOTPDevice.objects.filter(pk=device.pk).exists()  # the GET only asks

        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url)
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=member.user).exists()
        assert not StaticToken.objects.filter(device__user=member.user).exists()
        event = AccountEvent.objects.get(kind=AccountEventKind.MFA_RESET)
        assert (event.actor, event.subject_user, event.organisation) == (
            admin.user,
            member.user,
            member.organisation,
        )
        assert [message.to for message in mail.outbox] == [[member.user.email]]

        # The member enrols again at the next login.
        member_client = Client()
        log_in(member_client, member.user)
        assert member_client.get(HOME_URL).url.startswith(ENROL_URL)

    def test_who_may_reset(self, member):
        other_org_admin = MembershipFactory(admin=True)
        colleague = MembershipFactory(organisation=member.organisation)
        staff = UserFactory(is_staff=True)
        admin = MembershipFactory(admin=True, organisation=member.organisation)
        enrol_totp(member.user)
        with pytest.raises(mfa.PermissionDenied):
            mfa.mfa_reset(actor_for(other_org_admin.user), user=member.user)
        with pytest.raises(mfa.PermissionDenied):
            mfa.mfa_reset(actor_for(colleague.user), user=member.user)
        with pytest.raises(mfa.PermissionDenied):
            mfa.mfa_reset(actor_for(admin.user), user=staff)
        with pytest.raises(mfa.PermissionDenied):
            mfa.mfa_reset(actor_for(admin.user), user=admin.user)
        mfa.mfa_reset(actor_for(staff), user=member.user)
        assert not TOTPDevice.objects.filter(user=member.user).exists()
        assert AccountEvent.objects.filter(kind=AccountEventKind.MFA_RESET, actor=staff).count() == 1

    def test_platform_staff_reach_the_reset_from_the_admin(self, client, member):
        staff = UserFactory(is_staff=True, is_superuser=True)
        enrol_totp(staff)
        enrol_totp(member.user)
        client.force_login(staff)
        assert client.get(reverse("admin:index")).url.startswith(VERIFY_URL)  # the admin too waits for it
        mfa_client_verify(client, staff)
        page = client.get(reverse("admin:accounts_user_change", args=[member.user.pk]))
        url = reverse("accounts:member_mfa_reset", kwargs={"user_id": member.user.public_id})
        assert url in page.content.decode()
        assert client.post(url).status_code == 302
        assert not TOTPDevice.objects.filter(user=member.user).exists()
        assert AccountEvent.objects.get(kind=AccountEventKind.MFA_RESET).actor == staff

    def test_a_stranger_admin_is_refused(self, client, member):
        stranger = MembershipFactory(admin=True)
        enrol_totp(stranger.user)
        client.force_login(stranger.user)
        mfa_client_verify(client, stranger.user)
        url = reverse("accounts:member_mfa_reset", kwargs={"user_id": member.user.public_id})
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
        assert not AccountEvent.objects.filter(kind=AccountEventKind.MFA_RESET).exists()


class TestPasskeys:
    def test_the_last_passkey_stays_when_it_is_the_only_factor(self, member):
        passkey = WebAuthnCredential.objects.create(
            user=member.user, confirmed=True, credential_id=b"x", public_key=b"y", sign_count=0
        )
        with pytest.raises(mfa.ValidationError):
            mfa.passkey_remove(member.user, passkey=passkey)
        enrol_totp(member.user)
        mfa.passkey_remove(member.user, passkey=passkey)
        assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def mfa_client_verify(client, user) -> None:
    """Pass the second step for a client logged in with force_login, through the verify page."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    response = client.post(VERIFY_URL, {"code": totp_code(device)})
    assert response.status_code == 302, response
