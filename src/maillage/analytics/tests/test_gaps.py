"""Unmet needs by commune and life domain: persons with an open need and no service with capacity nearby; a gap
of fewer than 5 persons is never kept."""

import datetime as dt

import pytest

from maillage.analytics.enums import AlertKind
from maillage.analytics.tests.test_scenarios import TODAY, _alerts, _balanced
from maillage.directory.enums import CapacityStatus
from maillage.directory.models import ServiceArea
from maillage.directory.tests.factories import ServiceFactory, TerritoryFactory, place_service
from maillage.governance.tests.factories import NetworkFactory
from maillage.people.enums import NeedStatus
from maillage.people.tests.factories import InvolvementFactory, NeedFactory, PersonFactory, TaxonomyTermFactory
from maillage.territories.models import Level

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    province = TerritoryFactory(level=Level.PROVINCE, name="Luxembourg")
    commune = TerritoryFactory(parent=province, name="Bastogne")
    domain = TaxonomyTermFactory()
    housing = TaxonomyTermFactory(taxonomy=domain.taxonomy, parent=domain, level=2)
    return province, commune, domain, housing


def _persons(org, commune, term, n, status=NeedStatus.OPEN):
    for _ in range(n):
        person = PersonFactory(commune=commune)
        InvolvementFactory(person=person, organisation=org, started_on=TODAY - dt.timedelta(days=30))
        NeedFactory(person=person, term=term, status=status)
        NeedFactory(person=person, term=term.parent or term, status=status)  # two needs of one domain: once


def test_persons_with_no_service_with_capacity_nearby(place):
    _province, commune, domain, housing = place
    network = NetworkFactory()
    org, *_ = _balanced(network)
    _persons(org, commune, housing, 5)
    full = ServiceFactory(capacity_status=CapacityStatus.FULL, needs=[housing])
    place_service(full, commune=commune, latitude=50.0, longitude=5.7)
    snapshot, alerts = _alerts(network)
    assert alerts == [(AlertKind.UNMET_NEED, None, None)]
    gap = snapshot.need_gaps.get()
    assert (gap.commune, gap.life_domain, gap.persons, gap.services_nearby) == (commune, domain, 5, 1)
    alert = snapshot.alerts.get()
    assert (alert.commune, alert.life_domain, alert.facts["persons"]) == (commune, domain, 5)


def test_a_service_with_capacity_covering_the_commune_meets_it(place):
    province, commune, domain, housing = place
    network = NetworkFactory()
    org, *_ = _balanced(network)
    _persons(org, commune, housing, 5)
    available = ServiceFactory(capacity_status=CapacityStatus.AVAILABLE, needs=[domain])
    ServiceArea.objects.create(service=available, territory=province)
    snapshot, alerts = _alerts(network)
    assert alerts == [] and not snapshot.need_gaps.exists()


def test_a_small_cell_is_never_kept(place):
    _province, commune, _domain, housing = place
    network = NetworkFactory()
    org, *_ = _balanced(network)
    _persons(org, commune, housing, 4)
    _persons(org, commune, housing, 3, status=NeedStatus.MET)
    snapshot, alerts = _alerts(network)
    assert alerts == [] and not snapshot.need_gaps.exists()
