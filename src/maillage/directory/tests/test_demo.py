"""The demo territory's directory: the public search finds the right demo services for need + place queries."""

import pytest

from maillage.accounts import demo as accounts_demo
from maillage.core.demo import DemoTerritory
from maillage.directory import demo as directory_demo
from maillage.directory.enums import CapacityStatus
from maillage.directory.models import Service, ServiceAtLocation, TaxonomyTerm
from maillage.directory.search import STALE_AFTER, ServiceQuery, search_services
from maillage.directory.selectors import stale_services
from maillage.territories import demo as territories_demo
from maillage.territories.models import Territory
from maillage.territories.selectors import distance_km

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    territory = DemoTerritory(progress=False, sizes={"organisations": 60, "services": 150})
    for part in (territories_demo, accounts_demo, directory_demo):  # the parts the directory builds on
        part.generate(territory)
    return territory


def codes_under(code: str) -> set[str]:
    term = TaxonomyTerm.objects.get(taxonomy__is_builtin=True, code=code)
    return {term.code, *term.children.values_list("code", flat=True)}


def test_demo_has_varied_services(demo):
    services = Service.objects.all()
    assert 140 <= services.count() <= 160
    assert services.exclude(opening_hours="").count() == services.count()
    assert services.filter(capacity_status=CapacityStatus.FULL).exists()
    assert services.filter(capacity_status=CapacityStatus.WAITING_LIST, waiting_time_days__isnull=False).exists()
    assert stale_services().exists() and stale_services().count() < services.count() / 3
    assert ServiceAtLocation.objects.filter(location__latitude__isnull=False).count() >= 140


def test_need_and_place(demo):
    libramont = Territory.objects.get(code="84077", level=5)
    results = search_services(ServiceQuery(need="housing", commune_id=libramont.id, radius_km=40, page_size=100))
    assert results.total > 0
    wanted = codes_under("housing")
    for hit in results.hits:
        assert wanted & {term.code for term in hit.service.needs.all()}
        # A remote service is offered from anywhere: the distance is to its office.
        assert hit.distance_km is None or hit.distance_km <= 40 or hit.service.remote
    distances = [hit.distance_km for hit in results.hits if hit.distance_km is not None and not hit.service.remote]
    assert distances and min(distances) < 20


def test_text_and_place_finds_addiction_services(demo):
    arlon = Territory.objects.get(code="81001", level=5)
    results = search_services(
        ServiceQuery(text="toxicomanie", latitude=arlon.latitude, longitude=arlon.longitude, radius_km=60)
    )
    assert results.total > 0
    wanted = codes_under("addictions")
    assert all(wanted & {term.code for term in hit.service.needs.all()} for hit in results.hits)
    for hit in results.hits:
        if hit.distance_km is not None:
            nearest = min(
                distance_km(arlon.latitude, arlon.longitude, link.location.latitude, link.location.longitude)
                for link in hit.service.at_locations.all()
            )
            assert hit.distance_km == pytest.approx(nearest, abs=0.1)


def test_stale_flag_in_results(demo):
    hits = [hit for page in (1, 2) for hit in search_services(ServiceQuery(page_size=100, page=page)).hits]
    stale_ids = set(stale_services().filter(organisation__status="VALIDATED").values_list("id", flat=True))
    assert stale_ids and {hit.service.id for hit in hits if hit.is_stale} == stale_ids
    assert STALE_AFTER.days >= 180


def test_every_filter_has_counts(demo):
    from maillage.directory.search import facet_counts

    counts = facet_counts(ServiceQuery())
    for facet, by_value in counts.items():
        assert sum(1 for count in by_value.values() if count) >= 2, (facet, by_value)
