"""Directory features from Dora and data·inclusion: remote services, eligibility zones, filters with counts,
capacity freshness."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.directory.enums import CapacityStatus, ServiceKind, Situation
from maillage.directory.models import CAPACITY_FRESH_FOR
from maillage.directory.search import ServiceQuery, facet_counts, search_services
from maillage.directory.search_index import rebuild_index
from maillage.directory.tests.factories import ServiceFactory, TerritoryFactory, cover, place_service
from maillage.territories.models import Level

pytestmark = pytest.mark.django_db


def names(results) -> set[str]:
    return {hit.service.name for hit in results.hits}


@pytest.fixture
def other_province(province):
    namur = TerritoryFactory(
        level=Level.PROVINCE, code="90000", name="Namur", parent=province.parent, latitude=50.4, longitude=4.9
    )
    return TerritoryFactory(code="92094", name="Namur-ville", parent=namur, latitude=50.46, longitude=4.87)


@pytest.fixture
def directory(libramont, arlon, province, other_province):
    onsite = ServiceFactory(
        name="Atelier cuisine", kinds=[ServiceKind.WORKSHOP], is_free=True, situations=[Situation.FAMILY]
    )
    place_service(onsite, commune=libramont, latitude=49.921, longitude=5.379)
    hotline = ServiceFactory(
        name="Ligne d'écoute", kinds=[ServiceKind.SUPPORT, ServiceKind.INFORMATION], remote=True, on_site=False
    )
    provincial = ServiceFactory(name="Permanence juridique en ligne", kinds=[ServiceKind.INFORMATION], remote=True)
    cover(provincial, province)
    zoned = ServiceFactory(name="Aide financière communale", kinds=[ServiceKind.FINANCIAL_AID], is_free=False)
    place_service(zoned, commune=libramont, latitude=49.922, longitude=5.38)
    cover(zoned, libramont)
    rebuild_index()
    return {"onsite": onsite, "hotline": hotline, "provincial": provincial, "zoned": zoned}


class TestRemote:
    def test_a_remote_service_is_found_from_every_place(self, directory, arlon, other_province):
        assert "Ligne d'écoute" in names(search_services(ServiceQuery(commune_id=arlon.id)))
        assert "Ligne d'écoute" in names(search_services(ServiceQuery(commune_id=other_province.id)))
        near = search_services(ServiceQuery(latitude=50.46, longitude=4.87, radius_km=5))
        assert "Ligne d'écoute" in names(near)

    def test_a_remote_service_with_a_zone_only_there(self, directory, arlon, other_province):
        assert "Permanence juridique en ligne" in names(search_services(ServiceQuery(commune_id=arlon.id)))
        elsewhere = search_services(ServiceQuery(commune_id=other_province.id))
        assert "Permanence juridique en ligne" not in names(elsewhere)

    def test_remote_is_labelled_on_the_card(self, client, directory, arlon):
        body = client.get(reverse("directory:search"), {"commune": arlon.id}).content.decode()
        assert "badge-remote" in body
        assert "Ligne d" in body


class TestEligibilityZones:
    def test_a_service_is_not_offered_outside_its_zone_even_nearby(self, directory, libramont, arlon):
        # 40 km radius around Arlon reaches the Libramont location, but the service is only for Libramont.
        around_arlon = search_services(ServiceQuery(latitude=arlon.latitude, longitude=arlon.longitude, radius_km=60))
        assert "Aide financière communale" not in names(around_arlon)
        assert "Atelier cuisine" in names(around_arlon)  # no zone: found by its location
        assert "Aide financière communale" in names(search_services(ServiceQuery(commune_id=libramont.id)))


class TestFilters:
    def test_each_filter_narrows(self, directory, arlon, libramont):
        def found(**filters):
            return names(search_services(ServiceQuery(commune_id=libramont.id, **filters)))

        assert found(kind=ServiceKind.WORKSHOP) == {"Atelier cuisine"}
        assert found(fees="free") == {"Atelier cuisine"}
        assert found(fees="paid") == {"Aide financière communale"}
        assert found(mode="remote") == {"Ligne d'écoute", "Permanence juridique en ligne"}
        assert "Ligne d'écoute" not in found(mode="on_site")
        # A service meant for nobody in particular is meant for families too.
        assert found(situation=Situation.FAMILY) == found() and found(situation=Situation.HOMELESS) == found() - {
            "Atelier cuisine"
        }

    def test_unknown_filter_values_are_ignored(self, directory, libramont):
        everything = names(search_services(ServiceQuery(commune_id=libramont.id)))
        assert names(search_services(ServiceQuery(commune_id=libramont.id, kind="X'; DROP", fees="?"))) == everything

    def test_counts_per_value_in_one_query(self, directory, libramont):
        query = ServiceQuery(kind=ServiceKind.INFORMATION)
        with CaptureQueriesContext(connection) as context:
            counts = facet_counts(query)
        # One statement reads the services (besides the hidden organisations and, on PostgreSQL, the planner settings).
        reads = [q["sql"] for q in context.captured_queries if "directory_service" in q["sql"]]
        assert len(reads) == 1 and "GROUP BY" not in reads[0] and reads[0].count("SUM(") == 24, reads
        assert counts["kind"][ServiceKind.INFORMATION] == 2
        assert counts["kind"][ServiceKind.WORKSHOP] == 1  # its own filter is not applied to its counts
        assert counts["mode"] == {"remote": 2, "on_site": 1}  # the other filters are
        assert counts["fees"] == {"free": 0, "paid": 0}
        assert counts["situation"][Situation.FAMILY] == 2

    def test_counts_with_a_place_and_words(self, directory, libramont, other_province):
        counts = facet_counts(ServiceQuery(commune_id=other_province.id))
        assert counts["mode"] == {"remote": 1, "on_site": 0}
        assert counts["kind"][ServiceKind.SUPPORT] == 1
        counts = facet_counts(ServiceQuery(text="atelier", commune_id=libramont.id))
        assert counts["kind"][ServiceKind.WORKSHOP] == 1 and counts["fees"]["free"] == 1

    def test_page_shows_counts(self, client, directory):
        body = client.get(reverse("directory:search"), {"kind": "WORKSHOP"}).content.decode()
        assert "Workshop (1)" in body or "Atelier (1)" in body
        fragment = client.get(reverse("directory:search"), {"fees": "free"}, headers={"HX-Request": "true"})
        assert 'hx-swap-oob="true"' in fragment.content.decode()


class TestCapacityFreshness:
    def test_old_available_capacity_is_not_green(self, client, libramont):
        old = ServiceFactory(
            name="Vieux centre",
            capacity_status=CapacityStatus.AVAILABLE,
            capacity_updated_at=timezone.now() - CAPACITY_FRESH_FOR - timedelta(days=1),
        )
        fresh = ServiceFactory(name="Centre frais", capacity_status=CapacityStatus.AVAILABLE)
        rebuild_index()
        assert not old.shows_places_available and fresh.shows_places_available
        assert names(search_services(ServiceQuery(capacity_available=True))) == {"Centre frais"}
        body = client.get(reverse("directory:service_detail", args=[old.public_id])).content.decode()
        assert "badge-open" not in body and "badge-unconfirmed" in body
        body = client.get(reverse("directory:service_detail", args=[fresh.public_id])).content.decode()
        assert "badge-open" in body

    def test_old_capacity_ranks_as_undeclared(self, libramont):
        ServiceFactory(
            name="Vieux",
            capacity_status=CapacityStatus.AVAILABLE,
            capacity_updated_at=timezone.now() - CAPACITY_FRESH_FOR - timedelta(days=1),
        )
        ServiceFactory(name="Frais", capacity_status=CapacityStatus.AVAILABLE)
        rebuild_index()
        scores = {hit.service.name: hit.score for hit in search_services(ServiceQuery()).hits}
        assert scores["Frais"] > scores["Vieux"]


class TestServicePageAndApi:
    def test_how_to_mobilise_is_on_the_service_page(self, client, libramont):
        service = ServiceFactory(
            name="Service X",
            mobilisable_by=["PERSON", "PROFESSIONALS"],
            mobilisation_means=["PHONE"],
            remote=True,
            kinds=[ServiceKind.TRAINING],
        )
        service.required_documents.create(document="Carte d'identité")
        url = reverse("directory:service_detail", args=[service.public_id])
        body = client.get(url, headers={"Accept-Language": "en"}).content.decode()
        assert "The person themselves" in body and "Professionals" in body
        assert "Carte d&#x27;identité" in body
        assert "Delivered on site and remotely" in body and "Training" in body
        french = client.get(url, headers={"Accept-Language": "fr"}).content.decode()
        assert "Qui peut le demander" in french and "Aussi à distance" in french

    def test_api_filters_and_fields(self, client, directory):
        response = client.get("/api/v1/directory/services", {"kind": "WORKSHOP"})
        assert response.status_code == 200, response.content
        data = response.json()
        assert [hit["name"] for hit in data["results"]] == ["Atelier cuisine"]
        hit = data["results"][0]
        assert hit["kinds"] == ["WORKSHOP"] and hit["is_free"] is True and hit["on_site"] and not hit["remote"]
        assert hit["capacity_is_fresh"] is True
        assert client.get("/api/v1/directory/services", {"mode": "nowhere"}).status_code == 422
