"""Referral pages: an organisation's inbox (to answer) and outbox (to follow), one referral, and its moves.

Thin: the door through `selectors.referral_for` (404 for a referral the actor has no side in), the moves through
`services`; an illegal move or a concurrent answer answers 409 with the reason in words. The receiver, before it
accepts, sees the summary only (never the person's name); every page is `no-store` (declared person data). The
receiving organisation opening a referral marks it received (`services.referral_open`).
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from maillage.access.door import person_data
from maillage.access.enums import Action, Category
from maillage.accounts.enums import Role
from maillage.core.forms import save_once
from maillage.core.versioning import StaleWrite
from maillage.referrals import links, selectors, services
from maillage.referrals.enums import DeclineReason, Outcome, Party, ReferralStatus, Urgency
from maillage.referrals.forms import LinkRenewForm
from maillage.referrals.machine import IllegalTransition, allowed_moves

PAGE_SIZE = 50
LINK_PLACEHOLDER = UUID(int=0)


def _organisation(request: HttpRequest, organisation_id: UUID):
    """One of the actor's PROFESSIONAL organisations, else 404."""
    for membership in getattr(request.actor, "memberships", ()):
        if membership.organisation.public_id == organisation_id and membership.role == Role.PROFESSIONAL:
            return membership.organisation
    raise Http404


def _labels(choices) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}


def _box(request: HttpRequest, organisation_id: UUID, *, outgoing: bool) -> HttpResponse:
    organisation = _organisation(request, organisation_id)
    status = request.GET.get("status", "")
    if status and status not in ReferralStatus.values:
        status = ""
    select = selectors.outbox if outgoing else selectors.inbox
    rows = list(select(organisation.pk, status=status)[:PAGE_SIZE])
    # Once per page, not per row (a 50-row page spent half its time there): the labels (`get_FOO_display`
    # rebuilds the choices and translates each on every call) and the link (one `reverse`, then the id put in).
    statuses, urgencies = _labels(ReferralStatus), _labels(Urgency)
    link = reverse("referrals:referral_detail", kwargs={"referral_id": LINK_PLACEHOLDER})
    for row in rows:
        row.status_label, row.urgency_label = statuses[row.status], urgencies[row.urgency]
        row.detail_url = link.replace(str(LINK_PLACEHOLDER), str(row.public_id))
    counts = selectors.counters(select(organisation.pk))
    context = {
        "organisation": organisation,
        "outgoing": outgoing,
        "rows": rows,
        "status": status,
        "statuses": [(s.value, s.label, counts[s.value]) for s in ReferralStatus if s != ReferralStatus.DRAFT],
        "pending": counts["pending"],
    }
    return render(request, "referrals/box.html", context)


@person_data(categories=[Category.COORDINATION], action=Action.LIST)
@require_GET
def inbox(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    return _box(request, organisation_id, outgoing=False)


@person_data(categories=[Category.COORDINATION], action=Action.LIST)
@require_GET
def outbox(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    return _box(request, organisation_id, outgoing=True)


def _detail(
    request: HttpRequest, referral, parties, *, error: str = "", status: int = 200, renew_form=None
) -> HttpResponse:
    moves = [ReferralStatus(m) for m in allowed_moves(referral.status, parties) if m != ReferralStatus.OBSOLETE]
    link = links.link_state(referral) if Party.SENDER in parties else None
    if renew_form is None and link is not None and referral.status in links.ANSWERABLE:
        renew_form = LinkRenewForm(version=link.version)
    context = {
        "link": link,
        "renew_form": renew_form if Party.SENDER in parties and referral.status in links.ANSWERABLE else None,
        "referral": referral,
        "moves": moves,
        "error": error,
        "is_receiver": Party.RECEIVER in parties,
        "can_redirect": Party.SENDER in parties and referral.status == ReferralStatus.DECLINED,
        "shared": [Category(c).label for c in referral.shared_categories],
        "decline_reasons": DeclineReason.choices,
        "outcomes": Outcome.choices,
        "transitions": referral.transitions.select_related("organisation").order_by("at", "pk"),
    }
    return render(request, "referrals/referral_detail.html", context, status=status)


@person_data(categories=[Category.COORDINATION], action=Action.VIEW)
@require_GET
def referral_detail(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    referral, parties = selectors.referral_for(request.actor, referral_id)
    services.referral_open(request.actor, referral=referral)
    return _detail(request, referral, parties)


@person_data(categories=[Category.COORDINATION], action=Action.EDIT)
@require_POST
def referral_move(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    """One move from the referral's page; 409 with the reason when illegal or when someone answered first."""
    referral, parties = selectors.referral_for(request.actor, referral_id, purpose="referral_write")
    to, data = request.POST.get("to", ""), request.POST
    try:
        version = int(data.get("version", ""))
    except ValueError:
        version = None
    try:
        if to == ReferralStatus.ACCEPTED:
            services.referral_accept(request.actor, referral=referral, version=version)
        elif to == ReferralStatus.DECLINED:
            services.referral_decline(
                request.actor,
                referral=referral,
                reason=data.get("decline_reason", ""),
                detail=data.get("decline_detail", ""),
                version=version,
            )
        elif to == ReferralStatus.COMPLETED:
            services.referral_complete(
                request.actor,
                referral=referral,
                outcome=data.get("outcome", ""),
                reason=data.get("outcome_reason", ""),
                version=version,
            )
        elif to == ReferralStatus.CANCELLED:
            services.referral_cancel(request.actor, referral=referral, reason=data.get("reason", ""), version=version)
        elif to in ReferralStatus.values:
            services.referral_transition(request.actor, referral=referral, to=to, version=version)
        else:
            raise ValidationError({"to": ""})
    except IllegalTransition as refusal:
        fresh, parties = selectors.referral_for(request.actor, referral_id)
        return _detail(request, fresh, parties, error=refusal.message, status=409)
    except StaleWrite as stale:
        fresh, parties = selectors.referral_for(request.actor, referral_id)
        return _detail(request, fresh, parties, error=stale.headline, status=409)
    except ValidationError as invalid:
        messages = [m for values in invalid.message_dict.values() for m in values if m]
        return _detail(request, referral, parties, error=" ".join(messages) or "—", status=422)
    return redirect("referrals:referral_detail", referral_id=referral.public_id)


@person_data(categories=[Category.COORDINATION], action=Action.EDIT)
@require_POST
def referral_link_renew(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    """The sender sends a partner not on Maillage a new link (`links`, rule 3): confirmed, sent once, and refused
    (the form again) when someone renewed it meanwhile."""
    referral, parties = selectors.referral_for(request.actor, referral_id, purpose="referral_write")
    if Party.SENDER not in parties:
        raise Http404
    link = links.link_state(referral)
    form = LinkRenewForm(request.POST, version=link.version if link is not None else None)

    def write() -> str:
        links.link_renew(request.actor, referral=referral, version=form.read_version, email=form.values["email"])
        return reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id})

    try:
        if response := save_once(
            request, form, write, success=_("A new link was sent; the one before stops working.")
        ):
            return response
    except IllegalTransition as refusal:
        fresh, parties = selectors.referral_for(request.actor, referral_id)
        return _detail(request, fresh, parties, error=refusal.message, status=409)
    return _detail(request, referral, parties, renew_form=form, status=422)
