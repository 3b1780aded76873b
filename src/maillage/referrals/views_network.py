"""A network's referral delays, set by its coordinators (no person data)."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.access.door import no_person_data
from maillage.core.forms import save_once
from maillage.governance.permissions import can_manage
from maillage.governance.selectors import networks
from maillage.referrals import selectors, services
from maillage.referrals.forms import NetworkDelaysForm
from maillage.referrals.tasks import delays


@no_person_data
@require_http_methods(["GET", "POST"])
def network_delays(request: HttpRequest, network_id: UUID) -> HttpResponse:
    network = networks().filter(public_id=network_id).first()
    if network is None or not can_manage(request.actor, network):
        raise Http404
    row = selectors.network_delays_of(network)
    default = delays()
    initial = {
        "remind_after_days": row.remind_after_days if row else default["remind_after_days"],
        "expire_after_days": row.expire_after_days if row else default["expire_after_days"],
    }
    form = NetworkDelaysForm(request.POST or None, initial=initial, version=row.version if row else None)

    def write() -> str:
        services.network_delays_set(request.actor, network=network, version=form.read_version, **form.values)
        return reverse("referrals:network_delays", kwargs={"network_id": network.public_id})

    if response := save_once(request, form, write, success=_("The network's referral delays were saved.")):
        return response
    context = {"network": network, "form": form, "default": default, "own": row is not None}
    return render(request, "referrals/network_delays.html", context, status=422 if form.errors else 200)
