"""The network's annual activity report as a PDF (reportlab), assembled from aggregates only.

What it holds: the network, its members at the year's end, the charter in force and how many members signed
it, the bodies and how many times they met, each objective with its baseline, target and the year's
measurements, the learning loops (reviews shared, practice sheets) and the meet-a-partner events. Counts
about persons are those of the indicator registry, already hidden under 5. No name of a person supported
appears: the texts of reviews are not copied, only their number.
"""

import datetime as dt
import io
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from maillage.governance import indicators, selectors
from maillage.governance.enums import ReviewStatus
from maillage.governance.models import Network


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _number(value) -> str:
    return "—" if value is None else formats.number_format(value, decimal_pos=0 if value == int(value) else 2)


def activity_report_pdf(network: Network, year: int) -> bytes:
    styles = getSampleStyleSheet()
    body, h1, h2 = styles["BodyText"], styles["Title"], styles["Heading2"]
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Activity report %(year)s — %(network)s") % {"year": year, "network": network.name},
        author=network.organisation.name,
        lang=get_language(),
    )
    table_style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    story = [
        _p(_("Activity report %(year)s") % {"year": year}, h1),
        _p(network.name, styles["Heading3"]),
        _p(network.mission, body),
        Spacer(1, 4 * mm),
        _p(_("Members"), h2),
    ]
    members = indicators.member_organisations(network, end)
    story.append(_p(_("%(count)s member organisations on 31 December.") % {"count": members}, body))

    charter = selectors.charter(network)
    adopted = selectors.adopted_version(charter)
    story.append(_p(_("Charter"), h2))
    if adopted:
        story.append(
            _p(
                _("Version %(number)s, adopted on %(date)s, signed by %(signed)s of %(members)s member organisations.")
                % {
                    "number": adopted.number,
                    "date": formats.date_format(adopted.adopted_on, "SHORT_DATE_FORMAT"),
                    "signed": adopted.signatures.count(),
                    "members": len(selectors.current_members(network)),
                },
                body,
            )
        )
    else:
        story.append(_p(_("The network has no adopted charter yet."), body))

    story.append(_p(_("Bodies"), h2))
    rows = [[_p(_("Body"), body), _p(_("Meetings in the year"), body), _p(_("Decisions"), body)]]
    for item in network.bodies.all():
        meetings = item.meetings.filter(starts_at__date__range=(start, end))
        decisions = sum(m.decisions.count() for m in meetings)
        rows.append([_p(item.name, body), _p(str(meetings.count()), body), _p(str(decisions), body)])
    story.append(Table(rows, colWidths=[90 * mm, 40 * mm, 40 * mm], style=table_style, repeatRows=1))

    story.append(_p(_("Objectives"), h2))
    rows = [[_p(h, body) for h in (_("Objective"), _("Baseline"), _("Target"), _("Latest in the year"))]]
    for progress in selectors.objectives_progress(network):
        objective = progress.objective
        in_year = [m for m in progress.points if start <= m.measured_on <= end]
        latest = in_year[-1] if in_year else None
        latest_text = (
            _("fewer than 5")
            if latest and latest.suppressed
            else f"{_number(latest.value)} ({formats.date_format(latest.measured_on, 'SHORT_DATE_FORMAT')})"
            if latest
            else "—"
        )
        rows.append(
            [
                _p(objective.title, body),
                _p(_number(objective.baseline), body),
                _p(
                    f"{_number(objective.target)} ({formats.date_format(objective.target_on, 'SHORT_DATE_FORMAT')})",
                    body,
                ),
                _p(latest_text, body),
            ]
        )
    story.append(Table(rows, colWidths=[70 * mm, 30 * mm, 40 * mm, 34 * mm], style=table_style, repeatRows=1))

    story.append(_p(_("Learning together"), h2))
    reviews = network.reviews.filter(status=ReviewStatus.SHARED, shared_at__date__range=(start, end)).count()
    sheets = network.practice_sheets.filter(created_at__date__range=(start, end)).count()
    events = network.events.filter(starts_at__date__range=(start, end)).count()
    for line in (
        _("Experience reviews shared: %(count)s") % {"count": reviews},
        _("Practice sheets written: %(count)s") % {"count": sheets},
        _("Meet-a-partner events: %(count)s") % {"count": events},
    ):
        story.append(_p(line, body))
    story.append(Spacer(1, 6 * mm))
    story.append(
        _p(
            _("Made by Maillage on %(date)s. Counts about persons under 5 are not shown.")
            % {"date": formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")},
            styles["Italic"],
        )
    )
    document.build(story)
    return buffer.getvalue()
