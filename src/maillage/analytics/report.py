"""Reports for funders and public bodies: a snapshot's aggregated indicators as CSV and PDF (typst).

The rules, in plain words:

1. Only aggregates: the network's indicators, each member organisation's numbers, the number of alerts of each
   kind and the unmet needs by commune and life domain. No person, no link between two organisations.
2. No cell under 5 persons (`cells.SMALL_CELL`): every count of persons, and every number derived from one,
   shows as "<5" below it, zero included. The same table feeds the CSV and the PDF, so both hide alike.
3. Texts reach typst as data (`sys.inputs`), never as markup: a name cannot change the document.
"""

import csv
import io
import json

import typst
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.analytics import cells, presenters, selectors
from maillage.analytics.models import NeedGap, Snapshot

SMALL_CELL = cells.SMALL_CELL

TEMPLATE = b"""
#let data = json(bytes(sys.inputs.data))
#set document(title: data.title)
#set page(paper: "a4", flipped: true, margin: 14mm, footer: context [#data.footer #h(1fr) #counter(page).display()])
#set text(lang: data.lang, size: 9pt)
= #data.title
#data.subtitle

#data.note
#for section in data.sections [
  == #section.title
  #table(
    columns: section.header.len(),
    stroke: 0.4pt + luma(160),
    fill: (_, y) => if y == 0 { luma(230) },
    ..section.header.map(h => strong(h)),
    ..section.rows.flatten(),
  )
]
"""


def _cell(name: str, value) -> str:
    """Rule 2: the one place a value becomes a report cell."""
    if cells.hidden(name, value):
        return cells.HIDDEN_SHORT
    return presenters.show(name, value)


def sections(snapshot: Snapshot) -> list[dict]:
    """The report's tables: a title, a header and rows of text cells."""
    network = {
        "title": _("The network"),
        "header": [_("Indicator"), _("Value")],
        "rows": [[i.label, _cell(i.name, i.raw)] for i in presenters.network_indicators(snapshot)],
    }
    columns = presenters.organisation_columns()
    organisations = {
        "title": _("Member organisations"),
        "header": [_("Organisation"), _("Sector")] + [c.label for c in columns],
        "rows": [],
    }
    for row in presenters.organisation_rows(selectors.organisations(snapshot), columns):
        m = row.metrics
        cells_ = []
        for column in columns:
            if column.name == "load":
                load = presenters.load_value(m)
                cells_.append(
                    presenters.show("load", load)
                    if load is not None
                    else ("—" if not m.capacity else cells.HIDDEN_SHORT)
                )
            elif cells.derived_hidden(column.name, m):
                cells_.append(cells.HIDDEN_SHORT)
            else:
                cells_.append(_cell(column.name, getattr(m, column.name)))
        organisations["rows"].append([row.name, row.sector, *cells_])
    counts = selectors.alert_counts(snapshot)
    alerts = {
        "title": _("Alerts raised"),
        "header": [_("Situation"), _("Alerts")],
        "rows": [[selectors.alert_kind_label(kind), str(n)] for kind, n in sorted(counts.items())],
    }
    gaps = {
        "title": _("Unmet needs by commune and life domain"),
        "header": [_("Commune"), _("Life domain"), _("Persons")],
        "rows": [
            [gap.commune.name, gap.life_domain.name, _cell("persons", gap.persons)]
            for gap in NeedGap.objects.filter(snapshot=snapshot).select_related("commune", "life_domain")
        ],
    }
    return [network, organisations, alerts, gaps]


def _period(snapshot: Snapshot) -> str:
    return _("From %(start)s to %(end)s") % {
        "start": formats.date_format(snapshot.period_start, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(snapshot.period_end, "SHORT_DATE_FORMAT"),
    }


def as_csv(snapshot: Snapshot) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Network analytics"), snapshot.network.name, _period(snapshot)])
    for section in sections(snapshot):
        writer.writerow([])
        writer.writerow([section["title"]])
        writer.writerow(section["header"])
        writer.writerows(section["rows"])
    return out.getvalue()


PDF_COLUMNS = 8


def _narrow(section: dict) -> list[dict]:
    """A table wider than the page becomes several, each repeating the first two columns (the organisation)."""
    header, rows = section["header"], section["rows"]
    if len(header) <= PDF_COLUMNS + 2:
        return [section]
    parts = range(2, len(header), PDF_COLUMNS)
    return [
        {
            "title": f"{section['title']} ({n}/{len(parts)})",
            "header": header[:2] + header[start : start + PDF_COLUMNS],
            "rows": [row[:2] + row[start : start + PDF_COLUMNS] for row in rows],
        }
        for n, start in enumerate(parts, 1)
    ]


def as_pdf(snapshot: Snapshot) -> bytes:
    data = {
        "title": _("Network analytics — %(network)s") % {"network": snapshot.network.name},
        "subtitle": _period(snapshot),
        "note": _("Aggregated indicators only, no personal data. Counts of persons under 5 are hidden (shown as <5)."),
        "footer": _("Computed on %(date)s")
        % {"date": formats.date_format(timezone.localtime(snapshot.taken_at), "SHORT_DATE_FORMAT")},
        "lang": (get_language() or "fr")[:2],
        "sections": [part for section in sections(snapshot) for part in _narrow(section)],
    }
    return typst.compile(TEMPLATE, sys_inputs={"data": json.dumps(data, ensure_ascii=False)}, ignore_system_fonts=True)


def filename(snapshot: Snapshot, extension: str) -> str:
    return f"maillage-analytics-{snapshot.period_start:%Y%m%d}-{snapshot.period_end:%Y%m%d}.{extension}"
