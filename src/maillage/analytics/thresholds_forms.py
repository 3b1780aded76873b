"""The form of the network's alert thresholds: GuardedForm (sent once, from the version read), one field per
threshold with the model's limits, help text and default, grouped by the situation it detects."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillage.analytics import thresholds
from maillage.analytics.enums import AlertKind
from maillage.analytics.models import Thresholds
from maillage.core.forms import GuardedForm

# Short labels: the page already groups the thresholds by situation (the model's names repeat it).
LABELS = {
    "overload_ratio": _("Caseload over declared capacity (ratio)"),
    "overload_no_capacity_declines": _("Referrals declined for lack of capacity, at least"),
    "rigid_share": _("Share of referrals declined as out of criteria (%), at least"),
    "rigid_min_referrals": _("Referrals received, at least"),
    "crisis_only_min": _("Joint work in crises only, at least (times)"),
    "broker_dependence": _("Share of connections that depend on one organisation (%), at least"),
    "silo_min_size": _("Organisations in the group, at least"),
    "over_solicitation_organisations": _("Organisations involved, at least"),
    "over_solicitation_contacts": _("Contacts and meetings in 30 days, at least"),
    "over_solicitation_referrals": _("Referrals sent for the person in 30 days, at least"),
    "over_solicitation_own_share": _("Share of actions carried by the person (%), at most"),
    "abandonment_days": _("Days without contact, at least"),
    "referral_unanswered_days": _("Days a referral stays unanswered, at least"),
    "hot_potato_hours": _("Hours after a crisis began"),
    "hot_potato_min": _("Situations passed on, at least"),
    "unmet_min_persons": _("Persons with the unmet need, at least"),
}


def _limits(field: models.Field) -> tuple[Any, Any]:
    """The tightest bounds among the model field's validators (its own and the database's range)."""
    low = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
    high = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
    return (max(low) if low else None), (min(high) if high else None)


class CommaDecimalField(forms.DecimalField):
    """A decimal typed the French way (1,5) is read as 1.5."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


SMALL_INTEGER_MAX = 32767  # a PositiveSmallIntegerField's column (SQLite would not refuse more)


def _form_field(name: str) -> forms.Field:
    field = Thresholds._meta.get_field(name)
    low, high = _limits(field)
    if isinstance(field, models.PositiveSmallIntegerField):
        low = 0 if low is None else low
        high = SMALL_INTEGER_MAX if high is None else min(high, SMALL_INTEGER_MAX)
    # One message for both bounds, with numbers written the reader's way (0,1 in French).
    out_of_range = gettext("Enter a number from %(low)s to %(high)s.") % {
        "low": number_format(low, force_grouping=False),
        "high": number_format(high, force_grouping=False),
    }
    options = {
        "label": LABELS[name],
        "help_text": field.help_text,
        "error_messages": {"min_value": out_of_range, "max_value": out_of_range},
    }
    if isinstance(field, models.DecimalField):
        return CommaDecimalField(
            **options,
            min_value=Decimal(str(low)),
            max_value=Decimal(str(high)),
            max_digits=field.max_digits,
            decimal_places=field.decimal_places,
            widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        )
    return forms.IntegerField(
        **options, min_value=low, max_value=high, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )


class ThresholdsForm(GuardedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in thresholds.FIELDS:
            self.fields[name] = _form_field(name)


class RestoreForm(GuardedForm):
    """Restore the defaults: only the guard fields (token, version read)."""


@dataclass(frozen=True)
class Group:
    kind: str
    label: str
    fields: list  # of (BoundField, default shown)


def groups(form: ThresholdsForm) -> list[Group]:
    """The form's fields by the situation they detect, each with its default as the reader writes numbers."""
    found = thresholds.defaults()
    return [
        Group(
            kind=kind.lower(),
            label=AlertKind(kind).label,
            fields=[(form[name], number_format(found[name], force_grouping=False)) for name in names],
        )
        for kind, names in thresholds.GROUPS
    ]
