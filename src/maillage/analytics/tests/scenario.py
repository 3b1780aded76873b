"""A small network where each network-level situation appears once, for the page, report and browser tests."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from maillage.analytics import compute
from maillage.analytics.models import DeclaredCapacity, Snapshot
from maillage.analytics.tests.test_scenarios import _follow, _meet, _members
from maillage.governance.tests.factories import NetworkFactory, admin_of, coordinator_of

TODAY = timezone.localdate()


@dataclass
class Built:
    network: object
    coordinator: object  # a Membership
    admin: object  # a Membership of `loaded`
    loaded: object
    snapshot: Snapshot
    orgs: list


def build() -> Built:
    network = NetworkFactory()
    a, b, c, d, e, f, g, h = _members(network, 8)
    for name, org in zip("ABCDEFGH", (a, b, c, d, e, f, g, h), strict=True):
        org.name = f"Service {name}"
        org.save(update_fields=["name"])
    # A well-knit core: a, b, c, d follow persons together and meet outside crises.
    for _ in range(6):
        _follow(a, b, c, d)
    _meet(a, b, c, d)
    # A broker: e links the core (through d) to f.
    _follow(d, e)
    _follow(e, f)
    # A crisis-only link: a and e meet twice, both times in a crisis.
    _meet(a, e, crisis=True)
    _meet(e, a, crisis=True)
    # A silo: g and h work together and with no one else.
    _follow(g, h)
    # An overloaded organisation: a follows more persons than it declared.
    for org in (b, c, d, e, f, g, h):
        DeclaredCapacity.objects.create(organisation=org, persons=50)
    DeclaredCapacity.objects.create(organisation=a, persons=4)
    # Two monthly snapshots for the trends, then the 90-day one.
    for months_back in (2, 1):
        first = (TODAY.replace(day=1) - dt.timedelta(days=31 * (months_back - 1) + 1)).replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        compute.take(network, first, last)
    snapshot = compute.take(network, TODAY - dt.timedelta(days=89), TODAY)
    return Built(
        network=network,
        coordinator=coordinator_of(network),
        admin=admin_of(network.members.get(organisation=a)),
        loaded=a,
        snapshot=snapshot,
        orgs=[a, b, c, d, e, f, g, h],
    )
