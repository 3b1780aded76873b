"""The person's referrals in their own space: where each stands, in plain words, and refusing one not yet
taken up (with a confirmation). A decline's reason is shown only when the sender said it may be.

Everything goes through the door as the person themselves (`Reason.SELF`); the refusal is the machine's move
to CANCELLED by the PERSON side, sent once and from the version the page showed.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maillage.access.door import person_data
from maillage.access.enums import Action, Category
from maillage.core.forms import save_once
from maillage.referrals import selectors, services
from maillage.referrals.enums import ContactPreference, Party, ReferralStatus
from maillage.referrals.forms import RefuseForm
from maillage.referrals.machine import IllegalTransition, allowed_moves

PURPOSE = "own_space"
S = ReferralStatus


def in_plain_words(referral: Any) -> str:
    """Where the referral stands, said to the person (second person, no jargon)."""
    organisation = referral.receiver_organisation.name
    how = {
        ContactPreference.PHONE: _("by phone"),
        ContactPreference.EMAIL: _("by e-mail"),
        ContactPreference.THROUGH_REFERENT: _("through your referent"),
    }[referral.contact_preference]
    words = {
        S.SENT: _("Sent to %(organisation)s. They have not answered yet."),
        S.RECEIVED: _("%(organisation)s has received it and will answer soon."),
        S.WAITING_LIST: _("%(organisation)s has put you on its waiting list."),
        S.ACCEPTED: _("%(organisation)s has accepted. They will contact you %(how)s."),
        S.DECLINED: _("%(organisation)s cannot take it up."),
        S.FIRST_CONTACT_DONE: _("You have been in touch with %(organisation)s."),
        S.COMPLETED: _("It is finished."),
        S.CANCELLED: _("It was cancelled."),
        S.EXPIRED: _("%(organisation)s did not answer in time. Your referent will look for another way."),
        S.OBSOLETE: _("Another partner has taken up this need, so this one is closed."),
    }
    text = words.get(referral.status, "") % {"organisation": organisation, "how": how}
    if referral.status == S.CANCELLED and referral.transitions.filter(party=Party.PERSON).exists():
        text = _("You refused it.")
    if referral.status == S.COMPLETED and referral.outcome:
        text = f"{text} {referral.get_outcome_display()}."
    return text


def decline_reason_for_person(referral: Any) -> str:
    if referral.status != S.DECLINED or not referral.show_decline_reason_to_person:
        return ""
    return referral.get_decline_reason_display()


def refusable(referral: Any) -> bool:
    return S.CANCELLED in allowed_moves(referral.status, {Party.PERSON})


@person_data(categories=[Category.COORDINATION], action=Action.VIEW)
@require_GET
def space_referrals(request: HttpRequest) -> HttpResponse:
    person = selectors.own_person(request.actor, purpose=PURPOSE)
    rows = [
        {
            "referral": referral,
            "words": in_plain_words(referral),
            "reason": decline_reason_for_person(referral),
            "refusable": refusable(referral),
        }
        for referral in selectors.referrals_of(person)
    ]
    return render(request, "referrals/space_referrals.html", {"person": person, "rows": rows})


@person_data(categories=[Category.COORDINATION], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def space_referral_refuse(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    """Refuse one referral not yet taken up: the reason, a confirmation, then it is cancelled by the person."""
    referral, parties = selectors.referral_for(request.actor, referral_id, purpose=PURPOSE)
    if Party.PERSON not in parties:
        raise Http404
    form = RefuseForm(request.POST or None, version=referral.version)
    error = ""

    def write() -> str:
        services.referral_cancel(
            request.actor, referral=referral, reason=form.values["reason"], version=form.read_version
        )
        return reverse("referrals:space_referrals")

    try:  # a replay of a refusal already made goes to its result; the machine refuses any other late one
        if response := save_once(request, form, write, success=_("You refused the referral. The sender is told.")):
            return response
    except IllegalTransition:
        error = "-"
    if error or not refusable(referral):
        error = _("This referral can no longer be refused: %(where)s") % {"where": in_plain_words(referral)}
    context = {"referral": referral, "form": form, "error": error, "words": in_plain_words(referral)}
    status = 409 if error else (422 if form.errors else 200)
    return render(request, "referrals/space_refuse.html", context, status=status)
