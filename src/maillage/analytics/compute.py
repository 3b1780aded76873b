"""Taking a snapshot: read aggregates, build the graph, compute the indicators, raise the alerts, store.

The rules, in plain words:

1. A snapshot covers one network and one period; it is stored dated, so the dashboard reads precomputed numbers.
2. Each stage is timed (`Snapshot.stages`); a failure marks the snapshot FAILED and keeps the previous ones.
3. An alert is raised only when a number crosses the network's threshold (`Thresholds`), and keeps the numbers
   that raised it (`Alert.facts`) so that it can say why. A balanced network raises none.
4. Nothing about a person is stored: organisations, pairs of organisations and counts only. Persons who may be
   over-solicited or abandoned (`attention`) are counted for the organisation that should act (the referent's),
   one alert per such organisation, and their count is hidden under 5 like every count of persons.
"""

import datetime as dt
import time
from collections.abc import Callable
from decimal import Decimal

from django.db import connection, transaction

from maillage.analytics import gaps, sources
from maillage.analytics import graph as graphs
from maillage.analytics.enums import AlertKind, SnapshotStatus
from maillage.analytics.models import Alert, LinkMetrics, NeedGap, OrganisationMetrics, Snapshot, Thresholds
from maillage.governance.models import Network

type Progress = Callable[[str], None]
STAGES = ("load", "graph", "indicators", "alerts", "store")


def last_months(day: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """The `count` whole calendar months before the month of `day`, oldest first: (first day, last day)."""
    months = []
    end = day.replace(day=1) - dt.timedelta(days=1)
    for _ in range(count):
        start = end.replace(day=1)
        months.append((start, end))
        end = start - dt.timedelta(days=1)
    return months[::-1]


def thresholds_for(network: Network) -> Thresholds:
    found = Thresholds.objects.filter(network=network).first()
    return found if found is not None else Thresholds(network=network)


def take(
    network: Network,
    start: dt.date,
    end: dt.date,
    *,
    progress: Progress | None = None,
    inputs=None,
    snapshot: Snapshot | None = None,
) -> Snapshot:
    """Compute and store a snapshot of `network` over [start, end]. `inputs` replaces the database reads (bench).

    `snapshot` is a row created beforehand (a coordinator's request, `snapshots.request`): it is filled instead of
    a new one, and each stage is saved on it as it ends, so that the dashboard can say how far it got."""
    shown = snapshot is not None
    if snapshot is None:
        snapshot = Snapshot.objects.create(network=network, period_start=start, period_end=end)
    stages: dict[str, float] = {}

    def stage(name: str, started: float) -> float:
        stages[name] = round(time.perf_counter() - started, 3)
        if shown:
            Snapshot.objects.filter(pk=snapshot.pk).update(stages=dict(stages))
        if progress:
            progress(name)
        return time.perf_counter()

    try:
        clock = time.perf_counter()
        limits = thresholds_for(network)
        if inputs is None:
            inputs = sources.load(network, start, end, hot_potato_hours=limits.hot_potato_hours, limits=limits)
        clock = stage("load", clock)
        orgs = sorted(inputs.organisations)
        index = {org: i for i, org in enumerate(orgs)}
        links = _links(inputs)
        graph = graphs.build(len(orgs), {(index[a], index[b]): link["weight"] for (a, b), link in links.items()})
        directed = [(index[s], index[r]) for (s, r), c in inputs.referrals.items() if c.get("sent")]
        clock = stage("graph", clock)
        found = graphs.indicators(graph, directed if inputs.referrals_counted else None)
        per_org = _per_organisation(inputs, orgs, graph, found)
        campaign = _stated_trust(network, end, per_org, links)
        clock = stage("indicators", clock)
        unmet = gaps.unmet_needs(inputs.open_needs) if inputs.open_needs else []
        alerts = raise_alerts(limits, inputs, per_org, links, found, orgs)
        alerts += _gap_alerts(limits, unmet)
        clock = stage("alerts", clock)
        with transaction.atomic():
            OrganisationMetrics.objects.bulk_create(
                [OrganisationMetrics(snapshot=snapshot, organisation_id=org, **row) for org, row in per_org.items()],
                batch_size=2000,
            )
            insert_many(
                LinkMetrics,
                ({"snapshot_id": snapshot.pk, "source_id": a, "target_id": b, **row} for (a, b), row in links.items()),
            )
            Alert.objects.bulk_create([Alert(snapshot=snapshot, **alert) for alert in alerts], batch_size=2000)
            NeedGap.objects.bulk_create(
                [
                    NeedGap(
                        snapshot=snapshot,
                        commune_id=gap.commune,
                        life_domain_id=gap.life_domain,
                        persons=gap.persons,
                        services_nearby=gap.services_nearby,
                    )
                    for gap in unmet
                ],
                batch_size=2000,
            )
            for name in (
                "density",
                "centralisation",
                "components",
                "largest_component_share",
                "fragmentation",
                "communities",
                "modularity",
                "reciprocity",
                "core_size",
            ):
                setattr(snapshot, name, getattr(found, name))
            snapshot.organisations = len(orgs)
            snapshot.links = len(links)
            snapshot.persons = inputs.persons
            snapshot.referrals_counted = inputs.referrals_counted
            snapshot.trust_campaign = campaign
            stage("store", clock)
            snapshot.stages = stages
            snapshot.status = SnapshotStatus.DONE
            snapshot.save()
    except Exception:
        snapshot.status = SnapshotStatus.FAILED
        snapshot.stages = stages
        snapshot.save(update_fields=["status", "stages"])
        raise
    return snapshot


def insert_many(model, rows) -> None:
    """Insert many rows (dicts of field attnames; a missing field takes its default). On PostgreSQL through COPY:
    Django's `bulk_create` spends most of a large snapshot's store stage building its statements in Python."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=5000)
        return
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row.get(f.attname, defaults[f.attname]) for f in fields])


def _gap_alerts(limits: Thresholds, unmet: list) -> list[dict]:
    """One alert per unmet need of at least the threshold (and never under the small cell: `gaps` rule 4)."""
    return [
        {
            "kind": AlertKind.UNMET_NEED,
            "commune_id": gap.commune,
            "life_domain_id": gap.life_domain,
            "facts": {
                "persons": gap.persons,
                "services_nearby": gap.services_nearby,
                "services_with_capacity": 0,
                "threshold": max(limits.unmet_min_persons, gaps.SMALL_CELL),
            },
        }
        for gap in unmet
        if gap.persons >= limits.unmet_min_persons
    ]


def _empty_link() -> dict:
    return {
        "shared_persons": 0,
        "meetings": 0,
        "referrals_forward": 0,
        "referrals_back": 0,
        "referrals_taken_up": 0,
        "referrals_declined": 0,
        "crisis_work": 0,
        "calm_work": 0,
        "ping_pong": 0,
        "weight": 0.0,
    }


def _stated_trust(network: Network, end: dt.date, per_org: dict[int, dict], links: dict):
    """Stated trust beside observed strength (`trust` rules 4 and 5): per link and per organisation."""
    from maillage.analytics import trust

    campaign = trust.campaign_for_snapshot(network, end)
    for row in per_org.values():
        row["trust_given"] = row["trust_received"] = None
    if campaign is None:
        return None
    found = trust.results(campaign)
    for (a, b), link in found.links.items():
        if link.trust is not None and (a, b) in links:  # a link not observed in this period is not drawn
            links[(a, b)]["stated_trust"], links[(a, b)]["stated_value"] = link.trust, link.value
    for org, result in found.organisations.items():
        if org in per_org:
            per_org[org]["trust_given"], per_org[org]["trust_received"] = result.given, result.received
    return campaign


def _links(inputs: sources.Inputs) -> dict[tuple[int, int], dict]:
    links: dict[tuple[int, int], dict] = {}

    def link(a: int, b: int) -> dict:
        key = (a, b) if a < b else (b, a)
        return links.setdefault(key, _empty_link())

    for (a, b), n in inputs.shared.items():
        link(a, b)["shared_persons"] = n
    for (a, b), (n, crisis) in inputs.meetings.items():
        row = link(a, b)
        row["meetings"] = n
        row["crisis_work"] += crisis
        row["calm_work"] += n - crisis
    for (sender, receiver), counts in inputs.referrals.items():
        if sender == receiver:
            continue
        row = link(sender, receiver)
        row["referrals_forward" if sender < receiver else "referrals_back"] += counts.get("sent", 0)
        row["referrals_taken_up"] += counts.get("taken_up", 0)
        row["referrals_declined"] += counts.get("declined", 0)
        urgent = counts.get("urgent", 0)
        row["crisis_work"] += urgent
        row["calm_work"] += counts.get("sent", 0) - urgent
    for (a, b), n in inputs.ping_pong.items():
        if (a, b) in links:
            links[(a, b)]["ping_pong"] = n
    for row in links.values():
        row["weight"] = float(
            row["shared_persons"] + row["meetings"] + row["referrals_forward"] + row["referrals_back"]
        )
    return links


def _per_organisation(inputs, orgs, graph, found: graphs.GraphIndicators) -> dict[int, dict]:
    strength = graph.strength(weights="weight") if graph.ecount() else [0] * len(orgs)
    degrees = graph.degree()
    received: dict[int, dict[str, int]] = {}
    sent: dict[int, int] = {}
    after_crisis: dict[int, int] = {}
    for (sender, receiver), counts in inputs.referrals.items():
        row = received.setdefault(receiver, {"sent": 0, "no_capacity": 0, "out_of_criteria": 0})
        for key in row:
            row[key] += counts.get(key, 0)
        sent[sender] = sent.get(sender, 0) + counts.get("sent", 0)
        after_crisis[sender] = after_crisis.get(sender, 0) + counts.get("after_crisis", 0)
    top_core = max(found.coreness) if found.coreness else 0
    result = {}
    for i, org in enumerate(orgs):
        got = received.get(org, {})
        result[org] = {
            "sector": inputs.organisations[org],
            "degree": degrees[i],
            "strength": int(strength[i]),
            "betweenness": found.betweenness[i],
            "dependence": found.dependence[i],
            "coreness": found.coreness[i],
            "in_core": top_core >= 2 and found.coreness[i] == top_core,
            "component": found.component[i],
            "community": found.community[i],
            "caseload": inputs.caseload.get(org, 0),
            "capacity": inputs.capacity.get(org),
            "heavy": inputs.heavy.get(org, 0),
            "heavy_share": (
                round(inputs.heavy.get(org, 0) / inputs.caseload[org], 3) if inputs.caseload.get(org) else None
            ),
            "urgent_handoffs": after_crisis.get(org, 0),
            "decline_chains": inputs.decline_chains.get(org, 0),
            "referrals_received": got.get("sent", 0),
            "referrals_sent": sent.get(org, 0),
            "declined_no_capacity": got.get("no_capacity", 0),
            "declined_out_of_criteria": got.get("out_of_criteria", 0),
            "answer_hours": inputs.answer_hours.get(org),
            "over_solicited": inputs.attention.get(org, (0, 0))[0],
            "abandoned": inputs.attention.get(org, (0, 0))[1],
            "x": found.layout[i][0],
            "y": found.layout[i][1],
        }
    return result


def raise_alerts(
    limits: Thresholds, inputs, per_org: dict[int, dict], links: dict, found: graphs.GraphIndicators, orgs: list[int]
) -> list[dict]:
    """Rule 3: one alert per situation found, with the numbers and the threshold that raised it."""
    alerts: list[dict] = []
    ratio = Decimal(limits.overload_ratio)
    for org, row in per_org.items():
        capacity, caseload = row["capacity"], row["caseload"]
        over_capacity = bool(capacity) and Decimal(caseload) > Decimal(capacity) * ratio
        declines = row["declined_no_capacity"] >= limits.overload_no_capacity_declines
        if over_capacity or declines:
            alerts.append(
                {
                    "kind": AlertKind.OVERLOAD,
                    "organisation_id": org,
                    "facts": {
                        "caseload": caseload,
                        "capacity": capacity,
                        "ratio": float(ratio),
                        "heavy": row["heavy"],
                        "declined_no_capacity": row["declined_no_capacity"],
                        "declines_threshold": limits.overload_no_capacity_declines,
                    },
                }
            )
        received = row["referrals_received"]
        if received >= limits.rigid_min_referrals and row["declined_out_of_criteria"] * 100 >= (
            limits.rigid_share * received
        ):
            alerts.append(
                {
                    "kind": AlertKind.RIGID_CRITERIA,
                    "organisation_id": org,
                    "facts": {
                        "received": received,
                        "out_of_criteria": row["declined_out_of_criteria"],
                        "share": limits.rigid_share,
                    },
                }
            )
        if row["dependence"] * 100 >= limits.broker_dependence:
            alerts.append(
                {
                    "kind": AlertKind.BROKER,
                    "organisation_id": org,
                    "facts": {
                        "dependence": round(row["dependence"] * 100),
                        "betweenness": round(row["betweenness"], 3),
                        "threshold": limits.broker_dependence,
                    },
                }
            )
        for kind, count in ((AlertKind.OVER_SOLICITATION, "over_solicited"), (AlertKind.ABANDONMENT, "abandoned")):
            if row[count]:
                alerts.append({"kind": kind, "organisation_id": org, "facts": {count: row[count]}})
        potatoes = row["urgent_handoffs"] + row["decline_chains"]
        if potatoes and potatoes >= limits.hot_potato_min:
            alerts.append(
                {
                    "kind": AlertKind.HOT_POTATO,
                    "organisation_id": org,
                    "facts": {
                        "urgent_handoffs": row["urgent_handoffs"],
                        "hours": limits.hot_potato_hours,
                        "decline_chains": row["decline_chains"],
                        "chain_length": sources.DECLINE_CHAIN,
                        "threshold": limits.hot_potato_min,
                    },
                }
            )
    for (a, b), row in links.items():
        if row["ping_pong"] and row["ping_pong"] >= limits.hot_potato_min:
            alerts.append(
                {
                    "kind": AlertKind.HOT_POTATO,
                    "organisation_id": a,
                    "other_organisation_id": b,
                    "facts": {"ping_pong": row["ping_pong"], "threshold": limits.hot_potato_min},
                }
            )
        if row["crisis_work"] >= limits.crisis_only_min and row["calm_work"] == 0:
            alerts.append(
                {
                    "kind": AlertKind.CRISIS_ONLY_LINK,
                    "organisation_id": a,
                    "other_organisation_id": b,
                    "facts": {"crisis_work": row["crisis_work"], "threshold": limits.crisis_only_min},
                }
            )
    if found.components > 1:
        groups: dict[int, list[int]] = {}
        for i, component in enumerate(found.component):
            groups.setdefault(component, []).append(orgs[i])
        largest = max(groups.values(), key=len)
        for members in groups.values():
            if members is not largest and len(members) >= limits.silo_min_size:
                alerts.append(
                    {
                        "kind": AlertKind.SILO,
                        "organisation_id": min(members),
                        "facts": {"organisations": sorted(members), "largest": len(largest)},
                    }
                )
    return alerts
