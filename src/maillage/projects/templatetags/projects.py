"""Words for the comparison of two versions: a snapshot's keys and values as a reader sees them."""

import datetime as dt

from django import template
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.projects.enums import ActionStatus, Carrier, Frequency, ObjectiveStatus, Priority

register = template.Library()

FIELDS = {
    "own_words": gettext_lazy("in the person's own words"),
    "reformulation": gettext_lazy("professionals' reformulation"),
    "life_domain_name": gettext_lazy("life domain"),
    "priority": gettext_lazy("the person's priority"),
    "indicator": gettext_lazy("what will show progress"),
    "target": gettext_lazy("target"),
    "target_date": gettext_lazy("by when"),
    "status": gettext_lazy("status"),
    "carrier": gettext_lazy("carried by"),
    "carrier_name": gettext_lazy("who"),
    "what": gettext_lazy("what"),
    "starts_on": gettext_lazy("starts on"),
    "ends_on": gettext_lazy("ends on"),
    "frequency": gettext_lazy("how often"),
    "means": gettext_lazy("with which means"),
    "service": gettext_lazy("directory service"),
}
CHOICES = {
    "priority": Priority,
    "carrier": Carrier,
    "frequency": Frequency,
}


@register.filter
def field_words(name: str) -> str:
    return str(FIELDS.get(name, name)).capitalize()


def _words(name: str, value) -> str:
    if value in (None, ""):
        return _("(empty)")
    if name in CHOICES:
        try:
            return str(CHOICES[name](value).label)
        except ValueError:
            return str(value)
    if name == "status":
        for enum in (ObjectiveStatus, ActionStatus):
            if value in enum.values:
                return str(enum(value).label)
    if name in ("target_date", "starts_on", "ends_on"):
        try:
            return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


@register.filter
def then_words(change) -> str:
    return _words(change.field, change.then)


@register.filter
def now_words(change) -> str:
    return _words(change.field, change.now)
