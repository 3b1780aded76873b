"""Sending a referral ("Orienter"): from a person's need, a project objective, a directory service, or as the
answer to a decline (another partner, in one step).

The steps, each a GET that carries only ids (never a name) until the form, which is POST and sent once:
1. which need (when the page was opened from a service, or from the person without a need);
2. which partner: the directory's services for the need's life domain, the person's commune and age, each with
   its capacity (and how fresh), distance, and what became of the referrals the sender sent its organisation;
3. the form: need, expectation, urgency, eligibility facts, contact preference, whether a decline's reason is
   shown to the person, how the person agreed, and the shared categories, among those the person's consent
   allows for that receiver only (the others shown disabled, with why). Saved as a draft or sent.
The person comes through the door (`person_for`, COORDINATION, CREATE: what `referral_create` asks for).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maillage.access import referral_door
from maillage.access.door import audit_list, categories_for, person_data, person_for
from maillage.access.enums import Action, Category
from maillage.accounts.enums import Role
from maillage.core.forms import save_once
from maillage.core.text import collation_key
from maillage.referrals import links, selectors, services
from maillage.referrals.enums import Party, ReferralStatus
from maillage.referrals.forms import DRAFT, SEND, ReferralForm
from maillage.referrals.machine import IllegalTransition

PURPOSE = "referral_write"


def _sending_organisation(request: HttpRequest):
    """The actor's current organisation, where it works as a PROFESSIONAL; 404 otherwise."""
    actor = request.actor
    organisation = getattr(actor, "organisation", None)
    membership = getattr(actor, "membership", None)
    if organisation is None or membership is None or membership.role != Role.PROFESSIONAL:
        raise Http404
    return organisation


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        raise Http404 from None


def _shows_name(actor: Any, person: Any) -> bool:
    return Category.IDENTITY in categories_for(actor, person)


def _categories(actor: Any, person: Any, organisation: Any) -> tuple[list[str], list[tuple[str, str]]]:
    """(the categories that can be picked, [(label, why not)] for the others)."""
    why = referral_door.why_not_shareable(actor, person, organisation)
    shareable = [str(c) for c in Category if not why[c]]
    refused = [(str(Category(c).label), str(referral_door.NotShareable(why[c]).label)) for c in Category if why[c]]
    return shareable, refused


def _send_page(
    request: HttpRequest,
    *,
    person: Any,
    life_domain: Any,
    need: Any = None,
    objective: Any = None,
    declined: Any = None,
    here: str,
) -> HttpResponse:
    """Steps 2 and 3 for one need (or objective, or declined referral): the candidates, then the form."""
    actor = request.actor
    sender = _sending_organisation(request)
    service_id = _uuid(request.GET.get("service"))
    context: dict[str, Any] = {
        "person": person,
        "shows_name": _shows_name(actor, person),
        "life_domain": life_domain,
        "need": need,
        "objective": objective,
        "declined": declined,
        "here": here,
    }
    if service_id is None:
        excluded = [declined.receiver_organisation_id] if declined is not None else []
        context["candidates"] = selectors.candidates(
            person, life_domain, sender_organisation_id=sender.pk, exclude_organisations=excluded
        )
        context["joiner"] = "&" if "?" in here else "?"
        return render(request, "referrals/send_candidates.html", context)
    service = selectors.candidate_service(service_id)
    if service is None or service.organisation_id == sender.pk:
        raise Http404
    receiver = service.organisation
    shareable, refused = _categories(actor, person, receiver)
    initial: dict[str, Any] = {}
    if declined is not None:
        initial = {
            "expected": declined.expected,
            "urgency": declined.urgency,
            "eligibility": declined.eligibility,
            "shared_categories": [c for c in declined.shared_categories if c in shareable],
            "contact_preference": declined.contact_preference,
            "show_decline_reason_to_person": declined.show_decline_reason_to_person,
            "agreement": declined.agreement,
        }
    external = not links.on_maillage(receiver)
    form = ReferralForm(request.POST or None, initial=initial, shareable=shareable, external=external)
    send = request.POST.get("action") != DRAFT

    def write() -> str:
        values = {**form.values, "shared_categories": form.values["shared_categories"], "send": send}
        if declined is not None:
            referral = services.referral_redirect(
                actor, referral=declined, receiver_organisation=receiver, receiver_service=service, **values
            )
        else:
            referral = services.referral_create(
                actor,
                person=person,
                need=need,
                objective=objective,
                life_domain=life_domain,
                receiver_organisation=receiver,
                receiver_service=service,
                **values,
            )
        return reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id})

    success = _("The referral was sent.") if send else _("The referral was saved as a draft.")
    try:
        if response := save_once(request, form, write, success=success):
            return response
    except IllegalTransition as refusal:
        form.add_error(None, refusal.message)
        form.renew()
    context |= {
        "service": service,
        "receiver": receiver,
        "form": form,
        "refused": refused,
        "experience": selectors.experience(sender.pk, [receiver.pk])[receiver.pk],
        "external": external,
        "SEND": SEND,
        "DRAFT": DRAFT,
    }
    return render(request, "referrals/send_form.html", context, status=422 if form.errors else 200)


@person_data(categories=[Category.COORDINATION, Category.IDENTITY, Category.SOCIAL], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def referral_send(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Orient the person: `?need=` or `?objective=` (else step 1, which need), then `&service=`."""
    actor = request.actor
    _sending_organisation(request)
    person = person_for(actor, public_id, action=Action.CREATE, category=Category.COORDINATION, purpose=PURPOSE)
    base = reverse("referrals:referral_send", kwargs={"public_id": person.public_id})
    need_id, objective_id = _uuid(request.GET.get("need")), _uuid(request.GET.get("objective"))
    if objective_id is not None:
        objective = selectors.objective_of(person, objective_id)
        here = f"{base}?{urlencode({'objective': objective.public_id})}"
        return _send_page(request, person=person, life_domain=objective.life_domain, objective=objective, here=here)
    if need_id is not None:
        need = selectors.need_of(person, need_id)
        here = f"{base}?{urlencode({'need': need.public_id})}"
        return _send_page(request, person=person, life_domain=need.term, need=need, here=here)
    service_id = _uuid(request.GET.get("service"))
    context = {
        "person": person,
        "shows_name": _shows_name(actor, person),
        "needs": selectors.needs_of(person),
        "base": base,
        "service_id": service_id,
    }
    return render(request, "referrals/send_need.html", context)


@person_data(categories=[Category.COORDINATION], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def referral_redirect(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    """A declined referral proposed to another partner in one step (the sender): the candidates without the
    organisation that declined, then the form filled with what the declined referral stated."""
    referral, parties = selectors.referral_for(request.actor, referral_id, purpose=PURPOSE)
    if Party.SENDER not in parties or referral.status != ReferralStatus.DECLINED:
        raise Http404
    here = reverse("referrals:referral_redirect", kwargs={"referral_id": referral.public_id})
    return _send_page(
        request,
        person=referral.person,
        life_domain=referral.life_domain,
        need=referral.need,
        objective=referral.objective,
        declined=referral,
        here=here,
    )


@person_data(categories=[Category.IDENTITY], action=Action.LIST)
@require_GET
def service_orient(request: HttpRequest, service_id: UUID) -> HttpResponse:
    """ "Orienter" from a directory service: which of my people? Only the persons my organisation follows (the
    door lists them, audited), in French dictionary order; each goes on to the send page with this service."""
    actor = request.actor
    organisation = _sending_organisation(request)
    service = selectors.candidate_service(service_id)
    if service is None or service.organisation_id == organisation.pk:
        raise Http404
    persons = list(selectors.followed_by(actor, organisation.pk))
    categories = audit_list(actor, persons, purpose=PURPOSE)
    shown = [p for p in persons if Category.IDENTITY in categories.get(p.pk, ())]
    shown.sort(key=lambda p: (collation_key(p.last_name), collation_key(p.first_name)))
    context = {"service": service, "persons": shown, "query": urlencode({"service": service.public_id})}
    return render(request, "referrals/service_orient.html", context)
