"""The person's own space: invitation by the referent, activation, and the pages the person sees.

The person sees, in plain words and in their language, their networks and ecomap, their needs, who
saw their file and their consents, and can grant, revoke or object themselves, add an organisation to
their network or end one's involvement (door rule 8d; their referent is told by e-mail after the change
is committed). Everything goes through the door as the person
themselves (`Reason.SELF`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.access.door import no_person_data, open_file, person_data, person_for, persons_visible_to
from maillage.access.enums import Action, Category
from maillage.accounts.models import Organisation, User
from maillage.consent import selectors as consent_selectors
from maillage.consent import services as consent_services
from maillage.consent.enums import HowGiven, LegalBasis
from maillage.consent.forms import ConfirmsOpeningNothing
from maillage.core.forms import GuardedForm, refusal_text, save_once
from maillage.core.versioning import StaleWrite
from maillage.people import ecomap, invitations, purposes, services, writes
from maillage.people.enums import InvolvementEndReason, InvolvementRole
from maillage.people.forms import InviteForm, SpaceAddForm, SpaceEndForm, SpaceMessageForm
from maillage.people.notifications import send_space_invitation
from maillage.people.presenters import PersonPage, person_page
from maillage.people.selectors import addable_organisations, space_messages_of
from maillage.people.team import team_of

if TYPE_CHECKING:
    from maillage.people.models import Person  # noqa: TID251 -- annotations only: the door hands out the instances

SESSION_KEY = "maillage_space_activation"


# --- the referent invites ------------------------------------------------------------------------------------


@person_data(categories=[Category.IDENTITY], action=Action.SHARE)
@require_http_methods(["GET", "POST"])
def space_invite(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The referent invites the person: by e-mail, or with a one-time code on a sheet to print."""
    actor = request.actor
    person = person_for(
        actor, public_id, action=Action.SHARE, category=Category.IDENTITY, purpose=purposes.SPACE_INVITE
    )
    page = person_page(actor, person)
    if not page.is_referent:
        raise Http404
    form = InviteForm(request.POST or None, initial={"method": "email" if person.email else "code"})
    if request.method == "POST" and form.is_valid():
        method = form.cleaned_data["method"]
        if method == InviteForm.METHOD_EMAIL and not person.email:
            form.add_error("method", _("No e-mail address is recorded for the person: print a code instead."))
        else:
            user = writes.space_invite(actor, person=person)
            if method == InviteForm.METHOD_EMAIL and not invitations.needs_username(user):
                user_id = user.pk
                transaction.on_commit(lambda: send_space_invitation.enqueue(user_id=user_id))
                messages.success(request, _("The invitation was sent by e-mail. The link works once."))
                return redirect("people:person_detail", public_id=person.public_id)
            context = {
                "person": person,
                "code": invitations.printed_code(user),
                "login": "" if invitations.needs_username(user) else invitations.login_of(user),
                "activate_url": request.build_absolute_uri(reverse("people:space_code")),
                "days": invitations.invitation_days(),
                "language": person.preferred_language,
            }
            return render(request, "people/space_invite_sheet.html", context)
    return render(
        request, "people/space_invite.html", {"person": person, "form": form}, status=422 if form.errors else 200
    )


# --- activation ----------------------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("The code on your sheet"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if invitations.user_for_code(code) is None:
            raise forms.ValidationError(
                gettext_lazy(
                    "This code does not work: it may be mistyped, already used or too old. Ask your referent."
                )
            )
        return code


@no_person_data
@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
def space_code(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = {"code": invitations.normalise_code(form.cleaned_data["code"])}
        return redirect("people:space_password")
    return render(request, "people/space_code.html", {"form": form}, status=422 if form.errors else 200)


@no_person_data
@login_not_required
@require_GET
@never_cache
def space_activate(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mail link: keep the token in the session and leave the URL that carries it."""
    if invitations.user_for_link_token(token) is None:
        return render(request, "people/space_link_invalid.html", status=404)
    request.session[SESSION_KEY] = {"token": token}
    return redirect("people:space_password")


def _activation_user(request: HttpRequest) -> User | None:
    pending = request.session.get(SESSION_KEY) or {}
    if "token" in pending:
        return invitations.user_for_link_token(pending["token"])
    if "code" in pending:
        return invitations.user_for_code(pending["code"])
    return None


USERNAME_SHAPE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,29}$")
PIN_LENGTH = 6


class ActivationForm(forms.Form):
    """The person's login for their own space: their own e-mail address, or a short username they choose here;
    and a password, or a PIN of at least six digits that they can remember.

    A PIN is weaker than a password: login throttling (django-axes) counts failures per username, which keeps
    guessing one out of reach, and the space shows only the person's own file, read as themselves.
    """

    username = forms.CharField(
        label=gettext_lazy("Choose a username"),
        max_length=30,
        help_text=gettext_lazy("3 to 30 letters or digits, without spaces: for example your first name and a number."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )
    new_password1 = forms.CharField(
        label=gettext_lazy("Choose a password or a PIN"),
        strip=False,
        help_text=gettext_lazy("A PIN: at least 6 digits, not 123456 nor the same digit. A password: 10 characters."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=gettext_lazy("Type it again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not invitations.needs_username(user):
            del self.fields["username"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip().lower()
        if not USERNAME_SHAPE.match(username):
            raise forms.ValidationError(
                _("Use 3 to 30 letters without accents, digits, dots or dashes, starting with a letter or a digit.")
            )
        if User.objects.filter(username__iexact=username).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(_("This username is taken: add a digit or choose another one."))
        return username

    def clean_new_password2(self) -> str:
        first, second = self.cleaned_data.get("new_password1"), self.cleaned_data["new_password2"]
        if first and first != second:
            raise forms.ValidationError(_("The two entries differ: type the same one twice."))
        if second.isdigit():
            if len(second) < PIN_LENGTH or len(set(second)) == 1 or second in "01234567890" or second in "9876543210":
                raise forms.ValidationError(
                    _("This PIN is too easy to guess: use at least 6 digits, not a row like 123456 or 111111.")
                )
        else:
            password_validation.validate_password(second, self.user)
        return second

    def save(self) -> User:
        if "username" in self.fields:
            self.user.username = self.cleaned_data["username"]
        self.user.set_password(self.cleaned_data["new_password1"])
        self.user.save(update_fields=["username", "password"])
        return self.user


@no_person_data
@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
def space_password(request: HttpRequest) -> HttpResponse:
    """Choose a password; this uses up the link or the code, and logs the person in."""
    user = _activation_user(request)
    if user is None:
        return render(request, "people/space_link_invalid.html", status=404)
    form = ActivationForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        request.session.pop(SESSION_KEY, None)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        translation.activate(user.preferred_language)
        messages.success(
            request, _("Welcome to your own space. You log in with: %(login)s") % {"login": invitations.login_of(user)}
        )
        return redirect("people:space_home")
    context = {"form": form, "login": "" if invitations.needs_username(user) else invitations.login_of(user)}
    return render(request, "people/space_password.html", context, status=422 if form.errors else 200)


# --- the person's pages --------------------------------------------------------------------------------------


def _own_public_id(request: HttpRequest) -> UUID:
    actor = request.actor
    if not actor.is_person:
        raise Http404
    own = persons_visible_to(actor).filter(user=actor.user).values_list("public_id", flat=True).first()
    if own is None:
        raise Http404
    return own


def _own_person(request: HttpRequest, purpose: str) -> Person:
    return person_for(
        request.actor, _own_public_id(request), action=Action.VIEW, category=Category.IDENTITY, purpose=purpose
    )


def _organisation_choices(page: PersonPage, first: tuple[str, str]) -> list[tuple[str, str]]:
    """`first`, then each organisation of the person's network once, by public id."""
    choices = [first]
    seen: set[int] = set()
    for involvement in page.active_involvements:
        if involvement.organisation_id not in seen:
            seen.add(involvement.organisation_id)
            choices.append((str(involvement.organisation.public_id), involvement.organisation.name))
    return choices


class GrantForm(ConfirmsOpeningNothing, GuardedForm):
    recipient = forms.ChoiceField(label=gettext_lazy("With whom"))
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("What"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    without_identity = forms.BooleanField(
        label=gettext_lazy("Agree to it without my identity all the same"), required=False, widget=forms.HiddenInput
    )
    purpose = forms.CharField(
        label=gettext_lazy("What for, in your words"),
        max_length=255,
        initial=gettext_lazy("To help me with my project"),
    )
    opens_nothing_message = gettext_lazy(
        "Without “Identity and contact”, they cannot open your file: what you chose would show them nothing. "
        "Add “Identity and contact”, or tick the box below to agree all the same."
    )

    def __init__(self, *args: Any, page: PersonPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everyone = ("team", _("All the organisations that support me"))
        self.fields["recipient"].choices = _organisation_choices(page, everyone)


class ObjectForm(GuardedForm):
    category = forms.ChoiceField(label=gettext_lazy("What you do not want shared"), choices=Category.choices)
    organisation = forms.ChoiceField(label=gettext_lazy("With whom"))
    note = forms.CharField(label=gettext_lazy("Why"), required=False, max_length=500)

    def __init__(self, *args: Any, page: PersonPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = _organisation_choices(page, ("all", _("No organisation at all")))


def _space_context(request: HttpRequest, page: PersonPage, **forms_: Any) -> dict[str, Any]:
    picture = page.ecomap()
    return {
        "page": page,
        "person": page.person,
        "ecomap_svg": ecomap.render_svg(picture, id_prefix="ecomap"),
        "ecomap_rows": ecomap.table_rows(picture),
        "grant_form": forms_.get("grant_form") or GrantForm(page=page),
        "object_form": forms_.get("object_form") or ObjectForm(page=page),
        "add_form": forms_.get("add_form") or SpaceAddForm(organisations=addable_organisations(page.person)),
        "end_form": forms_.get("end_form") or SpaceEndForm(involvements=page.active_involvements),
        "message_form": forms_.get("message_form") or SpaceMessageForm(),
        "messages_sent": space_messages_of(page.person),
        "team": team_of(page),
    }


def _space_page(request: HttpRequest, page: PersonPage, *, status: int = 200, **forms_: Any) -> HttpResponse:
    """The person's page, with the forms given (kept as typed, with their errors).

    It speaks the person's preferred language: `PersonLanguageMiddleware` activates it, the switch changes it.
    """
    return render(request, "people/space_home.html", _space_context(request, page, **forms_), status=status)


@person_data(categories=list(Category), action=Action.VIEW)
@require_GET
def space_home(request: HttpRequest) -> HttpResponse:
    person, categories = open_file(request.actor, _own_public_id(request), purpose=purposes.OWN_SPACE)
    page = person_page(request.actor, person, categories=categories)
    return _space_page(request, page)


def _organisation(value: str) -> Organisation | None:
    if value in ("team", "all"):
        return None
    try:
        return Organisation.objects.get(public_id=UUID(value))
    except (ValueError, Organisation.DoesNotExist) as error:
        raise ValidationError(_("Choose an organisation from the list.")) from error


@person_data(categories=[Category.IDENTITY], action=Action.SHARE)
@require_POST
def space_consent_grant(request: HttpRequest) -> HttpResponse:
    person = _own_person(request, purposes.CONSENT_WRITE)
    page = person_page(request.actor, person)
    form = GrantForm(request.POST, page=page)
    if form.is_valid():
        form.warn_if_opens_nothing(person, recipient_organisation=_organisation(form.cleaned_data["recipient"]))

    def write() -> str:
        consent_services.consent_record(
            request.actor,
            person=person,
            recipient_organisation=_organisation(form.cleaned_data["recipient"]),
            purpose=form.cleaned_data["purpose"],
            categories=form.cleaned_data["categories"],
            legal_basis=LegalBasis.CONSENT,
            how_given=HowGiven.ELECTRONIC_BY_PERSON,
        )
        return reverse("people:space_home") + "#consents"

    if response := save_once(request, form, write, success=_("Your agreement was recorded. Your referent is told.")):
        return response
    return _space_page(request, page, status=422, grant_form=form)


@person_data(categories=[Category.IDENTITY], action=Action.SHARE)
@require_POST
def space_consent_revoke(request: HttpRequest) -> HttpResponse:
    person = _own_person(request, purposes.CONSENT_WRITE)
    consent = consent_selectors.consent_of(person, _int(request.POST.get("consent")))
    if consent is None:
        raise Http404
    if request.POST.get("confirm") != "yes" and consent_selectors.referent_loses_file(person, consent):
        # Warn first: withdrawing this sharing takes the file away from the referent too.
        return render(request, "people/space_revoke_confirm.html", {"consent": consent})
    try:
        consent_services.consent_revoke(request.actor, consent=consent, audit_purpose=purposes.CONSENT_WRITE)
    except (ValidationError, StaleWrite) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("You withdrew your agreement. It applies now. Your referent is told."))
    return redirect(reverse("people:space_home") + "#consents")


@person_data(categories=[Category.IDENTITY], action=Action.SHARE)
@require_POST
def space_objection(request: HttpRequest) -> HttpResponse:
    person = _own_person(request, purposes.OBJECTION_WRITE)
    page = person_page(request.actor, person)
    form = ObjectForm(request.POST, page=page)

    def write() -> str:
        consent_services.objection_record(
            request.actor,
            person=person,
            category=form.cleaned_data["category"],
            organisation=_organisation(form.cleaned_data["organisation"]),
            note=form.cleaned_data["note"],
        )
        return reverse("people:space_home") + "#consents"

    success = _("Your objection was recorded. It applies now. Your referent is told.")
    if response := save_once(request, form, write, success=success):
        return response
    return _space_page(request, page, status=422, object_form=form)


@person_data(categories=[Category.IDENTITY], action=Action.SHARE)
@require_POST
def space_objection_withdraw(request: HttpRequest) -> HttpResponse:
    person = _own_person(request, purposes.OBJECTION_WRITE)
    objection = consent_selectors.objection_of(person, _int(request.POST.get("objection")))
    if objection is None:
        raise Http404
    try:
        consent_services.objection_withdraw(request.actor, objection=objection, audit_purpose=purposes.OBJECTION_WRITE)
    except (ValidationError, StaleWrite) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("You withdrew your objection. Your referent is told."))
    return redirect(reverse("people:space_home") + "#consents")


@person_data(categories=[Category.COORDINATION], action=Action.SHARE)
@require_POST
def space_involvement_add(request: HttpRequest) -> HttpResponse:
    """The person adds an organisation to their network (door rule 8d): their referent is told."""
    person = _own_person(request, purposes.INVOLVEMENT_WRITE)
    page = person_page(request.actor, person)
    form = SpaceAddForm(request.POST, organisations=addable_organisations(person))
    if form.is_valid():
        try:
            services.involvement_start(
                request.actor,
                person=person,
                organisation=form.cleaned_data["organisation"],
                purpose=purposes.INVOLVEMENT_WRITE,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The organisation now takes part in your network. Your referent is told."))
            return redirect(reverse("people:space_home") + "#network")
    return _space_page(request, page, status=422, add_form=form)


@person_data(categories=[Category.COORDINATION], action=Action.SHARE)
@require_POST
def space_involvement_end(request: HttpRequest) -> HttpResponse:
    """The person ends an organisation's involvement, once they confirmed (door rule 8d): it applies now."""
    person = _own_person(request, purposes.INVOLVEMENT_WRITE)
    page = person_page(request.actor, person)
    form = SpaceEndForm(request.POST, involvements=page.active_involvements)
    if form.is_valid():
        chosen = form.cleaned_data["involvement"]
        involvement = next(i for i in page.active_involvements if str(i.public_id) == chosen)
        try:
            services.involvement_end(
                request.actor,
                involvement=involvement,
                reason=InvolvementEndReason.PERSON_CHOICE,
                detail=form.cleaned_data["detail"],
                purpose=purposes.INVOLVEMENT_WRITE,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            done = (
                _(
                    "%(organisation)s is no longer your referent and no longer takes part in your network. "
                    "It applies now."
                )
                if involvement.role == InvolvementRole.REFERENT
                else _("%(organisation)s no longer takes part in your network. It applies now. Your referent is told.")
            )
            messages.success(request, done % {"organisation": involvement.organisation.name})
            return redirect(reverse("people:space_home") + "#network")
    return _space_page(request, page, status=422, end_form=form)


@person_data(categories=[Category.COORDINATION], action=Action.CREATE)
@require_POST
def space_message(request: HttpRequest) -> HttpResponse:
    """The person writes to their referent; the referent gets an e-mail saying only that a message waits."""
    person = _own_person(request, purposes.SPACE_MESSAGE)
    page = person_page(request.actor, person)
    form = SpaceMessageForm(request.POST)

    def write() -> str:
        services.space_message_send(
            request.actor, person=person, body=form.cleaned_data["body"], purpose=purposes.SPACE_MESSAGE
        )
        return reverse("people:space_home") + "#write"

    if response := save_once(request, form, write, success=_("Your message was sent to your referent.")):
        return response
    return _space_page(request, page, status=422, message_form=form)


@person_data(categories=list(Category), action=Action.EXPORT)
@require_GET
def space_export(request: HttpRequest) -> HttpResponse:
    person = _own_person(request, purposes.EXPORT)
    return redirect("people:person_export", public_id=person.public_id)


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None
