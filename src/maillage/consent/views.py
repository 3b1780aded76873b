"""The professional records the person's say: consents and legal bases, their revocation, objections.

Rows are append-only: revoking or withdrawing adds a row that supersedes the earlier one.
Recording needs only an involvement with the person (the door's action SHARE).
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.access.door import person_data, person_for
from maillage.access.enums import Action, Category
from maillage.accounts.models import Organisation
from maillage.consent import selectors as consent_selectors
from maillage.consent import services as consent_services
from maillage.consent.forms import ConsentForm, ObjectionForm
from maillage.core.confirm import confirmation
from maillage.core.forms import refusal_text, save_once
from maillage.core.versioning import StaleWrite
from maillage.people import purposes


def _involved_organisations(person):
    return (
        Organisation.objects.filter(involvements__person=person, involvements__status="ACTIVE")
        .distinct()
        .order_by("name")
    )


def _back(person) -> str:
    return reverse("people:person_detail", kwargs={"public_id": person.public_id}) + "#consents"


def _form_page(request: HttpRequest, person, form, *, title: str, intro: str) -> HttpResponse:
    context = {"person": person, "form": form, "title": title, "intro": intro, "submit": _("Record")}
    return render(request, "people/form_page.html", context, status=422 if form.errors else 200)


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@person_data(categories=[Category.IDENTITY], action=Action.SHARE)
@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = request.actor
    person = person_for(
        actor, public_id, action=Action.SHARE, category=Category.IDENTITY, purpose=purposes.CONSENT_WRITE
    )
    form = ConsentForm(request.POST or None, organisations=_involved_organisations(person))
    if form.is_bound and form.is_valid():
        form.warn_if_opens_nothing(person, recipient_organisation=form.cleaned_data["recipient"])

    def write() -> str:
        data = form.values
        consent_services.consent_record(
            actor,
            person=person,
            recipient_organisation=data["recipient"],
            purpose=data["purpose"],
            categories=data["categories"],
            legal_basis=data["legal_basis"],
            how_given=data["how_given"],
            starts_at=data["starts_at"],
            expires_at=data["expires_at"],
            audit_purpose=purposes.CONSENT_WRITE,
        )
        return _back(person)

    if response := save_once(request, form, write, success=_("The consent or legal basis was recorded.")):
        return response
    intro = _("Record what the person agreed to, or the legal basis that allows the sharing.")
    return _form_page(request, person, form, title=_("Record a consent or a legal basis"), intro=intro)


@person_data(categories=[Category.IDENTITY], action=Action.SHARE)
@require_POST
def consent_revoke(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = request.actor
    person = person_for(
        actor, public_id, action=Action.SHARE, category=Category.IDENTITY, purpose=purposes.CONSENT_WRITE
    )
    consent = consent_selectors.consent_of(person, _int(request.POST.get("consent")))
    if consent is None:
        raise Http404
    if asked := confirmation(
        request,
        question=_("Revoke this consent?"),
        consequence=_("The sharing it allows stops at once. The consent stays in the history."),
        action=_("Revoke the consent"),
        cancel_url=_back(person),
    ):
        return asked
    try:
        consent_services.consent_revoke(actor, consent=consent, audit_purpose=purposes.CONSENT_WRITE)
    except (ValidationError, StaleWrite) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The consent was revoked. It applies from now on."))
    return redirect(_back(person))


@person_data(categories=[Category.IDENTITY], action=Action.SHARE)
@require_http_methods(["GET", "POST"])
def objection_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = request.actor
    person = person_for(
        actor, public_id, action=Action.SHARE, category=Category.IDENTITY, purpose=purposes.OBJECTION_WRITE
    )
    form = ObjectionForm(request.POST or None, organisations=_involved_organisations(person))

    def write() -> str:
        consent_services.objection_record(actor, person=person, audit_purpose=purposes.OBJECTION_WRITE, **form.values)
        return _back(person)

    if response := save_once(request, form, write, success=_("The objection was recorded. It applies from now on.")):
        return response
    intro = _("The person objects to one category of their data being shared. This overrides every consent.")
    return _form_page(request, person, form, title=_("Record an objection"), intro=intro)


@person_data(categories=[Category.IDENTITY], action=Action.SHARE)
@require_POST
def objection_withdraw(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = request.actor
    person = person_for(
        actor, public_id, action=Action.SHARE, category=Category.IDENTITY, purpose=purposes.OBJECTION_WRITE
    )
    objection = consent_selectors.objection_of(person, _int(request.POST.get("objection")))
    if objection is None:
        raise Http404
    try:
        consent_services.objection_withdraw(actor, objection=objection, audit_purpose=purposes.OBJECTION_WRITE)
    except (ValidationError, StaleWrite) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The objection was withdrawn."))
    return redirect(_back(person))
