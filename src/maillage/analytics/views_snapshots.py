"""A snapshot computed now, from the dashboard: the coordinator asks (`compute_now`), the page follows it
(`compute_status`, polled by htmx; a plain link without JS) until it is ready, then shows it.

Periods and states of computations, no person: `@no_person_data`. Only the network's coordinators, as every
network page of the app (403 for others, 404 for a network that does not exist). The write is `snapshots.request`,
sent once (`save_once`).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from maillage.access.door import no_person_data
from maillage.analytics import selectors, snapshots, snapshots_forms, views
from maillage.analytics.models import Snapshot
from maillage.core.forms import save_once
from maillage.governance.models import Network


def _dashboard(network: Network, snapshot: Snapshot | None = None) -> str:
    url = reverse("analytics:dashboard", kwargs={"public_id": network.public_id})
    return f"{url}?snapshot={snapshot.public_id}" if snapshot is not None else f"{url}#compute"


@no_person_data
@require_POST
def compute_now(request: HttpRequest, public_id) -> HttpResponse:
    network = views._network(request, public_id)
    form = snapshots_forms.ComputeForm(request.POST)

    def write() -> str:
        snapshots.request(request.actor, network, form.values["start"], form.values["end"])
        return _dashboard(network)

    response = save_once(
        request, form, write, success=_("The snapshot is being computed: this page shows it as soon as it is ready.")
    )
    if response is not None:
        return response
    context = views.dashboard_context(network, selectors.snapshot_for(network, None), compute_form=form)
    return render(request, "analytics/dashboard.html", context, status=400)


@no_person_data
@require_GET
def compute_status(request: HttpRequest, public_id, snapshot_id) -> HttpResponse:
    """Where the computation is. To htmx: the status while it waits or runs, else the page to go to (the new
    snapshot, or the dashboard saying it failed). Without JS: that page, or the dashboard showing the status."""
    network = views._network(request, public_id)
    snapshot = get_object_or_404(snapshots.rows_of(network), public_id=snapshot_id)
    progress = snapshots.progress_of(snapshot)
    if progress is not None and progress.pending and request.htmx:
        return render(
            request,
            "analytics/_compute.html#compute-status",
            {"network": network, "progress": progress, "poll_seconds": snapshots.POLL_SECONDS},
        )
    target = _dashboard(network, snapshot if progress is None else None)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)
