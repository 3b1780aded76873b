"""Multi-factor authentication, on django-otp (TOTP, static recovery codes) and django-otp-webauthn (passkeys).

Who must pass a second factor: every professional, organisation admin, network coordinator and platform staff
account when `MFA_REQUIRED` is on (always in production). A person using their own space keeps the password
alone, unless they chose to enrol a factor: whoever has a factor must pass it.

A session moves through three states (`MfaState`): ENROL (the password was right, no factor yet: the person
must enrol one), VERIFY (a factor exists and this session has not passed it), OK. Until OK, `request.actor`
is anonymous and `MfaMiddleware` lets the session reach only the MFA pages: nothing is granted on the
password alone.

Recovery codes are django-otp static tokens: each works once and is deleted when used.
"""

import enum
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils import translation
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.helpers import WebAuthnHelper as LibraryWebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from maillage.accounts.actors import Actor
from maillage.accounts.enums import AccountEventKind, UserKind
from maillage.accounts.models import AccountEvent, User
from maillage.accounts.permissions import can_reset_mfa

RECOVERY_DEVICE_NAME = "recovery"
NO_FACTOR_SESSION_KEY = "maillage_mfa_none"
TOTP_DIGITS = 6


class MfaState(enum.StrEnum):
    OK = "ok"
    ENROL = "enrol"
    VERIFY = "verify"


def mfa_required_for(user: User) -> bool:
    """Professionals and platform staff need a second factor (when MFA_REQUIRED); a person's space does not."""
    return bool(settings.MFA_REQUIRED) and (user.is_staff or user.kind != UserKind.PERSON)


def mfa_state(user: AbstractBaseUser, session) -> MfaState:
    """Where this authenticated user's session stands; `user` is request.user, set by django-otp's middleware.

    A session that needs no factor remembers it, so that its pages do not look for devices on every request;
    a factor enrolled later elsewhere is asked for at the next login.
    """
    if user.is_verified():
        return MfaState.OK
    required = mfa_required_for(user)
    if not required and session.get(NO_FACTOR_SESSION_KEY):
        return MfaState.OK
    if user_has_device(user):
        return MfaState.VERIFY
    if required:
        return MfaState.ENROL
    session[NO_FACTOR_SESSION_KEY] = True
    return MfaState.OK


def can_change_factors(user: AbstractBaseUser) -> bool:
    """Adding or replacing a factor, or new recovery codes, needs a session that passed an existing factor
    (or an account without one): the password alone never changes the second factor."""
    return user.is_verified() or not user_has_device(user)


def mfa_step(*states: MfaState):
    """Mark a view as reachable by a session in these states (besides OK): the MFA pages themselves."""

    def mark(view):
        view.mfa_states = frozenset(states)
        return view

    return mark


# Reads ---------------------------------------------------------------------------------------------------------


def totp_device_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def passkeys_of(user: User) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at"))


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def has_primary_factor(user: User) -> bool:
    """A TOTP app or a passkey: recovery codes alone are not a factor one can keep using."""
    return totp_device_of(user) is not None or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def qr_code_svg(text: str, *, title: str) -> str:
    """The QR code as inline SVG, drawn here: no image service, nothing sent to a third party."""
    return segno.make(text, error="m").svg_inline(scale=5, border=2, title=title, dark="#1a1a1a", light="#fff")


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four, for an app that cannot read the QR code."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def recovery_code_text(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


# Writes --------------------------------------------------------------------------------------------------------


def _record(kind: AccountEventKind, *, actor_user: User | None, subject_user: User, organisation=None) -> None:
    AccountEvent.objects.create(kind=kind, actor=actor_user, subject_user=subject_user, organisation=organisation)


def totp_device_pending(user: User) -> TOTPDevice:
    """The TOTP device being set up (unconfirmed, so it counts for nothing until a code proves it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False, digits=TOTP_DIGITS)


def totp_confirm(user: User, *, device: TOTPDevice, code: str) -> TOTPDevice:
    """Confirm a new TOTP app with a code it shows; replaces a previous app."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    code = _normalise(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not (code.isdigit() and len(code) == TOTP_DIGITS and device.verify_token(code)):
            raise ValidationError({"code": _("This code is not right. Check the time on your phone and try again.")})
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _record(AccountEventKind.MFA_ENROLLED, actor_user=user, subject_user=user)
    return device


def recovery_codes_create(user: User) -> list[str]:
    """New single-use recovery codes; the previous ones stop working. Returned once, to be shown once."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _index in range(settings.MFA_RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        _record(AccountEventKind.MFA_RECOVERY_CODES_CREATED, actor_user=user, subject_user=user)
    return [recovery_code_text(code) for code in codes]


def second_factor_verify(user: User, *, code: str) -> Device:
    """Check a code from the TOTP app (six digits) or a recovery code (used up by this check).

    Each device throttles wrong codes itself (django-otp: the wait doubles after each failure).
    """
    code = _normalise(code)
    is_totp = code.isdigit() and len(code) == TOTP_DIGITS
    model = TOTPDevice if is_totp else StaticDevice
    with transaction.atomic():
        devices = list(model.objects.filter(user=user, confirmed=True).select_for_update())
        if devices and not any(device.verify_is_allowed()[0] for device in devices):
            raise ValidationError({"code": _("Too many wrong codes. Wait a minute, then try again.")})
        for device in devices:
            if device.verify_token(code):
                if not is_totp:
                    _record(AccountEventKind.MFA_RECOVERY_CODE_USED, actor_user=user, subject_user=user)
                return device
    if is_totp:
        raise ValidationError({"code": _("This code is not right. Check the time on your phone and try again.")})
    raise ValidationError({"code": _("This recovery code is not right, or it was already used.")})


def passkey_remove(user: User, *, passkey: WebAuthnCredential) -> None:
    """Remove one of one's passkeys, keeping at least one factor when one is required."""
    if passkey.user_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        others = WebAuthnCredential.objects.filter(user=user, confirmed=True).exclude(pk=passkey.pk).exists()
        if mfa_required_for(user) and not others and totp_device_of(user) is None:
            raise ValidationError(_("Add another passkey or an authenticator app before removing your last one."))
        passkey.delete()
        _record(AccountEventKind.MFA_FACTOR_REMOVED, actor_user=user, subject_user=user)


def passkey_registered(user: User) -> None:
    _record(AccountEventKind.MFA_ENROLLED, actor_user=user, subject_user=user)


def mfa_reset(actor: Actor, *, user: User) -> None:
    """An organisation admin (for a member of their organisation) or platform staff removes every second
    factor of `user`, e.g. after a lost phone without recovery codes. The member enrols again at their next
    request, and is told by e-mail. Audited."""
    if not can_reset_mfa(actor, user):
        raise PermissionDenied
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        WebAuthnCredential.objects.filter(user=user).delete()
        _record(AccountEventKind.MFA_RESET, actor_user=actor.user, subject_user=user, organisation=actor.organisation)
        language = user.preferred_language or translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: _enqueue_reset_email(user.pk, language))


def _enqueue_reset_email(user_id: int, language: str) -> None:
    from maillage.accounts.tasks import send_mfa_reset_email

    send_mfa_reset_email.enqueue(user_id, language)


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


# WebAuthn relying party ----------------------------------------------------------------------------------------


def webauthn_rp_id(request: HttpRequest) -> str:
    """The host the page was served from (Django checked it against ALLOWED_HOSTS), without the port."""
    domain, _port = split_domain_port(request.get_host())
    return domain


class WebAuthnHelper(LibraryWebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        return [f"{self.request.scheme}://{self.request.get_host()}"]
