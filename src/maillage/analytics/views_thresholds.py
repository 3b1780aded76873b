"""The network's alert thresholds, for its coordinators: see them, change them, restore the defaults.

Thresholds are numbers about situations, not about anyone: `@no_person_data`. Only the network's coordinators
(`permissions.can_see_network`) see the page, as every network page of the app (403 for others, 404 for a network
that does not exist). The writes are `thresholds.save` and `thresholds.restore_defaults`, sent once and from the
version read (`save_once`).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.access.door import no_person_data
from maillage.analytics import permissions, thresholds, thresholds_forms
from maillage.core.confirm import confirmation
from maillage.core.forms import save_once
from maillage.governance.models import Network


def _network(request: HttpRequest, public_id) -> Network:
    network = get_object_or_404(Network.objects.select_related("organisation"), public_id=public_id)
    if not permissions.can_see_network(request.actor, network):
        raise PermissionDenied
    return network


def _url(network: Network) -> str:
    return reverse("analytics:thresholds", kwargs={"public_id": network.public_id})


@no_person_data
@require_http_methods(["GET", "POST"])
def thresholds_edit(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(request, public_id)
    row = thresholds.current(network)
    version = row.version if row is not None else 0
    form = thresholds_forms.ThresholdsForm(
        request.POST if request.method == "POST" else None, initial=thresholds.values_of(row), version=version
    )

    def write() -> str:
        thresholds.save(request.actor, network, version=form.read_version, **form.values)
        return _url(network)

    response = save_once(
        request,
        form,
        write,
        success=_("The thresholds are saved: they apply from the next snapshot."),
    )
    if response is not None:
        return response
    return render(
        request,
        "analytics/thresholds.html",
        {
            "network": network,
            "form": form,
            "groups": thresholds_forms.groups(form),
            "row": row,
            "is_default": thresholds.is_default(row),
            "restore_form": thresholds_forms.RestoreForm(version=version),
            "next_snapshot": thresholds.next_monthly_snapshot(timezone.localdate()),
        },
        status=400 if form.errors else 200,
    )


@no_person_data
@require_POST
def thresholds_restore(request: HttpRequest, public_id) -> HttpResponse:
    """Rule 3 of `thresholds`, after the confirmation page (`core.confirm`)."""
    network = _network(request, public_id)
    asked = confirmation(
        request,
        question=_("Restore the default thresholds?"),
        consequence=_(
            "Every threshold of the network goes back to its default value; the values set by the coordinators "
            "are lost. The snapshots already computed keep their alerts."
        ),
        action=_("Restore the defaults"),
        cancel_url=_url(network),
    )
    if asked is not None:
        return asked
    row = thresholds.current(network)
    form = thresholds_forms.RestoreForm(request.POST, version=row.version if row is not None else 0)

    def write() -> str:
        thresholds.restore_defaults(request.actor, network, version=form.read_version)
        return _url(network)

    response = save_once(request, form, write, success=_("The default thresholds are restored."))
    if response is not None:
        return response
    for error in form.non_field_errors():
        messages.error(request, error)
    return redirect(_url(network))
