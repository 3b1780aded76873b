"""What the analytics pages show, built from a stored snapshot: indicators, alerts, trends, the map.

The rules, in plain words:

1. Pages read only precomputed snapshots (`Snapshot` and its rows); nothing here touches person data.
2. Indicators are found on the models, not listed in templates: every number field of `Snapshot` and of
   `OrganisationMetrics` is shown, with its explanation when one is written here (`NETWORK_EXPLANATIONS`,
   `ORGANISATION_DESCRIPTIONS`) and its field's label and help text otherwise. A field added to the snapshot
   appears on the dashboard, the organisation tables and the reports without touching a template.
3. Every count of persons goes through `cells`: under 5 it shows as "fewer than 5".
4. Each alert says why it was raised, with the numbers and the threshold it crossed; an alert of a kind written
   here without a sentence still lists its numbers.
5. Every chart (trend lines, the map, the ego network) is server-rendered SVG with a table beside it that holds
   the same numbers; every text in the SVG is escaped.
"""

import calendar
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.enums import Sector
from maillage.analytics import cells
from maillage.analytics.enums import AlertKind
from maillage.analytics.models import Alert, LinkMetrics, OrganisationMetrics, Snapshot
from maillage.core.text import collation_key

# Fields that describe a snapshot or a row rather than measure the network.
SNAPSHOT_META = {"id", "public_id", "network", "period_start", "period_end", "taken_at", "status", "stages"}
ORGANISATION_META = {"id", "snapshot", "organisation", "sector", "x", "y", "component", "coreness"}
PERCENT = {
    "density",
    "centralisation",
    "largest_component_share",
    "fragmentation",
    "reciprocity",
    "dependence",
    "load",
    "heavy_share",
}
DECIMALS = {"modularity": 2, "betweenness": 3, "answer_hours": 0, "trust_given": 1, "trust_received": 1}
TREND_LINES = ("density", "centralisation", "fragmentation", "largest_component_share", "reciprocity")
ALERTS_PER_KIND = 10

# Colour of each sector on the map (colour-blind-friendly families; the legend names each one).
SECTOR_COLOURS = {
    Sector.SOCIAL_ACTION: "#1f77b4",
    Sector.MENTAL_HEALTH: "#9467bd",
    Sector.PSYCHIATRIC_HOSPITAL: "#5b3a8c",
    Sector.GENERAL_HOSPITAL: "#d62728",
    Sector.ADDICTION: "#8c564b",
    Sector.HOME_CARE: "#2ca02c",
    Sector.HOUSING: "#ff7f0e",
    Sector.DEBT_MEDIATION: "#bcbd22",
    Sector.EMPLOYMENT: "#17becf",
    Sector.GENERAL_PRACTICE: "#e377c2",
    Sector.YOUTH_PROTECTION: "#7f7f7f",
    Sector.JUSTICE_ASSISTANCE: "#393b79",
    Sector.DISABILITY: "#637939",
    Sector.FAMILY: "#e7969c",
    Sector.ASSOCIATION: "#8c6d31",
    Sector.NETWORK: "#3182bd",
    Sector.OTHER: "#a1a1a1",
}
TRUST_COLOURS = {1: "#b2182b", 2: "#ef8a62", 3: "#67a9cf", 4: "#2166ac"}
LINK_COLOUR = "#8a96a3"
LINE_COLOURS = ("#1d4f91", "#b2182b", "#2ca02c", "#8c564b", "#9467bd", "#ff7f0e")
LINE_DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 4", "10 4")


# Values -------------------------------------------------------------------------------------------------------


def show(name: str, value: Any, *, field_: models.Field | None = None) -> str:
    """A value as shown: person counts under 5 hidden (rule 3), shares as percentages, ratios rounded."""
    if value is None:
        return "—"
    if cells.hidden(name, value):
        return str(cells.HIDDEN)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in PERCENT:
        return f"{formats.number_format(value * 100, decimal_pos=0)} %"
    if name in DECIMALS:
        return formats.number_format(value, decimal_pos=DECIMALS[name])
    if isinstance(value, float) or isinstance(field_, models.FloatField):
        return formats.number_format(value, decimal_pos=2)
    return formats.number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def _number_fields(model: type[models.Model], excluded: set[str]) -> list[models.Field]:
    kinds = (models.IntegerField, models.FloatField, models.DecimalField, models.BooleanField)
    return [f for f in model._meta.concrete_fields if f.name not in excluded and isinstance(f, kinds)]


# Network indicators -------------------------------------------------------------------------------------------


@dataclass
class Indicator:
    name: str
    label: str
    value: str
    explanation: str
    raw: Any = None


def _possible(s: Snapshot) -> int:
    return s.organisations * (s.organisations - 1) // 2


NETWORK_EXPLANATIONS: dict[str, Callable[[Snapshot], str]] = {
    "organisations": lambda s: _("Member organisations of the network in the period: the nodes of the map."),
    "links": lambda s: (
        _(
            "Pairs of organisations that followed a person together, met in a concertation meeting or sent each other "
            "a referral in the period: %(links)s links."
        )
        % {"links": show("links", s.links)}
    ),
    "persons": lambda s: _(
        "Persons followed by at least one member organisation at the end of the period (hidden under 5)."
    ),
    "density": lambda s: (
        _(
            "The share of all possible links that exist: %(links)s links out of %(possible)s possible between "
            "%(organisations)s organisations. A falling density means partners work less together."
        )
        % {
            "links": show("links", s.links),
            "possible": show("links", _possible(s)),
            "organisations": show("organisations", s.organisations),
        }
    ),
    "centralisation": lambda s: (
        _(
            "How much the links gather on one organisation: 0 %% when they are spread evenly, 100 %% for a star "
            "around one partner. Here %(value)s: the higher, the more the network depends on a few."
        )
        % {"value": show("centralisation", s.centralisation)}
    ),
    "components": lambda s: (
        _(
            "Groups of organisations linked to each other and to no one else: %(components)s, the largest holding "
            "%(largest)s of the organisations. More than one group means silos."
        )
        % {
            "components": show("components", s.components),
            "largest": show("largest_component_share", s.largest_component_share),
        }
    ),
    "largest_component_share": lambda s: (
        _(
            "The share of organisations in the largest connected group: %(value)s. The others cannot reach it, even "
            "through partners."
        )
        % {"value": show("largest_component_share", s.largest_component_share)}
    ),
    "fragmentation": lambda s: (
        _(
            "The share of pairs of organisations that cannot reach each other, even through partners: %(value)s "
            "(0 %% when everyone can reach everyone)."
        )
        % {"value": show("fragmentation", s.fragmentation)}
    ),
    "communities": lambda s: (
        _(
            "Groups of organisations that work more among themselves than with the others (Louvain method): "
            "%(communities)s groups, modularity %(modularity)s."
        )
        % {"communities": show("communities", s.communities), "modularity": show("modularity", s.modularity)}
    ),
    "modularity": lambda s: (
        _(
            "How clear-cut those groups are, from 0 (no groups) to 1 (separate groups): %(value)s. Above 0.3 the "
            "groups are marked: watch that they still talk to each other."
        )
        % {"value": show("modularity", s.modularity)}
    ),
    "reciprocity": lambda s: (
        _(
            "The share of referral links answered by a referral in the other direction: %(value)s. Low: some "
            "partners only send, others only receive."
        )
        % {"value": show("reciprocity", s.reciprocity)}
        if s.reciprocity is not None
        else _("No referral between member organisations in the period: reciprocity cannot be measured.")
    ),
    "core_size": lambda s: (
        _(
            "Organisations in the core, the densest group where each works with many others of the group: "
            "%(core)s of %(organisations)s; the others form the periphery."
        )
        % {"core": show("core_size", s.core_size), "organisations": show("organisations", s.organisations)}
    ),
    "referrals_counted": lambda s: _("Whether referrals between organisations were counted in this snapshot."),
}


def network_indicators(snapshot: Snapshot) -> list[Indicator]:
    """Rule 2: every number field of the snapshot, explained."""
    result = []
    for f in _number_fields(Snapshot, SNAPSHOT_META):
        value = getattr(snapshot, f.name)
        explain = NETWORK_EXPLANATIONS.get(f.name)
        result.append(
            Indicator(
                name=f.name,
                label=capfirst(str(f.verbose_name)),
                value=show(f.name, value, field_=f),
                explanation=explain(snapshot) if explain else str(f.help_text or ""),
                raw=value,
            )
        )
    return result


# Organisations ------------------------------------------------------------------------------------------------


ORGANISATION_DESCRIPTIONS = {
    "load": gettext_lazy(
        "Active caseload over declared capacity: above 100 % the organisation follows more persons "
        "than it says it can."
    ),
    "caseload": gettext_lazy("Persons it followed at the end of the period."),
    "capacity": gettext_lazy("Persons it says it can follow at once."),
    "heavy": gettext_lazy("Persons it follows with a heavy open need (weight 4 or 5)."),
    "declined_no_capacity": gettext_lazy("Referrals it declined for lack of capacity: a sign of overload."),
    "declined_out_of_criteria": gettext_lazy(
        "Referrals it declined as out of its criteria: the elasticity of its rules."
    ),
    "answer_hours": gettext_lazy("Median time it took to answer a referral."),
    "degree": gettext_lazy("Organisations it worked with in the period."),
    "strength": gettext_lazy("Persons followed together, meetings and referrals with all its partners."),
    "betweenness": gettext_lazy("Share of the shortest paths between other organisations that pass through it."),
    "dependence": gettext_lazy("Share of connected pairs of organisations that would be cut apart without it."),
    "in_core": gettext_lazy("In the densest group of the network (otherwise in the periphery)."),
    "community": gettext_lazy("The group of organisations it works with most (a number, for comparing rows)."),
}


@dataclass
class Column:
    name: str
    label: str
    description: str


def organisation_columns() -> list[Column]:
    """Rule 2: the derived load first, then every number field of OrganisationMetrics."""
    columns = [Column("load", _("Load"), str(ORGANISATION_DESCRIPTIONS["load"]))]
    for f in _number_fields(OrganisationMetrics, ORGANISATION_META):
        description = ORGANISATION_DESCRIPTIONS.get(f.name) or f.help_text or ""
        columns.append(Column(f.name, capfirst(str(f.verbose_name)), str(description)))
    return columns


def load_value(metrics: OrganisationMetrics) -> float | None:
    """Rule 3 of `cells`: a load computed from a hidden caseload is hidden too."""
    if not metrics.capacity or cells.hidden("caseload", metrics.caseload):
        return None
    return metrics.caseload / metrics.capacity


@dataclass
class OrganisationRow:
    metrics: OrganisationMetrics
    name: str
    sector: str
    cells: list[str]
    overloaded: bool = False


def organisation_rows(metrics: Iterable[OrganisationMetrics], columns: list[Column]) -> list[OrganisationRow]:
    sectors = dict(Sector.choices)
    rows = []
    for m in metrics:
        values = []
        for column in columns:
            if column.name == "load":
                load = load_value(m)
                values.append(
                    show("load", load) if load is not None else ("—" if not m.capacity else str(cells.HIDDEN))
                )
            elif cells.derived_hidden(column.name, m):
                values.append(str(cells.HIDDEN))
            else:
                values.append(show(column.name, getattr(m, column.name)))
        rows.append(
            OrganisationRow(
                metrics=m,
                name=m.organisation.name,
                sector=str(sectors.get(m.sector, m.sector or "—")),
                cells=values,
                overloaded=bool(m.capacity and m.caseload > m.capacity),
            )
        )
    return rows


# Alerts -------------------------------------------------------------------------------------------------------

FACT_LABELS = {
    "caseload": gettext_lazy("active caseload"),
    "capacity": gettext_lazy("declared capacity"),
    "ratio": gettext_lazy("alert above this share of the capacity"),
    "heavy": gettext_lazy("heavy situations"),
    "declined_no_capacity": gettext_lazy("declined for lack of capacity"),
    "declines_threshold": gettext_lazy("alert from this many declines"),
    "received": gettext_lazy("referrals received"),
    "out_of_criteria": gettext_lazy("declined as out of criteria"),
    "share": gettext_lazy("alert from this share (%)"),
    "dependence": gettext_lazy("connections that depend on it (%)"),
    "betweenness": gettext_lazy("betweenness"),
    "threshold": gettext_lazy("threshold"),
    "crisis_work": gettext_lazy("joint work in crises"),
    "organisations": gettext_lazy("organisations"),
    "largest": gettext_lazy("organisations in the largest group"),
    "over_solicited": gettext_lazy("persons who may be over-solicited"),
    "abandoned": gettext_lazy("persons who may feel abandoned"),
}


def _names(ids: list[int], names: dict[int, str]) -> str:
    return ", ".join(sorted((names.get(i, "?") for i in ids), key=collation_key))


def _why_overload(alert: Alert, f: dict, names: dict[int, str]) -> str:
    parts = []
    if f.get("capacity"):
        parts.append(
            _("it follows %(caseload)s persons for a declared capacity of %(capacity)s (alert above %(ratio)s %%)")
            % {
                "caseload": show("caseload", f.get("caseload")),
                "capacity": show("capacity", f.get("capacity")),
                "ratio": formats.number_format(float(f.get("ratio", 1)) * 100, decimal_pos=0),
            }
        )
    parts.append(
        _("it declined %(declined)s referrals for lack of capacity in the period (alert from %(threshold)s)")
        % {
            "declined": show("declined_no_capacity", f.get("declined_no_capacity")),
            "threshold": f.get("declines_threshold", "—"),
        }
    )
    return _("%(organisation)s may be overloaded: %(reasons)s.") % {
        "organisation": names.get(alert.organisation_id, "?"),
        "reasons": _("; ").join(parts),
    }


ALERT_WHY: dict[str, Callable[[Alert, dict, dict[int, str]], str]] = {
    AlertKind.OVERLOAD: _why_overload,
    AlertKind.RIGID_CRITERIA: lambda a, f, names: (
        _(
            "%(organisation)s declined %(out)s of the %(received)s referrals it received as out of its criteria "
            "(alert from %(share)s %%)."
        )
        % {
            "organisation": names.get(a.organisation_id, "?"),
            "out": show("out_of_criteria", f.get("out_of_criteria")),
            "received": show("received", f.get("received")),
            "share": f.get("share", "—"),
        }
    ),
    AlertKind.BROKER: lambda a, f, names: (
        _(
            "Without %(organisation)s, %(dependence)s %% of the pairs of organisations now connected would be cut "
            "apart (alert from %(threshold)s %%): the network depends on it to hold together."
        )
        % {
            "organisation": names.get(a.organisation_id, "?"),
            "dependence": f.get("dependence", "—"),
            "threshold": f.get("threshold", "—"),
        }
    ),
    AlertKind.CRISIS_ONLY_LINK: lambda a, f, names: (
        _(
            "%(first)s and %(second)s worked together %(times)s times in the period, every time in a crisis, never "
            "outside one (alert from %(threshold)s): build this link outside crises."
        )
        % {
            "first": names.get(a.organisation_id, "?"),
            "second": names.get(a.other_organisation_id, "?"),
            "times": f.get("crisis_work", "—"),
            "threshold": f.get("threshold", "—"),
        }
    ),
    AlertKind.OVER_SOLICITATION: lambda a, f, names: (
        _(
            "%(organisation)s should act for %(count)s persons who may be over-solicited: many organisations, "
            "contacts or referrals around them, few actions carried by themselves. Its professionals see who in "
            "their list of persons needing attention."
        )
        % {"organisation": names.get(a.organisation_id, "?"), "count": show("over_solicited", f.get("over_solicited"))}
    ),
    AlertKind.ABANDONMENT: lambda a, f, names: (
        _(
            "%(organisation)s should act for %(count)s persons who may feel abandoned: no contact for a long time, "
            "needs no one carries, referrals unanswered or declined one after the other. Its professionals see who "
            "in their list of persons needing attention."
        )
        % {"organisation": names.get(a.organisation_id, "?"), "count": show("abandoned", f.get("abandoned"))}
    ),
    AlertKind.SILO: lambda a, f, names: (
        _(
            "%(count)s organisations work with each other and with no one else in the network: %(names)s (the largest "
            "group holds %(largest)s organisations)."
        )
        % {
            "count": len(f.get("organisations", [])),
            "names": _names(f.get("organisations", []), names),
            "largest": f.get("largest", "—"),
        }
    ),
}


@dataclass
class AlertShown:
    alert: Alert
    why: str
    facts: list[tuple[str, str]]


@dataclass
class AlertGroup:
    kind: str
    label: str
    count: int
    alerts: list[AlertShown] = field(default_factory=list)


def _fact_value(name: str, value: Any, names: dict[int, str]) -> str:
    if name == "organisations" and isinstance(value, list):
        return _names(value, names)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if cells.hidden(name, value):
        return str(cells.HIDDEN)
    return formats.number_format(value, decimal_pos=3 if isinstance(value, float) and value < 1 else None)


def alert_shown(alert: Alert, names: dict[int, str]) -> AlertShown:
    facts = alert.facts if isinstance(alert.facts, dict) else {}
    why_for = ALERT_WHY.get(alert.kind)
    if why_for is not None:
        why = why_for(alert, facts, names)
    else:
        subject = " - ".join(
            names[i] for i in (alert.organisation_id, alert.other_organisation_id) if i is not None and i in names
        )
        why = f"{alert.get_kind_display()}{': ' + subject if subject else ''}."
    listed = [
        (str(FACT_LABELS.get(name, name.replace("_", " "))), _fact_value(name, value, names))
        for name, value in facts.items()
    ]
    return AlertShown(alert=alert, why=why, facts=listed)


def alert_organisation_ids(alerts: Iterable[Alert]) -> set[int]:
    ids: set[int] = set()
    for alert in alerts:
        ids.update(i for i in (alert.organisation_id, alert.other_organisation_id) if i is not None)
        listed = alert.facts.get("organisations") if isinstance(alert.facts, dict) else None
        if isinstance(listed, list):
            ids.update(i for i in listed if isinstance(i, int))
    return ids


# Trends -------------------------------------------------------------------------------------------------------


def is_monthly(snapshot: Snapshot) -> bool:
    start, end = snapshot.period_start, snapshot.period_end
    return (
        start.day == 1
        and (start.year, start.month) == (end.year, end.month)
        and end.day == calendar.monthrange(end.year, end.month)[1]
    )


@dataclass
class Trend:
    months: list[str]
    columns: list[Indicator]  # the label of each column; values per row below
    rows: list[tuple[str, list[str]]]
    chart: SafeString


def trends(monthly: list[Snapshot]) -> Trend:
    """Rule 5: the monthly snapshots as a line chart of the network's shares, and as a table of every field."""
    months = [formats.date_format(s.period_start, "YEAR_MONTH_FORMAT") for s in monthly]
    fields_ = _number_fields(Snapshot, SNAPSHOT_META | {"referrals_counted"})
    columns = [Indicator(f.name, capfirst(str(f.verbose_name)), "", "") for f in fields_]
    rows = [
        (month, [show(f.name, getattr(s, f.name), field_=f) for f in fields_])
        for month, s in zip(months, monthly, strict=True)
    ]
    lines = []
    for name in TREND_LINES:
        f = Snapshot._meta.get_field(name)
        lines.append((capfirst(str(f.verbose_name)), [getattr(s, name) for s in monthly]))
    return Trend(months=months, columns=columns, rows=rows, chart=line_chart(months, lines))


def trend_title() -> str:
    return _("Trends of the network, month by month (the table below holds the same numbers)")


def line_chart(labels: list[str], lines: list[tuple[str, list[float | None]]]) -> SafeString:
    """Shares (0 to 1) over time, one line per indicator, each with its colour and dash; a legend below."""
    width, height, left, right, top, bottom = 640, 260, 48, 16, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(labels)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - max(0.0, min(1.0, v)))

    parts = [
        f'<svg class="trend-chart" viewBox="0 0 {width} {height + 22 * len(lines)}" role="img" '
        f'aria-labelledby="trend-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="trend-title">{escape(trend_title())}</title>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        ty = y(tick)
        parts.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{width - right}" y2="{ty:.1f}" stroke="#d5dbe1"/>')
        parts.append(
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" fill="#3d4752">'
            f"{int(tick * 100)} %</text>"
        )
    step = max(1, math.ceil(n / 8))
    for i, label in enumerate(labels):
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" '
                f'fill="#3d4752">{escape(label)}</text>'
            )
    for index, (name, values) in enumerate(lines):
        colour, dash = LINE_COLOURS[index % len(LINE_COLOURS)], LINE_DASHES[index % len(LINE_DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        points = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        for (px, py), value in zip(points, [v for v in values if v is not None], strict=True):
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"><title>{escape(name)}: '
                f"{escape(show('density', value))}</title></circle>"
            )
        ly = height + 22 * index + 8
        parts.append(
            f'<line x1="{left}" y1="{ly}" x2="{left + 28}" y2="{ly}" stroke="{colour}" stroke-width="2"{dash_attr}/>'
            f'<text x="{left + 36}" y="{ly + 4}" font-size="12" fill="#1b2733">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped


# The map ------------------------------------------------------------------------------------------------------


@dataclass
class MapNode:
    key: str  # the id of the table row that details it
    x: float
    y: float
    radius: float
    colour: str
    label: str
    outlined: bool = False


@dataclass
class MapEdge:
    a: str
    b: str
    width: float
    colour: str
    dashed: bool
    label: str


def trust_colour(trust: float | None) -> str:
    if trust is None:
        return LINK_COLOUR
    return TRUST_COLOURS[max(1, min(4, round(trust)))]


def node_radius(caseload: int, largest: int) -> float:
    return 6 + 18 * math.sqrt(caseload / largest) if largest else 8


def edge_width(weight: float, largest: float) -> float:
    return 1 + 7 * weight / largest if largest else 1


def network_svg(nodes: list[MapNode], edges: list[MapEdge], *, title: str, label_nodes: bool) -> SafeString:
    """Rule 5: nodes are links to their table row (keyboard and click reach the details), edges are drawn first."""
    width, height = 1000, 700
    where = {node.key: node for node in nodes}
    parts = [
        f'<svg class="network-map" viewBox="0 0 {width} {height}" data-viewbox="0 0 {width} {height}" '
        f'aria-labelledby="map-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="map-title">{escape(title)}</title><g class="map-edges">',
    ]
    for edge in edges:
        a, b = where.get(edge.a), where.get(edge.b)
        if a is None or b is None:
            continue
        dash = ' stroke-dasharray="8 5"' if edge.dashed else ""
        parts.append(
            f'<line x1="{a.x:.1f}" y1="{a.y:.1f}" x2="{b.x:.1f}" y2="{b.y:.1f}" stroke="{edge.colour}" '
            f'stroke-width="{edge.width:.1f}" stroke-opacity="0.75"{dash}><title>{escape(edge.label)}</title></line>'
        )
    parts.append('</g><g class="map-nodes">')
    for node in nodes:
        outline = ' stroke="#b00020" stroke-width="4"' if node.outlined else ' stroke="#ffffff" stroke-width="1.5"'
        text = (
            f'<text x="{node.x:.1f}" y="{node.y + node.radius + 13:.1f}" text-anchor="middle" font-size="12" '
            f'fill="#1b2733">{escape(_short(node.label))}</text>'
            if label_nodes
            else ""
        )
        parts.append(
            f'<a href="#{escape(node.key)}" class="map-node" data-row="{escape(node.key)}" '
            f'aria-label="{escape(node.label)}"><circle cx="{node.x:.1f}" cy="{node.y:.1f}" r="{node.radius:.1f}" '
            f'fill="{node.colour}"{outline}/>{text}</a>'
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def network_map(
    metrics: list[OrganisationMetrics], links: list[LinkMetrics], overloaded: set[int], *, title: str
) -> SafeString:
    largest_caseload = max((m.caseload for m in metrics), default=0)
    largest_weight = max((link.weight for link in links), default=0)
    nodes = [
        MapNode(
            key=f"org-{m.organisation_id}",
            x=40 + m.x * 920,
            y=30 + m.y * 640,
            radius=node_radius(m.caseload, largest_caseload),
            colour=SECTOR_COLOURS.get(m.sector, LINK_COLOUR),
            label=m.organisation.name,
            outlined=m.organisation_id in overloaded,
        )
        for m in metrics
    ]
    names = {m.organisation_id: m.organisation.name for m in metrics}
    edges = [
        MapEdge(
            a=f"org-{link.source_id}",
            b=f"org-{link.target_id}",
            width=edge_width(link.weight, largest_weight),
            colour=trust_colour(link.stated_trust),
            dashed=link.crisis_only,
            label=link_label(link, names),
        )
        for link in links
    ]
    return network_svg(nodes, edges, title=title, label_nodes=len(nodes) <= 40)


def link_label(link: LinkMetrics, names: dict[int, str]) -> str:
    text = _("%(a)s and %(b)s: strength %(weight)s") % {
        "a": names.get(link.source_id, "?"),
        "b": names.get(link.target_id, "?"),
        "weight": show("weight", link.weight),
    }
    if link.stated_trust is not None:
        text += ", " + _("stated trust %(trust)s / 4") % {"trust": show("trust_given", link.stated_trust)}
    if link.crisis_only:
        text += ", " + _("only in crises")
    return text


def ego_map(organisation_name: str, sector: str, partners: list[tuple[LinkMetrics, int, str, str]]) -> SafeString:
    """The organisation in the centre, its partners around it by strength of link: (link, partner id, name, sector)."""
    largest = max((link.weight for link, *_ in partners), default=0)
    centre = MapNode("ego-self", 500, 350, 22, SECTOR_COLOURS.get(sector, LINK_COLOUR), organisation_name)
    nodes, edges = [centre], []
    count = len(partners)
    for index, (link, partner, name, partner_sector) in enumerate(partners):
        angle = 2 * math.pi * index / max(count, 1) - math.pi / 2
        key = f"partner-{partner}"
        nodes.append(
            MapNode(
                key,
                500 + 270 * math.cos(angle),
                350 + 260 * math.sin(angle),
                12,
                SECTOR_COLOURS.get(partner_sector, LINK_COLOUR),
                name,
            )
        )
        edges.append(
            MapEdge(
                "ego-self",
                key,
                edge_width(link.weight, largest),
                trust_colour(link.stated_trust),
                link.crisis_only,
                link_label(
                    link,
                    {
                        link.source_id: organisation_name if link.source_id != partner else name,
                        link.target_id: organisation_name if link.target_id != partner else name,
                    },
                ),
            )
        )
    return network_svg(
        nodes,
        edges,
        title=_("%(organisation)s and its partners") % {"organisation": organisation_name},
        label_nodes=count <= 40,
    )


def sector_legend(sectors: Iterable[str]) -> list[tuple[str, str]]:
    labels = dict(Sector.choices)
    present = sorted(set(sectors), key=lambda s: collation_key(str(labels.get(s, s))))
    return [(str(labels.get(s, s)), SECTOR_COLOURS.get(s, LINK_COLOUR)) for s in present]
