"""The ecomap: an SVG picture of a person's networks, and the same ties as a table.

A pure function of a small typed input, so that pages, the person's own space, exports and tests
draw the same picture. Usual ecomap conventions: the person in the centre, the primary network
(relatives, friends, neighbours) on the left, the secondary network (organisations and
professionals) on the right; a thick solid line for a strong tie, a thin solid line for an
ordinary one, a dashed line for a weak one, cross-hatching for a stressful one; arrows show which
way support flows. Shapes and line styles, not colours alone, carry the meaning, so the picture
reads when printed in black and white.

Layout is deterministic: ties are sorted, then placed on an arc on their side, the middle ones
farthest from the centre. A line to one box therefore ends before it could reach any box nearer
the middle, and boxes are one row apart, so neither boxes nor lines overlap, whatever the count.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SVG_NS = "http://www.w3.org/2000/svg"

# Colours: each at least 7:1 on white (AA for text, and for lines at any width).
INK = "#1d2330"
MUTED = "#4a5262"
PRIMARY = "#0b5d6b"
PRIMARY_FILL = "#e3f1f3"
SECONDARY = "#553285"
SECONDARY_FILL = "#efe9f7"
STRESS = "#a4161a"
CENTRE_FILL = "#fff4d6"

WIDTH = 1000
CENTRE_RADIUS = 62
BOX_WIDTH = 240
BOX_HEIGHT = 40
PITCH = 50  # vertical distance between two boxes of one side
NEAR = 115  # horizontal distance from the centre to the inner edge of the top and bottom boxes
FAR = 230  # ... and of the middle box
TOP = 64  # room for the side headings
MIN_ROWS = 4
LABEL_CHARS = 25
DETAIL_CHARS = 34


class Network(models.TextChoices):
    PRIMARY = "PRIMARY", gettext_lazy("Primary network")
    SECONDARY = "SECONDARY", gettext_lazy("Secondary network")


class Strength(models.TextChoices):
    STRONG = "STRONG", gettext_lazy("Strong")
    MODERATE = "MODERATE", gettext_lazy("Ordinary")
    WEAK = "WEAK", gettext_lazy("Weak")


class Support(models.TextChoices):
    NONE = "NONE", gettext_lazy("No support either way")
    TO_PERSON = "TO_PERSON", gettext_lazy("Gives support to the person")
    FROM_PERSON = "FROM_PERSON", gettext_lazy("Receives support from the person")
    MUTUAL = "MUTUAL", gettext_lazy("Mutual support")


@dataclass(frozen=True)
class Tie:
    """One tie between the person and someone in their network (a relative, an organisation)."""

    label: str
    network: Network
    detail: str = ""
    strength: Strength = Strength.MODERATE
    stressful: bool = False
    support: Support = Support.NONE


@dataclass(frozen=True)
class Ecomap:
    person: str
    ties: tuple[Tie, ...] = field(default_factory=tuple)

    def side(self, network: Network) -> list[Tie]:
        chosen = [tie for tie in self.ties if tie.network == network]
        return sorted(chosen, key=lambda tie: (tie.label.casefold(), tie.detail.casefold(), tie.strength))


@dataclass(frozen=True)
class TieRow:
    """One line of the text alternative: the same tie in words."""

    network: str
    label: str
    detail: str
    strength: str
    stressful: str
    support: str


def table_rows(ecomap: Ecomap) -> list[TieRow]:
    """The ecomap as a table, primary network first, in the same order as the picture."""
    rows = []
    for network in (Network.PRIMARY, Network.SECONDARY):
        for tie in ecomap.side(network):
            rows.append(
                TieRow(
                    network=str(network.label),
                    label=tie.label,
                    detail=tie.detail,
                    strength=str(Strength(tie.strength).label),
                    stressful=_("Yes") if tie.stressful else _("No"),
                    support=str(Support(tie.support).label),
                )
            )
    return rows


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str | float) -> ET.Element:
    names = {key: key.rstrip("_").replace("_", "-") for key in attributes}
    values = {names[key]: _attr(value) for key, value in attributes.items()}
    if tag == "text":
        values = {**TEXT_STYLES.get(values.get("class", ""), {}), **values}
    element = ET.SubElement(parent, tag, values)
    if text is not None:
        element.text = text
    return element


# Text styles as presentation attributes: a page's Content-Security-Policy blocks an inline <style>.
TEXT_STYLES: dict[str, dict[str, str]] = {
    "label": {"font-size": "14", "font-weight": "600", "fill": INK},
    "detail": {"font-size": "12", "fill": MUTED},
    "centre-label": {"font-size": "14", "font-weight": "700", "fill": INK},
    "heading": {"font-size": "16", "font-weight": "700"},
    "empty": {"font-size": "14", "font-style": "italic", "fill": MUTED},
    "legend-title": {"font-size": "14", "font-weight": "700", "fill": INK},
    "legend-text": {"font-size": "13", "fill": INK},
}


def _attr(value: str | float) -> str:
    return _fmt(value) if isinstance(value, int | float) else value


def _colour(network: Network) -> str:
    return PRIMARY if network == Network.PRIMARY else SECONDARY


def _markers(defs: ET.Element, prefix: str) -> None:
    for name, colour in (("primary", PRIMARY), ("secondary", SECONDARY)):
        marker = _sub(
            defs,
            "marker",
            id=f"{prefix}-arrow-{name}",
            viewBox="0 0 12 12",
            refX=11,
            refY=6,
            markerWidth=14,
            markerHeight=14,
            markerUnits="userSpaceOnUse",
            orient="auto-start-reverse",
        )
        _sub(marker, "path", d="M0,0 L12,6 L0,12 z", fill=colour)


def _line(
    parent: ET.Element,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    colour: str,
    strength: Strength,
    stressful: bool,
    support: Support,
    prefix: str,
    marker: str,
) -> None:
    """A tie's line from `start` (the person's side) to `end` (the other side), with its marks."""
    group = _sub(parent, "g", class_=f"tie tie-{strength.lower()}" + (" tie-stressful" if stressful else ""))
    attributes: dict[str, str | float] = {
        "x1": start[0],
        "y1": start[1],
        "x2": end[0],
        "y2": end[1],
        "stroke": colour,
        "stroke_width": {Strength.STRONG: 5, Strength.MODERATE: 2.5, Strength.WEAK: 2}[strength],
        "stroke_linecap": "butt",
    }
    if strength == Strength.WEAK:
        attributes["stroke_dasharray"] = "8 6"
    if support in (Support.TO_PERSON, Support.MUTUAL):
        attributes["marker_start"] = f"url(#{prefix}-arrow-{marker})"
    if support in (Support.FROM_PERSON, Support.MUTUAL):
        attributes["marker_end"] = f"url(#{prefix}-arrow-{marker})"
    _sub(group, "line", class_="tie-line", **attributes)
    if stressful:
        _hatch(group, start, end)


def _hatch(parent: ET.Element, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Cross-hatch marks along the line: the ecomap sign for a stressful tie."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy)
    if length < 30:
        return
    ux, uy = dx / length, dy / length
    # Slanted marks (45 degrees off the line), away from both ends where the arrows are.
    nx, ny = (-uy + ux) / math.sqrt(2), (ux + uy) / math.sqrt(2)
    path = []
    # Only on the outer part of the line: near the centre, lines run close together.
    position = max(14.0, length * 0.3)
    while position <= length - 14:
        x, y = start[0] + ux * position, start[1] + uy * position
        path.append(f"M{_fmt(x - nx * 7)},{_fmt(y - ny * 7)} L{_fmt(x + nx * 7)},{_fmt(y + ny * 7)}")
        position += 11
    _sub(parent, "path", class_="tie-hatch", d=" ".join(path), stroke=STRESS, stroke_width=2, fill="none")


def _box(parent: ET.Element, x: float, y: float, tie: Tie) -> None:
    colour = _colour(tie.network)
    group = _sub(parent, "g", class_=f"node node-{tie.network.lower()}")
    _sub(group, "title", tie.label + (f" — {tie.detail}" if tie.detail else ""))
    rounding = 16 if tie.network == Network.PRIMARY else 2
    fill = PRIMARY_FILL if tie.network == Network.PRIMARY else SECONDARY_FILL
    _sub(
        group,
        "rect",
        x=x,
        y=y,
        width=BOX_WIDTH,
        height=BOX_HEIGHT,
        rx=rounding,
        fill=fill,
        stroke=colour,
        stroke_width=1.5,
    )
    if tie.detail:
        _sub(group, "text", _shorten(tie.label, LABEL_CHARS), x=x + 12, y=y + 17, class_="label")
        _sub(group, "text", _shorten(tie.detail, DETAIL_CHARS), x=x + 12, y=y + 32, class_="detail")
    else:
        _sub(group, "text", _shorten(tie.label, LABEL_CHARS), x=x + 12, y=y + 25, class_="label")


def _centre_label(parent: ET.Element, text: str, cx: float, cy: float) -> None:
    # Break on spaces and after hyphens ("Fontaine-" / "Leroy"), at most three lines.
    words = " ".join(text.split()).replace("-", "- ").split(" ")
    lines: list[str] = []
    for word in words:
        joiner = "" if lines and lines[-1].endswith("-") else " "
        if lines and len(lines[-1]) + len(joiner) + len(word) <= 12:
            lines[-1] += joiner + word
        else:
            lines.append(word)
    if len(lines) > 3:
        lines = [*lines[:2], _shorten(" ".join(lines[2:]), 12)]
    lines = [_shorten(line, 13) for line in lines]
    first = cy - (len(lines) - 1) * 9 + 5
    for index, line in enumerate(lines):
        _sub(parent, "text", line, x=cx, y=first + index * 18, class_="centre-label", text_anchor="middle")


def _legend(parent: ET.Element, top: float, prefix: str) -> float:
    """The legend, inside the picture so that it travels with a download or a print. Returns its height."""
    group = _sub(parent, "g", class_="legend")
    _sub(group, "rect", x=20, y=top, width=WIDTH - 40, height=150, fill="#ffffff", stroke=MUTED, stroke_width=1)
    _sub(group, "text", _("Legend"), x=36, y=top + 24, class_="legend-title")
    rows = [
        [
            (_("Strong tie"), Strength.STRONG, False, Support.NONE),
            (_("Ordinary tie"), Strength.MODERATE, False, Support.NONE),
            (_("Weak tie"), Strength.WEAK, False, Support.NONE),
            (_("Stressful tie"), Strength.MODERATE, True, Support.NONE),
        ],
        [
            (_("Support to the person"), Strength.MODERATE, False, Support.TO_PERSON),
            (_("Support from the person"), Strength.MODERATE, False, Support.FROM_PERSON),
            (_("Mutual support"), Strength.MODERATE, False, Support.MUTUAL),
        ],
    ]
    for row, samples in enumerate(rows):
        column = (WIDTH - 72) / len(samples)
        for col, (text, strength, stressful, support) in enumerate(samples):
            x = 36 + col * column
            y = top + 50 + row * 34
            # The person's side is the left end of each sample: "to the person" points left.
            _line(
                group,
                (x, y),
                (x + 70, y),
                colour=INK,
                strength=strength,
                stressful=stressful,
                support=support,
                prefix=prefix,
                marker="legend",
            )
            _sub(group, "text", text, x=x + 82, y=y + 5, class_="legend-text")
    column = (WIDTH - 72) / 2
    y = top + 50 + 2 * 34
    shapes = [
        (_("Primary network: relatives, friends, neighbours"), Network.PRIMARY),
        (_("Secondary network: organisations, professionals"), Network.SECONDARY),
    ]
    for index, (text, network) in enumerate(shapes):
        x = 36 + index * column
        rounding = 9 if network == Network.PRIMARY else 1
        fill = PRIMARY_FILL if network == Network.PRIMARY else SECONDARY_FILL
        _sub(group, "rect", x=x, y=y - 10, width=70, height=20, rx=rounding, fill=fill, stroke=_colour(network))
        _sub(group, "text", text, x=x + 82, y=y + 5, class_="legend-text")
    return 150


def render_svg(ecomap: Ecomap, *, id_prefix: str = "ecomap") -> str:
    """The ecomap as a standalone SVG document (inline it in HTML as is; ids start with `id_prefix`)."""
    left = ecomap.side(Network.PRIMARY)
    right = ecomap.side(Network.SECONDARY)
    rows = max(len(left), len(right), MIN_ROWS)
    area = rows * PITCH
    cx, cy = WIDTH / 2, TOP + area / 2
    legend_top = TOP + area + 24
    height = legend_top + 150 + 20

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {WIDTH} {_fmt(height)}",
            "width": str(WIDTH),
            "height": _fmt(height),
            "role": "img",
            "aria-labelledby": f"{title_id} {desc_id}",
            "class": "ecomap",
            "font-family": "system-ui, 'DejaVu Sans', Arial, sans-serif",
        },
    )
    _sub(svg, "title", _("Ecomap of %(person)s") % {"person": ecomap.person}, id=title_id)
    _sub(
        svg,
        "desc",
        _(
            "%(person)s is in the centre. Primary network on the left: %(primary)d. "
            "Secondary network on the right: %(secondary)d. The table that follows the picture gives the same ties."
        )
        % {"person": ecomap.person, "primary": len(left), "secondary": len(right)},
        id=desc_id,
    )
    defs = _sub(svg, "defs")
    _markers(defs, id_prefix)
    legend_marker = _sub(
        defs,
        "marker",
        id=f"{id_prefix}-arrow-legend",
        viewBox="0 0 12 12",
        refX=11,
        refY=6,
        markerWidth=14,
        markerHeight=14,
        markerUnits="userSpaceOnUse",
        orient="auto-start-reverse",
    )
    _sub(legend_marker, "path", d="M0,0 L12,6 L0,12 z", fill=INK)
    _sub(svg, "rect", x=0, y=0, width=WIDTH, height=height, fill="#ffffff")

    _sub(svg, "text", str(Network.PRIMARY.label), x=30, y=34, class_="heading", fill=PRIMARY)
    secondary_heading = str(Network.SECONDARY.label)
    _sub(svg, "text", secondary_heading, x=WIDTH - 30, y=34, class_="heading", fill=SECONDARY, text_anchor="end")

    ties_group = _sub(svg, "g", class_="ties")
    nodes_group = _sub(svg, "g", class_="nodes")
    for side, ties in ((-1, left), (1, right)):
        if not ties:
            message = _("No relation recorded") if side < 0 else _("No organisation involved")
            x = cx + side * (NEAR + BOX_WIDTH / 2)
            _sub(svg, "text", message, x=x, y=cy + 5, class_="empty", text_anchor="middle")
            continue
        count = len(ties)
        half_span = (count - 1) / 2 * PITCH + PITCH
        for index, tie in enumerate(ties):
            dy = (index - (count - 1) / 2) * PITCH
            distance = NEAR + (FAR - NEAR) * math.sqrt(max(0.0, 1 - (dy / half_span) ** 2))
            inner_x = cx + side * distance
            box_x = inner_x if side > 0 else inner_x - BOX_WIDTH
            _box(nodes_group, box_x, cy + dy - BOX_HEIGHT / 2, tie)
            angle = math.atan2(dy, side * distance)
            start = (cx + CENTRE_RADIUS * math.cos(angle), cy + CENTRE_RADIUS * math.sin(angle))
            end = (inner_x - side * 1, cy + dy)
            _line(
                ties_group,
                start,
                end,
                colour=_colour(tie.network),
                strength=Strength(tie.strength),
                stressful=tie.stressful,
                support=Support(tie.support),
                prefix=id_prefix,
                marker=tie.network.lower(),
            )

    centre = _sub(svg, "g", class_="centre")
    _sub(centre, "circle", cx=cx, cy=cy, r=CENTRE_RADIUS, fill=CENTRE_FILL, stroke=INK, stroke_width=3)
    _centre_label(centre, ecomap.person, cx, cy)

    _legend(svg, legend_top, id_prefix)
    return ET.tostring(svg, encoding="unicode")
