"""The pages of a partner not on Maillage yet (`links`): the referral as its link shows it, and the answer.

No account: `login_not_required`. The door decides and audits every use of the link (its rule 15, through
`links.link_for`); an unknown, expired, revoked or spent link gets the same 404 page, which explains in a few
words and names nothing. The page is `no-store` (declared person data); its address carries only the token.
Too many links that do not work from one client answer 429 for a while, with a page that names nothing either
(`links`, rule 7).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maillage.access.door import no_person_data, person_data
from maillage.access.enums import Action, Category
from maillage.accounts.throttling import client_address
from maillage.core.forms import save_once
from maillage.referrals import links
from maillage.referrals.forms import ExternalAnswerForm
from maillage.referrals.machine import IllegalTransition


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "referrals/link_invalid.html", status=404)


def _throttled(request: HttpRequest, refusal: links.LinkThrottled) -> HttpResponse:
    response = render(request, "referrals/link_throttled.html", status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


@person_data(categories=[Category.COORDINATION], action=Action.VIEW)
@login_not_required
@require_http_methods(["GET", "POST"])
def link_answer(request: HttpRequest, token: str) -> HttpResponse:
    """What the receiver may see before it answers (rule 13), and its answer: accept, or decline with a reason."""
    action = Action.VIEW if request.method == "GET" else Action.EDIT
    try:
        actor, referral = links.link_for(token, action=action, address=client_address(request))
        if request.method == "GET":
            referral = links.link_opened(actor, referral)
    except links.LinkThrottled as refusal:
        return _throttled(request, refusal)
    except Http404:
        return _invalid(request)
    form = ExternalAnswerForm(request.POST or None, version=referral.version)

    def write() -> str:
        values = form.values
        links.link_answer(
            actor,
            referral=referral,
            answer=values["answer"],
            reason=values.get("decline_reason", ""),
            detail=values.get("decline_detail", ""),
            version=form.read_version,
        )
        return reverse("referrals:link_answered")

    try:
        if response := save_once(request, form, write, success=_("Your answer was sent.")):
            return response
    except IllegalTransition as refusal:
        form.add_error(None, refusal.message)
        form.renew(version=referral.version)
    except Http404:
        return _invalid(request)
    context = {
        "referral": referral,
        "form": form,
        "shared": [Category(c).label for c in referral.shared_categories],
        "expires_at": actor.link.expires_at,
    }
    return render(request, "referrals/link_answer.html", context, status=422 if form.errors else 200)


@no_person_data
@login_not_required
@require_GET
def link_answered(request: HttpRequest) -> HttpResponse:
    """After an answer through a link: thanks, and nothing about the referral."""
    return render(request, "referrals/link_answered.html")
