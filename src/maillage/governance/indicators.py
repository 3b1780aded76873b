"""The registry of indicators a network objective can be measured by: a plain Python registry.

1. An indicator has a key, a label, a description and a function `(network, date) -> int` that counts from
   aggregate data only: organisations, services, involvements; never a list of persons.
2. Counts about persons (`small_cell=True`) under `SMALL_CELL` (5) are hidden, shown as "fewer than 5", so
   that a small count never points at someone.
3. Any app adds its own indicators with `register(Indicator(...))` from its `AppConfig.ready` (analytics,
   referrals...); the key is what an objective stores, so a key is never reused for another meaning.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from maillage.governance.models import Network

type Text = str | Promise
SMALL_CELL = 5


@dataclass(frozen=True)
class Indicator:
    key: str
    label: Text
    description: Text
    compute: Callable[["Network", dt.date], int]
    small_cell: bool = False


@dataclass(frozen=True)
class Value:
    """A measured value: `value` is None when it is hidden (fewer than `SMALL_CELL` persons)."""

    value: int | None
    suppressed: bool = False


_registry: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    """Add an indicator; registering the same key again replaces it (a reloaded app)."""
    _registry[indicator.key] = indicator
    return indicator


def all_indicators() -> list[Indicator]:
    return sorted(_registry.values(), key=lambda indicator: str(indicator.label))


def get(key: str) -> Indicator | None:
    return _registry.get(key)


def measure(network: "Network", key: str, on: dt.date) -> Value | None:
    """The indicator's value for `network` on `on`, hidden under the small-cell threshold; None if unknown."""
    indicator = get(key)
    if indicator is None:
        return None
    value = indicator.compute(network, on)
    if indicator.small_cell and value < SMALL_CELL:
        return Value(None, suppressed=True)
    return Value(value)


# Built-in indicators -----------------------------------------------------------------------------------------


def _member_ids(network: "Network", on: dt.date) -> list[int]:
    from maillage.governance.enums import MemberStatus

    members = network.members.filter(joined_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
    members = members.exclude(status__in=[MemberStatus.CANDIDATE, MemberStatus.SUSPENDED])
    return list(members.values_list("organisation_id", flat=True))


def member_organisations(network: "Network", on: dt.date) -> int:
    return len(_member_ids(network, on))


def services_published(network: "Network", on: dt.date) -> int:
    from maillage.accounts.enums import OrganisationStatus
    from maillage.directory.models import Service
    from maillage.directory.search import LISTED_STATUSES

    return Service.objects.filter(
        organisation_id__in=_member_ids(network, on),
        organisation__status=OrganisationStatus.VALIDATED,
        status__in=LISTED_STATUSES,
        awaiting_validation=False,
    ).count()


def active_involvements(network: "Network", on: dt.date) -> int:
    from maillage.people.aggregates import involvements_active_count

    return involvements_active_count(_member_ids(network, on), on)


def persons_followed(network: "Network", on: dt.date) -> int:
    from maillage.people.aggregates import persons_followed_count

    return persons_followed_count(_member_ids(network, on), on)


def register_builtin() -> None:
    register(
        Indicator(
            "member_organisations",
            _("Member organisations"),
            _("Organisations that are members of the network on that day."),
            member_organisations,
        )
    )
    register(
        Indicator(
            "services_published",
            _("Services published in the directory"),
            _("Services of member organisations that the directory shows today (not dated: measured when taken)."),
            services_published,
        )
    )
    register(
        Indicator(
            "active_involvements",
            _("Active involvements"),
            _("Involvements of member organisations with a person, active on that day. A count only."),
            active_involvements,
            small_cell=True,
        )
    )
    register(
        Indicator(
            "persons_followed",
            _("Persons followed by the network"),
            _("Distinct persons followed by at least one member organisation on that day. A count only."),
            persons_followed,
            small_cell=True,
        )
    )
