"""The network's alert thresholds, as its coordinators set them.

The rules, in plain words:

1. One `Thresholds` row per network; without one, the model's defaults apply (`compute.thresholds_for`).
2. Only the network's coordinators change them (`permissions.can_see_network`), from the version they read:
   a write from an older version is refused (`StaleWrite`), one that breaks a field's limits too
   (`ValidationError`, next to the field). Who changed them and when is kept on the row (`updated_by`,
   `updated_at`) and in the network's governance log.
3. Restoring the defaults is a change like any other: from the version read, logged.
4. The snapshots already computed keep the alerts of their time; new thresholds apply from the next snapshot.
   The persons' signals (over-solicitation, abandonment) shown to their referents read the thresholds at once.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maillage.analytics import permissions
from maillage.analytics.enums import AlertKind
from maillage.analytics.models import Thresholds
from maillage.core.versioning import stale_write
from maillage.governance.models import Network
from maillage.governance.services import log_event

# The situation each threshold detects (AlertKind), in the order of the page.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (AlertKind.OVERLOAD, ("overload_ratio", "overload_no_capacity_declines")),
    (AlertKind.RIGID_CRITERIA, ("rigid_share", "rigid_min_referrals")),
    (AlertKind.CRISIS_ONLY_LINK, ("crisis_only_min",)),
    (AlertKind.BROKER, ("broker_dependence",)),
    (AlertKind.SILO, ("silo_min_size",)),
    (
        AlertKind.OVER_SOLICITATION,
        (
            "over_solicitation_organisations",
            "over_solicitation_contacts",
            "over_solicitation_referrals",
            "over_solicitation_own_share",
        ),
    ),
    (AlertKind.ABANDONMENT, ("abandonment_days", "referral_unanswered_days")),
    (AlertKind.HOT_POTATO, ("hot_potato_hours", "hot_potato_min")),
    (AlertKind.UNMET_NEED, ("unmet_min_persons",)),
)
FIELDS: tuple[str, ...] = tuple(name for _kind, names in GROUPS for name in names)


def defaults() -> dict[str, Any]:
    """Rule 1: each threshold's default, as the model declares it."""
    return {name: Thresholds._meta.get_field(name).get_default() for name in FIELDS}


def current(network: Network) -> Thresholds | None:
    """The network's stored thresholds (None: the defaults apply)."""
    return Thresholds.objects.select_related("updated_by").filter(network=network).first()


def values_of(row: Thresholds | None) -> dict[str, Any]:
    return {name: getattr(row, name) for name in FIELDS} if row is not None else defaults()


def is_default(row: Thresholds | None) -> bool:
    found, default = values_of(row), defaults()
    return all(_same(found[name], default[name]) for name in FIELDS)


def _same(a: Any, b: Any) -> bool:
    return Decimal(str(a)) == Decimal(str(b))


def next_monthly_snapshot(today: dt.date) -> dt.date:
    """The day the periodic task takes the snapshot of this month (`tasks.monthly_snapshots`): the first of next."""
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def save(actor: Any, network: Network, *, version: int | None, **values: Any) -> Thresholds:
    """Rule 2: the coordinators set the thresholds, from the version they read (0: the defaults, no row yet)."""
    if not permissions.can_see_network(actor, network):
        raise PermissionDenied(_("Only the network's coordinators can do this."))
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"not thresholds: {sorted(unknown)}")
    with transaction.atomic():
        row = Thresholds.objects.filter(network=network).first()
        if row is None:
            row = Thresholds(network=network, **values, updated_by=actor.user)
            row.full_clean(exclude=["network"])
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:  # another coordinator saved the first thresholds meanwhile
                raise stale_write(Thresholds.objects.get(network=network), read_version=0) from None
        else:
            if not version:  # read as the defaults, but someone saved thresholds meanwhile
                raise stale_write(row, read_version=0)
            row.version = version
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_by = actor.user
            row.full_clean(exclude=["network"])
            row.save()
        log_event(actor, network, "analytics_thresholds_update", row)
    return row


def restore_defaults(actor: Any, network: Network, *, version: int | None) -> Thresholds:
    """Rule 3."""
    return save(actor, network, version=version, **defaults())
