"""The coordinator's dashboard, the network map, the alerts, the reports and an organisation's own view.

Every page reads a stored snapshot (`selectors`, `presenters`): organisations and counts, counts of persons
hidden under 5, no person anywhere, hence `@no_person_data`. Only the network's coordinators see the network's
pages; an organisation's admins see their own organisation's (`permissions`). The network's pages read the stored
snapshots from the read replica when there is one (`@lag_tolerant_view`: a snapshot is minutes to a month old
anyway); who may see them is still decided on the primary (governance and accounts are not replica apps).
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from maillage.access.door import no_person_data
from maillage.analytics import permissions, presenters, report, selectors, snapshots, snapshots_forms
from maillage.analytics.enums import AlertKind
from maillage.analytics.models import Snapshot
from maillage.core.db_routing import lag_tolerant_view
from maillage.governance import selectors as governance_selectors
from maillage.governance.models import Network

HIGHLIGHTS = 10
PAGE = 100


def _network(request: HttpRequest, public_id) -> Network:
    network = get_object_or_404(Network.objects.select_related("organisation"), public_id=public_id)
    if not permissions.can_see_network(request.actor, network):
        raise PermissionDenied
    return network


def _snapshot(request: HttpRequest, network: Network) -> Snapshot | None:
    return selectors.snapshot_for(network, request.GET.get("snapshot") or None)


@no_person_data
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The coordinator goes to their network's dashboard; an organisation admin to their organisation's view."""
    network = permissions.coordinated_network(request.actor)
    if network is not None:
        return redirect("analytics:dashboard", public_id=network.public_id)
    if permissions.can_see_own_organisation(request.actor):
        return redirect("analytics:organisation")
    raise PermissionDenied


@no_person_data
@require_GET
@lag_tolerant_view
def dashboard(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(request, public_id)
    return render(request, "analytics/dashboard.html", dashboard_context(network, _snapshot(request, network)))


def dashboard_context(network: Network, snapshot: Snapshot | None, compute_form=None) -> dict:
    """The dashboard's page: the snapshot shown, the computation under way or failed, the "compute now" form."""
    if compute_form is None:
        start, end = snapshots.default_period(timezone.localdate())
        compute_form = snapshots_forms.ComputeForm(initial={"start": start, "end": end})
    context = {
        "network": network,
        "snapshot": snapshot,
        "choices": selectors.choices(network),
        "progress": snapshots.progress(network),
        "compute_form": compute_form,
        "poll_seconds": snapshots.POLL_SECONDS,
    }
    if snapshot is not None:
        counts = selectors.alert_counts(snapshot)
        kinds = [k for k in AlertKind.values if k in counts] + sorted(k for k in counts if k not in AlertKind.values)
        shown = {kind: selectors.alerts_of_kind(snapshot, kind, presenters.ALERTS_PER_KIND) for kind in kinds}
        names = selectors.organisation_names(
            presenters.alert_organisation_ids(a for alerts in shown.values() for a in alerts)
        )
        columns = presenters.organisation_columns()
        monthly = selectors.monthly(network, snapshot)
        context |= {
            "indicators": presenters.network_indicators(snapshot),
            "alert_groups": [
                presenters.AlertGroup(
                    kind=kind,
                    label=selectors.alert_kind_label(kind),
                    count=counts[kind],
                    alerts=[presenters.alert_shown(a, names) for a in shown[kind]],
                )
                for kind in kinds
            ],
            "alert_total": sum(counts.values()),
            "columns": columns,
            "loaded": presenters.organisation_rows(selectors.most_loaded(snapshot, HIGHLIGHTS), columns),
            "brokers": presenters.organisation_rows(selectors.brokers(snapshot, HIGHLIGHTS), columns),
            "trend": presenters.trends(monthly) if monthly else None,
        }
    return context


@no_person_data
@require_GET
@lag_tolerant_view
def alert_list(request: HttpRequest, public_id, kind: str) -> HttpResponse:
    network = _network(request, public_id)
    snapshot = _snapshot(request, network)
    if snapshot is None:
        raise Http404
    page = Paginator(snapshot.alerts.filter(kind=kind).order_by("pk"), PAGE).get_page(request.GET.get("page"))
    names = selectors.organisation_names(presenters.alert_organisation_ids(page.object_list))
    return render(
        request,
        "analytics/alert_list.html",
        {
            "network": network,
            "snapshot": snapshot,
            "label": selectors.alert_kind_label(kind),
            "kind": kind,
            "page": page,
            "alerts": [presenters.alert_shown(a, names) for a in page.object_list],
        },
    )


@no_person_data
@require_GET
@lag_tolerant_view
def organisation_list(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(request, public_id)
    snapshot = _snapshot(request, network)
    if snapshot is None:
        raise Http404
    order = request.GET.get("order", "name")
    order = order if order in selectors.ORDERS else "name"
    page = Paginator(selectors.organisations(snapshot, order), PAGE).get_page(request.GET.get("page"))
    columns = presenters.organisation_columns()
    return render(
        request,
        "analytics/organisation_list.html",
        {
            "network": network,
            "snapshot": snapshot,
            "order": order,
            "orders": selectors.ORDERS,
            "page": page,
            "columns": columns,
            "rows": presenters.organisation_rows(page.object_list, columns),
        },
    )


@no_person_data
@require_GET
@lag_tolerant_view
def network_map(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(request, public_id)
    snapshot = _snapshot(request, network)
    if snapshot is None:
        raise Http404
    metrics = selectors.map_metrics(snapshot)
    links = selectors.map_links(snapshot, {m.organisation_id for m in metrics})
    names = {m.organisation_id: m.organisation.name for m in metrics}
    columns = presenters.organisation_columns()
    return render(
        request,
        "analytics/map.html",
        {
            "network": network,
            "snapshot": snapshot,
            "svg": presenters.network_map(metrics, links, selectors.overloaded_ids(snapshot), title=network.name),
            "legend": presenters.sector_legend(m.sector for m in metrics),
            "trust_legend": presenters.TRUST_COLOURS.items(),
            "partial": len(metrics) < snapshot.organisations or len(links) < snapshot.links,
            "shown_nodes": len(metrics),
            "shown_links": len(links),
            "columns": columns,
            "rows": presenters.organisation_rows(metrics, columns),
            "links": [(presenters.link_label(link, names), link) for link in links],
        },
    )


@no_person_data
@require_GET
@lag_tolerant_view
def report_csv(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(request, public_id)
    snapshot = _snapshot(request, network)
    if snapshot is None:
        raise Http404
    response = HttpResponse(report.as_csv(snapshot), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.filename(snapshot, "csv")}"'
    return response


@no_person_data
@require_GET
@lag_tolerant_view
def report_pdf(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(request, public_id)
    snapshot = _snapshot(request, network)
    if snapshot is None:
        raise Http404
    response = HttpResponse(report.as_pdf(snapshot), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename(snapshot, "pdf")}"'
    return response


def _pair_names(link) -> dict[int, str]:
    return {link.source_id: link.source.name, link.target_id: link.target.name}


@no_person_data
@require_GET
def organisation_view(request: HttpRequest) -> HttpResponse:
    """An organisation's admins: its own load and its ego network in its network's latest snapshot."""
    actor = request.actor
    if not permissions.can_see_own_organisation(actor):
        raise PermissionDenied
    organisation = actor.organisation
    network = governance_selectors.network_for_actor(actor)
    snapshot = selectors.done(network).first() if network is not None else None
    metrics = selectors.organisation_in(snapshot, organisation.pk) if snapshot is not None else None
    context = {
        "organisation": organisation,
        "network": network,
        "snapshot": snapshot,
        "metrics": metrics,
        "own_view": True,
    }
    if metrics is not None:
        links = selectors.ego_links(snapshot, organisation.pk)
        partners = []
        for link in links:
            other = link.target if link.source_id == organisation.pk else link.source
            partners.append((link, other.pk, other.name, other.sector))
        alerts = selectors.alerts_about(snapshot, organisation.pk)
        names = selectors.organisation_names(presenters.alert_organisation_ids(alerts) | {organisation.pk})
        columns = presenters.organisation_columns()
        row = presenters.organisation_rows([metrics], columns)[0]
        context |= {
            "columns": columns,
            "facts": list(zip((c.label for c in columns), row.cells, strict=True)),
            "svg": presenters.ego_map(organisation.name, metrics.sector, partners),
            "partners": [
                (
                    f"partner-{pk}",
                    name,
                    presenters.link_label(link, {link.source_id: link.source.name, link.target_id: link.target.name}),
                    link,
                )
                for link, pk, name, _sector in partners
            ],
            "alerts": [presenters.alert_shown(a, names) for a in alerts],
            "history": [
                (s, presenters.organisation_rows([m], columns)[0])
                for s, m in selectors.organisation_history(network, organisation.pk, snapshot)
            ],
        }
    return render(request, "analytics/organisation.html", context)
