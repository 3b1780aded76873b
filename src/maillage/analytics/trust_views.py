"""Pages of the stated trust survey. No person data anywhere: every view is `@no_person_data`.

Views resolve the network or campaign, check the right (`trust` rules 1, 2, 5), call a service through
`save_once`, and render.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maillage.access.door import no_person_data
from maillage.accounts.models import Organisation
from maillage.analytics import trust, trust_forms
from maillage.analytics.models import TrustCampaign, TrustRating
from maillage.core.forms import save_once
from maillage.core.text import collation_key
from maillage.governance import permissions
from maillage.governance.models import Network

GET_POST = require_http_methods(["GET", "POST"])


def _member_or_coordinator(request: HttpRequest, network: Network) -> tuple[bool, int | None]:
    coordinator = permissions.can_manage(request.actor, network)
    member = permissions.acting_member(request.actor, network)
    if not coordinator and member is None:
        raise PermissionDenied
    return coordinator, member.organisation_id if member else None


@no_person_data
@require_GET
def campaign_list(request: HttpRequest, public_id) -> HttpResponse:
    network = get_object_or_404(Network, public_id=public_id)
    coordinator, _org = _member_or_coordinator(request, network)
    today = timezone.localdate()
    campaigns = [(c, c.is_open(today), c.is_finished(today)) for c in trust.campaigns_for(network)]
    return render(
        request,
        "analytics/trust_list.html",
        {"network": network, "campaigns": campaigns, "coordinator": coordinator},
    )


@no_person_data
@GET_POST
def campaign_create(request: HttpRequest, public_id) -> HttpResponse:
    network = get_object_or_404(Network, public_id=public_id)
    if not permissions.can_manage(request.actor, network):
        raise PermissionDenied
    form = trust_forms.CampaignForm(request.POST if request.method == "POST" else None)

    def write() -> str:
        campaign = trust.campaign_open(request.actor, network=network, **form.values)
        return reverse("analytics_trust:campaign_detail", kwargs={"public_id": campaign.public_id})

    response = save_once(request, form, write, success=_("The trust survey is open: each member can answer."))
    if response is not None:
        return response
    return render(
        request,
        "analytics/trust_form.html",
        {"network": network, "form": form, "title": _("Open a trust survey")},
        status=400 if form.errors else 200,
    )


def _names(ids) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


@no_person_data
@require_GET
def campaign_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The coordinators see every result; a member organisation its own answers and what it received."""
    campaign = get_object_or_404(TrustCampaign.objects.select_related("network"), public_id=public_id)
    coordinator, org = _member_or_coordinator(request, campaign.network)
    found = trust.results(campaign)
    names = _names(found.organisations)
    today = timezone.localdate()
    context = {
        "network": campaign.network,
        "campaign": campaign,
        "results": found,
        "coordinator": coordinator,
        "is_open": campaign.is_open(today),
        "min_raters": trust.MIN_RATERS,
    }
    if coordinator:
        context["links"] = sorted(
            ((names[link.a], names[link.b], link) for link in found.links.values()),
            key=lambda row: (collation_key(row[0]), collation_key(row[1])),
        )
        context["organisations"] = sorted(
            ((names[o.organisation], o) for o in found.organisations.values()), key=lambda row: collation_key(row[0])
        )
    if org is not None:
        context["own"] = found.organisations.get(org)
        context["ratings"] = trust.own_ratings(campaign, org)
    return render(request, "analytics/trust_detail.html", context)


@no_person_data
@GET_POST
def rating_answer(request: HttpRequest, public_id, partner) -> HttpResponse:
    """Rule 2: the rating organisation answers, or changes, its rating of one partner (another's: 404)."""
    organisation = getattr(request.actor, "organisation", None)
    rating = get_object_or_404(
        TrustRating.objects.select_related("campaign__network", "partner"),
        campaign__public_id=public_id,
        partner__public_id=partner,
        rater_id=organisation.pk if organisation else None,
    )
    if not trust.can_answer(request.actor, rating):
        raise PermissionDenied
    initial = {name: getattr(rating, name) for name in trust.SCORES if getattr(rating, name)}
    form = trust_forms.RatingForm(
        request.POST if request.method == "POST" else None, initial=initial, version=rating.version
    )

    def write() -> str:
        trust.rating_answer(request.actor, rating=rating, version=form.read_version, **form.values)
        return reverse("analytics_trust:campaign_detail", kwargs={"public_id": rating.campaign.public_id})

    response = save_once(request, form, write, success=_("Your rating is saved."))
    if response is not None:
        return response
    return render(
        request,
        "analytics/trust_form.html",
        {
            "network": rating.campaign.network,
            "form": form,
            "title": _("Your rating of %(partner)s") % {"partner": rating.partner.name},
            "partner": rating.partner,
            "campaign": rating.campaign,
        },
        status=400 if form.errors else 200,
    )
