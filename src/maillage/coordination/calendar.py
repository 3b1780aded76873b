"""The calendar's periods: a week (Monday first) or a month, in the site's time zone."""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date  # inclusive
    span: str

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.first, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min))

    @property
    def previous(self) -> dt.date:
        return self.first - dt.timedelta(days=1)

    @property
    def next(self) -> dt.date:
        return self.last + dt.timedelta(days=1)

    def days_with(self, rows: list[dict[str, Any]]) -> list[tuple[dt.date, list[dict[str, Any]]]]:
        """Each day of the period with its meetings (a week shows empty days too; a month only busy ones)."""
        by_day: dict[dt.date, list[dict[str, Any]]] = {}
        for row in rows:
            by_day.setdefault(row["start"].date(), []).append(row)
        days = [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]
        if self.span == "month":
            return [(day, by_day[day]) for day in days if day in by_day]
        return [(day, by_day.get(day, [])) for day in days]


def period_of(day: dt.date, span: str) -> Period:
    if span == "month":
        last = stdlib_calendar.monthrange(day.year, day.month)[1]
        return Period(day.replace(day=1), day.replace(day=last), "month")
    monday = day - dt.timedelta(days=day.weekday())
    return Period(monday, monday + dt.timedelta(days=6), "week")
