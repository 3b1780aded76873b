# ruff: noqa: RUF001, RUF002 (the en dash between two hours is intended typography)
"""Opening hours in words ("du lundi au vendredi, 8 h 30 – 12 h et 13 h – 16 h") from an OSM `opening_hours`
value, never the raw code on screen.

The OSM parser (opening-hours-py) computes the open intervals of the current week; days with the same hours
are gathered into one line, consecutive days as a range. Holidays and seasonal rules therefore read as they
apply this week.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import opening_hours
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.text import get_text_list
from django.utils.translation import gettext as _


def clock(moment: time, *, end: bool = False) -> str:
    """ "8 h 30", "12 h" in French; "8:30", "12:00" in English. Midnight at the end of a span is "24 h"."""
    hour = 24 if end and moment == time(0) else moment.hour
    if moment.minute:
        return _("%(hour)d:%(minute)02d") % {"hour": hour, "minute": moment.minute}
    return _("%(hour)d:00") % {"hour": hour}


def _days(numbers: list[int]) -> str:
    names = [str(WEEKDAYS[n]) for n in numbers]  # "lundi" in French, "Monday" in English
    if len(numbers) == 7:
        return _("every day")
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return _("from %(first)s to %(last)s") % {"first": names[0], "last": names[-1]}
    return get_text_list(names, _("and"))


def week_spans(expression: str, monday: date) -> dict[int, list[tuple[time, time]]]:
    """Open spans per weekday (0 = Monday) in the week starting `monday`."""
    start = datetime.combine(monday, time(0))
    spans: dict[int, list[tuple[time, time]]] = {day: [] for day in range(7)}
    for opens, closes, state, _comment in opening_hours.OpeningHours(expression).intervals(
        start, start + timedelta(days=7)
    ):
        if state != opening_hours.State.OPEN:
            continue
        while opens < closes:  # a span across midnight counts on each day it touches
            day_end = datetime.combine(opens.date() + timedelta(days=1), time(0))
            stop = min(closes, day_end)
            spans[opens.weekday()].append((opens.time(), stop.time()))
            opens = stop
    return spans


def opening_hours_lines(expression: str, today: date | None = None) -> list[str]:
    """One line per group of days with the same hours, Monday first; [] when the value cannot be read."""
    expression = (expression or "").strip()
    if not expression:
        return []
    today = today or timezone.localdate()
    try:
        spans = week_spans(expression, today - timedelta(days=today.weekday()))
    except (SyntaxError, ValueError, opening_hours.ParserError):
        return []
    by_hours: dict[tuple, list[int]] = {}
    for day, day_spans in spans.items():
        if day_spans:
            by_hours.setdefault(tuple(day_spans), []).append(day)
    lines = []
    for hours, days in sorted(by_hours.items(), key=lambda item: item[1][0]):
        words = get_text_list([f"{clock(a)} – {clock(b, end=True)}" for a, b in hours], _("and"))
        lines.append(_("%(days)s, %(hours)s") % {"days": _days(days), "hours": words})
    return lines or [_("closed this week")]
