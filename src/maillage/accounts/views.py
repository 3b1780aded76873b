"""Accounts pages: organisation switcher, members and invitations, organisation details, API tokens.

Views are thin: they resolve who acts (`request.actor`), call a selector or a service, render.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.access.door import no_person_data
from maillage.accounts import services
from maillage.accounts.actors import CURRENT_ORGANISATION_SESSION_KEY, actor_for
from maillage.accounts.enums import InvitationStatus, OrganisationStatus
from maillage.accounts.forms import (
    ApiTokenForm,
    InvitationForm,
    InvitationLoginForm,
    InvitationRegisterForm,
    OrganisationForm,
    OrganisationSwitchForm,
    add_service_errors,
)
from maillage.accounts.models import Invitation, Membership, User
from maillage.accounts.permissions import can_edit_organisation, can_manage_members
from maillage.accounts.selectors import api_tokens_of, invitation_for_token, invitations_pending_for, members_of
from maillage.core.confirm import confirmation

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


# Organisation switcher -----------------------------------------------------------------------------------------


@no_person_data
@require_POST
def organisation_switch(request: HttpRequest) -> HttpResponse:
    """Choose which of one's organisations one acts for; the choice lives in the session."""
    form = OrganisationSwitchForm(request.POST)
    membership = None
    if form.is_valid():
        membership = next(
            (m for m in request.actor.memberships if m.organisation.public_id == form.cleaned_data["organisation"]),
            None,
        )
    if membership is None:
        messages.error(request, _("You cannot act for this organisation."))
    else:
        request.session[CURRENT_ORGANISATION_SESSION_KEY] = membership.organisation_id
        messages.success(request, _("You now act for %(name)s.") % {"name": membership.organisation.name})
    target = form.cleaned_data.get("next") if form.is_valid() else ""
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "core:home"
    return redirect(target)


# Members and invitations ---------------------------------------------------------------------------------------


def _managed_organisation(request: HttpRequest):
    organisation = request.actor.organisation
    if not can_manage_members(request.actor, organisation):
        raise PermissionDenied
    return organisation


def _members_page(request: HttpRequest, form: InvitationForm, status: int = 200) -> HttpResponse:
    organisation = request.actor.organisation
    return render(
        request,
        "accounts/members.html",
        {
            "organisation": organisation,
            "memberships": members_of(organisation),
            "invitations": invitations_pending_for(organisation),
            "form": form,
            "invitation_valid_days": settings.INVITATION_VALID_DAYS,
        },
        status=status,
    )


@no_person_data
@require_GET
def members(request: HttpRequest) -> HttpResponse:
    _managed_organisation(request)
    return _members_page(request, InvitationForm(roles=services.invitable_roles(request.actor)))


@no_person_data
@require_POST
def invitation_create(request: HttpRequest) -> HttpResponse:
    organisation = _managed_organisation(request)
    form = InvitationForm(request.POST, roles=services.invitable_roles(request.actor))
    if form.is_valid():
        try:
            invitation = services.invitation_create(request.actor, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:members")
    return _members_page(request, form)


@no_person_data
@require_POST
def invitation_revoke(request: HttpRequest, public_id) -> HttpResponse:
    organisation = _managed_organisation(request)
    invitation = get_object_or_404(Invitation.objects.open(), organisation=organisation, public_id=public_id)
    services.invitation_revoke(request.actor, invitation=invitation)
    messages.success(request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email})
    return redirect("accounts:members")


def _membership(request: HttpRequest, user_id) -> Membership:
    organisation = _managed_organisation(request)
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"), organisation=organisation, user__public_id=user_id
    )


@no_person_data
@require_POST
def membership_deactivate(request: HttpRequest, user_id) -> HttpResponse:
    membership = _membership(request, user_id)
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot deactivate your own membership."))
        return redirect("accounts:members")
    if asked := confirmation(
        request,
        question=_("Deactivate %(name)s?") % {"name": membership.user},
        consequence=_("They lose access to the organisation at their next page. You can reactivate them later."),
        action=_("Deactivate"),
        cancel_url=reverse("accounts:members"),
    ):
        return asked
    services.membership_deactivate(request.actor, membership=membership)
    messages.success(request, _("%(name)s no longer has access.") % {"name": membership.user})
    return redirect("accounts:members")


@no_person_data
@require_POST
def membership_reactivate(request: HttpRequest, user_id) -> HttpResponse:
    membership = _membership(request, user_id)
    if membership.user_id == request.user.pk:
        raise PermissionDenied
    services.membership_reactivate(request.actor, membership=membership)
    messages.success(request, _("%(name)s has access again.") % {"name": membership.user})
    return redirect("accounts:members")


def _invitation_problem(request: HttpRequest, invitation: Invitation | None) -> HttpResponse | None:
    if invitation is None:
        reason, status = "unknown", 404
    elif invitation.organisation.status == OrganisationStatus.DEACTIVATED:
        reason, status = "organisation", 410
    else:
        reason = {
            InvitationStatus.ACCEPTED: "accepted",
            InvitationStatus.REVOKED: "revoked",
            InvitationStatus.EXPIRED: "expired",
        }.get(invitation.status)
        status = 410
    if reason is None:
        return None
    return render(request, "accounts/invitation_invalid.html", {"reason": reason}, status=status)


def _joined(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    request.session[CURRENT_ORGANISATION_SESSION_KEY] = invitation.organisation_id
    messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.organisation.name})
    return redirect("core:home")


@no_person_data
@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: a newcomer creates their account; a registered user joins after logging in."""
    invitation = invitation_for_token(token)
    if problem := _invitation_problem(request, invitation):
        return problem
    context = {"invitation": invitation, "organisation": invitation.organisation}
    user = request.user
    if user.is_authenticated and user.email.lower() != invitation.email.lower():
        return render(request, "accounts/invitation_other_account.html", context, status=403)

    existing = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    if user.is_authenticated:
        if request.method == "POST":
            try:
                services.invitation_accept(actor_for(user), invitation=invitation)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                return _joined(request, invitation)
        return render(request, "accounts/invitation_accept.html", {**context, "mode": "confirm", "form": None})

    if existing is not None:
        form = InvitationLoginForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            user = authenticate(request, username=invitation.email, password=form.cleaned_data["password"])
            if user is None:
                form.add_error("password", _("This password is not right."))
            else:
                try:
                    services.invitation_accept(actor_for(user), invitation=invitation)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    login(request, user)
                    return _joined(request, invitation)
        return render(request, "accounts/invitation_accept.html", {**context, "mode": "login", "form": form})

    form = InvitationRegisterForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_register(
                invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend=MODEL_BACKEND)
            return _joined(request, invitation)
    return render(request, "accounts/invitation_accept.html", {**context, "mode": "register", "form": form})


# Organisation details ------------------------------------------------------------------------------------------


@no_person_data
@require_GET
def organisation_detail(request: HttpRequest) -> HttpResponse:
    """The organisation one acts for, as partners see it; its admins get a link to edit it."""
    organisation = request.actor.organisation
    if organisation is None:
        raise Http404
    return render(
        request,
        "accounts/organisation_detail.html",
        {"organisation": organisation, "can_edit": can_edit_organisation(request.actor, organisation)},
    )


@no_person_data
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest) -> HttpResponse:
    organisation = request.actor.organisation
    if not can_edit_organisation(request.actor, organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST":
        if form.is_valid():
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                services.organisation_update(request.actor, organisation=organisation, data=changed)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The organisation's details are saved."))
                return redirect("accounts:organisation_detail")
        return render(request, "accounts/organisation_edit.html", {"form": form, "organisation": organisation})
    return render(request, "accounts/organisation_edit.html", {"form": form, "organisation": organisation})


# API tokens ----------------------------------------------------------------------------------------------------


def _tokens_page(request: HttpRequest, form: ApiTokenForm, *, secret: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": api_tokens_of(request.user), "form": form, "secret": secret, "now": timezone.now()},
        status=status,
    )


@no_person_data
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List, and create, one's personal access tokens. A new token's secret is shown on this response only."""
    if request.method == "GET":
        return _tokens_page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            _token, secret = services.api_token_create(
                request.actor,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(timezone.now()),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            response = _tokens_page(request, ApiTokenForm(), secret=secret, status=201)
            response["Cache-Control"] = "no-store"
            return response
    return _tokens_page(request, form)


@no_person_data
@require_POST
def token_revoke(request: HttpRequest, public_id) -> HttpResponse:
    token = get_object_or_404(api_tokens_of(request.user), public_id=public_id)
    if asked := confirmation(
        request,
        question=_("Revoke the token “%(name)s”?") % {"name": token.name},
        consequence=_("Programs that use it will be refused at once. This cannot be undone."),
        action=_("Revoke the token"),
        cancel_url=reverse("accounts:tokens"),
    ):
        return asked
    services.api_token_revoke(request.actor, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
