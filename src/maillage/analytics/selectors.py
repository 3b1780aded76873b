"""Reads of stored snapshots for the analytics pages and reports: organisations and counts, never a person."""

from django.db.models import Count, F, FloatField, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from maillage.accounts.models import Organisation
from maillage.analytics.enums import AlertKind, SnapshotStatus
from maillage.analytics.models import Alert, LinkMetrics, OrganisationMetrics, Snapshot
from maillage.analytics.presenters import is_monthly
from maillage.governance.models import Network

CHOICES = 36
TREND_MONTHS = 12
MAP_NODES = 300
MAP_LINKS = 600


def done(network: Network) -> QuerySet[Snapshot]:
    return Snapshot.objects.filter(network=network, status=SnapshotStatus.DONE)


def snapshot_for(network: Network, public_id: str | None) -> Snapshot | None:
    """The snapshot asked for (404 when it is not one of this network's), else the latest one."""
    if public_id:
        try:
            return done(network).get(public_id=public_id)
        except (Snapshot.DoesNotExist, ValueError, Exception) as error:
            raise Http404 from error
    return done(network).first()


def choices(network: Network) -> list[Snapshot]:
    return list(done(network).only("public_id", "period_start", "period_end", "taken_at")[:CHOICES])


def monthly(network: Network, snapshot: Snapshot) -> list[Snapshot]:
    """The latest monthly snapshot of each calendar month up to the chosen one's end, oldest first."""
    seen: dict[tuple[int, int], Snapshot] = {}
    for item in done(network).filter(period_end__lte=snapshot.period_end)[:200]:
        if is_monthly(item):
            seen.setdefault((item.period_start.year, item.period_start.month), item)
        if len(seen) >= TREND_MONTHS:
            break
    return sorted(seen.values(), key=lambda s: s.period_start)


def alert_counts(snapshot: Snapshot) -> dict[str, int]:
    rows = snapshot.alerts.values_list("kind").annotate(n=Count("id")).order_by()
    return dict(rows)


def alerts_of_kind(snapshot: Snapshot, kind: str, limit: int | None = None) -> list[Alert]:
    alerts = snapshot.alerts.filter(kind=kind).order_by("pk")
    return list(alerts[:limit] if limit else alerts)


def alert_kind_label(kind: str) -> str:
    return str(dict(AlertKind.choices).get(kind, kind))


def organisation_names(ids: set[int]) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def _metrics(snapshot: Snapshot) -> QuerySet[OrganisationMetrics]:
    return snapshot.organisation_metrics.select_related("organisation")


def most_loaded(snapshot: Snapshot, limit: int) -> list[OrganisationMetrics]:
    """The organisations with the highest caseload over declared capacity, then those without a capacity."""
    ratio = Cast(F("caseload"), FloatField()) / Cast(F("capacity"), FloatField())
    declared = _metrics(snapshot).filter(capacity__gt=0).annotate(ratio=ratio).order_by("-ratio", "organisation_id")
    return list(declared[:limit])


def brokers(snapshot: Snapshot, limit: int) -> list[OrganisationMetrics]:
    return list(_metrics(snapshot).filter(betweenness__gt=0).order_by("-betweenness", "organisation_id")[:limit])


ORDERS = {"name": "organisation__name", "load": "-ratio", "caseload": "-caseload", "betweenness": "-betweenness"}


def organisations(snapshot: Snapshot, order: str = "name") -> QuerySet[OrganisationMetrics]:
    ratio = Cast(F("caseload"), FloatField()) / Cast(F("capacity"), FloatField())
    return _metrics(snapshot).annotate(ratio=ratio).order_by(ORDERS.get(order, "organisation__name"), "pk")


def map_metrics(snapshot: Snapshot) -> list[OrganisationMetrics]:
    """The map's organisations: all of them up to MAP_NODES, else the most connected."""
    return list(_metrics(snapshot).order_by("-strength", "-caseload", "organisation_id")[:MAP_NODES])


def map_links(snapshot: Snapshot, organisation_ids: set[int]) -> list[LinkMetrics]:
    links = snapshot.link_metrics.filter(source_id__in=organisation_ids, target_id__in=organisation_ids)
    return list(links.order_by("-weight", "pk")[:MAP_LINKS])


def overloaded_ids(snapshot: Snapshot) -> set[int]:
    return set(snapshot.alerts.filter(kind=AlertKind.OVERLOAD).values_list("organisation_id", flat=True))


def organisation_in(snapshot: Snapshot, organisation_id: int) -> OrganisationMetrics | None:
    return _metrics(snapshot).filter(organisation_id=organisation_id).first()


def ego_links(snapshot: Snapshot, organisation_id: int) -> list[LinkMetrics]:
    from django.db.models import Q

    links = snapshot.link_metrics.filter(Q(source_id=organisation_id) | Q(target_id=organisation_id))
    found = list(links.select_related("source", "target").order_by("-weight", "pk"))
    campaign = snapshot.trust_campaign
    if campaign is not None and campaign.anonymous:
        # A link's stated trust is the mean of its two directions: a party knows its own rating, so it would read
        # its partner's back. Anonymous campaigns show links to the coordinators only.
        for link in found:
            link.stated_trust = link.stated_value = None
    return found


def alerts_about(snapshot: Snapshot, organisation_id: int) -> list[Alert]:
    from django.db.models import Q

    return list(snapshot.alerts.filter(Q(organisation_id=organisation_id) | Q(other_organisation_id=organisation_id)))


def organisation_history(
    network: Network, organisation_id: int, snapshot: Snapshot
) -> list[tuple[Snapshot, OrganisationMetrics]]:
    months = monthly(network, snapshot)
    rows = {
        m.snapshot_id: m
        for m in OrganisationMetrics.objects.filter(snapshot__in=months, organisation_id=organisation_id)
    }
    return [(s, rows[s.pk]) for s in months if s.pk in rows]
