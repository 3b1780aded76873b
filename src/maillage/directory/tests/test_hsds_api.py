"""The read-only HSDS API: public, paged the HSDS way, every response valid against the official schemas."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from jsonschema import Draft202012Validator

from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.tests.factories import OrganisationFactory
from maillage.directory.models import Service, ServiceAtLocation
from maillage.directory.tests.hsds_fixtures import make_directory, schema_errors

pytestmark = pytest.mark.django_db

OPENAPI = json.loads((settings.HSDS_SCHEMA_DIR / "openapi.json").read_text())
PAGE_SCHEMA = OPENAPI["components"]["schemas"]["Page"]
PAGE_KEYS = set(PAGE_SCHEMA["properties"]) | {"contents"}
ABOUT_SCHEMA = OPENAPI["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


def get(client, path: str, status: int = 200, **params):
    response = client.get(f"/api/hsds{path}", params)
    assert response.status_code == status, (path, params, response.content[:500])
    return response.json()


def assert_page(data: dict, hsds_type: str) -> list[dict]:
    assert list(Draft202012Validator(PAGE_SCHEMA).iter_errors(data)) == []
    assert set(data) == PAGE_KEYS
    for key in ("total_items", "total_pages", "page_number", "size"):
        assert isinstance(data[key], int)
    for key in ("first_page", "last_page", "empty"):
        assert isinstance(data[key], bool)
    assert data["size"] == len(data["contents"])
    for item in data["contents"]:
        assert schema_errors(hsds_type, item) == [], item
    return data["contents"]


@pytest.fixture
def directory():
    made = make_directory()
    hidden = OrganisationFactory(name="En attente", status=OrganisationStatus.PENDING)
    Service.objects.create(organisation=hidden, name="Service non publié")
    return made


class TestAbout:
    def test_root_names_the_version_and_profile_without_login(self, client):
        data = get(client, "/")
        assert list(Draft202012Validator(ABOUT_SCHEMA).iter_errors(data)) == []
        assert data["version"] == "3.0"
        assert data["profile"].startswith("https://")
        assert data["openapi_url"].endswith("/api/hsds/openapi.json")
        assert client.get("/api/hsds/openapi.json").status_code == 200


class TestServices:
    def test_list_pages_and_validates(self, client, directory):
        data = get(client, "/services", per_page=1)
        services = assert_page(data, "service")
        assert data["total_items"] == 2 and data["total_pages"] == 2
        assert data["first_page"] and not data["last_page"] and not data["empty"]
        second = get(client, "/services", per_page=1, page=2)
        assert second["last_page"] and second["contents"][0]["id"] != services[0]["id"]
        beyond = get(client, "/services", page=9)
        assert beyond["contents"] == [] and beyond["size"] == 0

    def test_full_list_and_single_service_are_nested_and_valid(self, client, directory):
        full = assert_page(get(client, "/services", full="true"), "service")
        assert all("organization" in item for item in full)
        shelter = directory["services"][0]
        data = get(client, f"/services/{shelter.public_id}")
        assert schema_errors("service", data) == []
        assert data["service_at_locations"][0]["location"]["addresses"][0]["city"] == "Charleville-Mézières"
        assert data["organization"]["name"] == "CCAS de Charleville"

    def test_filters(self, client, directory):
        shelter = directory["services"][0]
        term = shelter.needs.get(code="housing")
        by_term = get(client, "/services", taxonomy_term_id=str(term.public_id))
        assert [s["id"] for s in by_term["contents"]] == [str(shelter.public_id)]
        by_taxonomy = get(client, "/services", taxonomy_id=str(directory["taxonomy"].public_id))
        assert by_taxonomy["total_items"] == 2
        by_org = get(client, "/services", organization_id=str(shelter.organisation.public_id))
        assert by_org["total_items"] == 1
        later = get(client, "/services", modified_after=(timezone.now() + timedelta(days=1)).isoformat())
        assert later["empty"] is True
        assert get(client, "/services", modified_after="2020-01-01T00:00:00")["total_items"] == 2  # naive: local time

    def test_search_uses_the_directory_search(self, client, directory):
        data = get(client, "/services", search="hébergements")
        assert [s["name"] for s in assert_page(data, "service")] == ["Hébergement d'urgence"]

    def test_unpublished_organisations_are_not_served(self, client, directory):
        hidden = Service.objects.get(name="Service non publié")
        get(client, f"/services/{hidden.public_id}", status=404)
        names = [s["name"] for s in get(client, "/services", per_page=100)["contents"]]
        assert "Service non publié" not in names

    @pytest.mark.parametrize(
        "params",
        [
            {"page": "abc"},
            {"page": "0"},
            {"per_page": "1000"},
            {"taxonomy_term_id": "not-a-uuid"},
            {"modified_after": "yesterday"},
            {"full": "maybe"},
            {"search": "x" * 600},
        ],
    )
    def test_bad_parameters_answer_422_in_the_common_format(self, client, directory, params):
        data = get(client, "/services", status=422, **params)
        assert data["detail"] and data["errors"]

    @pytest.mark.parametrize("text", ['"', "*", "NEAR", "-", "'; DROP TABLE x; --", "😀", "   "])
    def test_search_survives_anything(self, client, directory, text):
        assert_page(get(client, "/services", search=text), "service")

    def test_unknown_or_malformed_ids_are_404(self, client, directory):
        get(client, "/services/00000000-0000-4000-8000-000000000000", status=404)
        assert get(client, "/services/not-a-uuid", status=404)["detail"]


class TestOrganisations:
    def test_list_and_detail(self, client, directory):
        data = get(client, "/organizations")
        organisations = assert_page(data, "organization")
        assert {o["name"] for o in organisations} == {"CCAS de Charleville", "CSAPA Ardennes"}
        full = assert_page(get(client, "/organizations", full="true"), "organization")
        assert all("locations" in o for o in full)
        organisation = directory["services"][0].organisation
        detail = get(client, f"/organizations/{organisation.public_id}")
        assert schema_errors("organization", detail) == []
        assert [s["name"] for s in detail["services"]] == ["Hébergement d'urgence"]
        with_services = get(client, f"/organizations/{organisation.public_id}", full_service="true")
        assert with_services["services"][0]["service_at_locations"]
        for service in with_services["services"]:
            assert schema_errors("service", service) == []

    def test_search(self, client, directory):
        data = get(client, "/organizations", search="CSAPA")
        assert [o["name"] for o in assert_page(data, "organization")] == ["CSAPA Ardennes"]


class TestServiceAtLocations:
    def test_list_and_detail(self, client, directory):
        links = assert_page(get(client, "/service_at_locations"), "service_at_location")
        assert len(links) == 2
        for link in links:
            assert schema_errors("service", link["service"]) == []
            assert schema_errors("location", link["location"]) == []
        link = ServiceAtLocation.objects.get(service=directory["services"][0])
        detail = get(client, f"/service_at_locations/{link.public_id}")
        assert schema_errors("service_at_location", detail) == []
        assert schema_errors("service", detail["service"]) == []
        full = assert_page(
            get(client, "/service_at_locations", full="true", search="addictologie"), "service_at_location"
        )
        assert [item["service"]["name"] for item in full] == ["Consultation addictologie"]


class TestTaxonomies:
    def test_taxonomies_and_terms(self, client, directory):
        taxonomies = assert_page(get(client, "/taxonomies", per_page=100), "taxonomy")
        ours = str(directory["taxonomy"].public_id)
        assert ours in {t["id"] for t in taxonomies}
        assert schema_errors("taxonomy", get(client, f"/taxonomies/{ours}")) == []
        terms = assert_page(get(client, "/taxonomy_terms", taxonomy_id=ours), "taxonomy_term")
        assert {t["code"] for t in terms} == {"housing", "housing.emergency-shelter", "addictions"}
        top = get(client, "/taxonomy_terms", taxonomy_id=ours, top_only="true")
        assert {t["code"] for t in top["contents"]} == {"housing", "addictions"}
        housing = next(t for t in terms if t["code"] == "housing")
        children = get(client, "/taxonomy_terms", parent_id=housing["id"])
        assert [t["code"] for t in children["contents"]] == ["housing.emergency-shelter"]
        assert schema_errors("taxonomy_term", get(client, f"/taxonomy_terms/{housing['id']}")) == []
        found = get(client, "/taxonomy_terms", search="hébergement", taxonomy_id=ours)
        assert [t["code"] for t in found["contents"]] == ["housing.emergency-shelter"]
