"""Second-factor pages: enrol (authenticator app or passkey), pass the second step, manage one's factors and
recovery codes, and an admin's reset of a member's factors. The rules live in `maillage.accounts.mfa`."""

import django_otp
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp_webauthn import views as webauthn_views

from maillage.access.door import no_person_data
from maillage.accounts import mfa
from maillage.accounts.forms import SecondFactorForm, add_service_errors
from maillage.accounts.mfa import MfaState, mfa_step
from maillage.accounts.models import User
from maillage.accounts.permissions import can_reset_mfa

ENROL, VERIFY = MfaState.ENROL, MfaState.VERIFY


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url("core:home")


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _recovery_codes_page(request: HttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    download = "\n".join(["Maillage", request.user.email, "", *codes, ""])
    context = {"codes": codes, "download": download, "first": first, "next": _next_url(request)}
    return _no_store(render(request, "accounts/mfa_recovery_codes.html", context))


@no_person_data
@mfa_step(ENROL)
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (QR code and secret in text) or a passkey. The first factor of an account
    comes with its recovery codes, shown once."""
    user = request.user
    if not mfa.can_change_factors(user):
        raise PermissionDenied
    first = request.mfa_state is ENROL
    device = mfa.totp_device_pending(user)
    form = SecondFactorForm(request.POST or None, numeric=True)
    if request.method == "POST" and form.is_valid():
        try:
            device = mfa.totp_confirm(user, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            django_otp.login(request, device)
            request.session.cycle_key()
            if first or not mfa.recovery_codes_left(user):
                return _recovery_codes_page(request, mfa.recovery_codes_create(user), first=True)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect("accounts:mfa")
    context = {
        "form": form,
        "first": first,
        "qr_code": mfa.qr_code_svg(device.config_url, title=_("QR code to scan with your authenticator app")),
        "secret": mfa.totp_secret_text(device),
        "has_totp": mfa.totp_device_of(user) is not None,
        "next": _next_url(request),
    }
    return _no_store(render(request, "accounts/mfa_enrol.html", context))


@no_person_data
@mfa_step(VERIFY)
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of the login: a code from the app, a recovery code, or a passkey."""
    if request.mfa_state is not VERIFY:
        return redirect(_next_url(request))
    user = request.user
    form = SecondFactorForm(
        request.POST or None,
        help_text=_("Lost your phone? Enter one of your recovery codes (like abcd-efgh): each works once."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            device = mfa.second_factor_verify(user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            django_otp.login(request, device)
            request.session.cycle_key()
            if device.persistent_id.startswith("otp_static."):
                left = mfa.recovery_codes_left(user)
                messages.warning(
                    request,
                    _(
                        "You used a recovery code: %(left)s left. If you lost your phone, set up a new "
                        "authenticator app and create new recovery codes."
                    )
                    % {"left": left},
                )
                return redirect("accounts:mfa")
            return redirect(_next_url(request))
    context = {"form": form, "has_passkey": bool(mfa.passkeys_of(user)), "next": _next_url(request)}
    return render(request, "accounts/mfa_verify.html", context)


@no_person_data
@never_cache
@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    """One's second factors: the authenticator app, passkeys, how many recovery codes are left."""
    user = request.user
    context = {
        "totp": mfa.totp_device_of(user),
        "passkeys": mfa.passkeys_of(user),
        "codes_left": mfa.recovery_codes_left(user),
        "required": mfa.mfa_required_for(user),
    }
    return render(request, "accounts/mfa_security.html", context)


@no_person_data
@require_POST
def recovery_codes_create(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), shown on this response only."""
    if not mfa.can_change_factors(request.user):
        raise PermissionDenied
    return _recovery_codes_page(request, mfa.recovery_codes_create(request.user), first=False)


@no_person_data
@require_POST
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not mfa.can_change_factors(request.user):
        raise PermissionDenied
    passkey = get_object_or_404(mfa.WebAuthnCredential, pk=pk, user=request.user)
    try:
        mfa.passkey_remove(request.user, passkey=passkey)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The passkey is removed."))
    return redirect("accounts:mfa")


@no_person_data
@require_http_methods(["GET", "POST"])
def member_reset(request: HttpRequest, user_id) -> HttpResponse:
    """An organisation admin or platform staff removes a member's second factors, after confirming."""
    member = get_object_or_404(User, public_id=user_id)
    if not can_reset_mfa(request.actor, member):
        raise PermissionDenied
    if request.method == "POST":
        mfa.mfa_reset(request.actor, user=member)
        messages.success(
            request,
            _("The second factor of %(name)s is reset: they set up a new one at their next login.") % {"name": member},
        )
        return redirect("accounts:members" if request.actor.organisation else "core:home")
    return render(request, "accounts/mfa_member_reset.html", {"member": member})


# WebAuthn (django-otp-webauthn): its JSON endpoints, declared to the door and to the MFA gate. ------------------


@no_person_data
class BeginCredentialRegistrationView(webauthn_views.BeginCredentialRegistrationView):
    pass


@no_person_data
class CompleteCredentialRegistrationView(webauthn_views.CompleteCredentialRegistrationView):
    """The library's registration, audited."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            mfa.passkey_registered(self.request.user)
        return response


@no_person_data
class BeginCredentialAuthenticationView(webauthn_views.BeginCredentialAuthenticationView):
    pass


@no_person_data
class CompleteCredentialAuthenticationView(webauthn_views.CompleteCredentialAuthenticationView):
    pass


def webauthn_view(view_class, *states: MfaState):
    return mfa_step(*states)(view_class.as_view())
