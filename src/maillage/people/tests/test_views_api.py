"""/api/v1/people/: through the door with a token, 404 for unknown or forbidden, categories masked, audited."""

import datetime as dt

import pytest
from django.utils import timezone

from maillage.access.enums import Action, Category
from maillage.access.models import AccessEvent
from maillage.accounts.actors import actor_for
from maillage.accounts.services import api_token_create
from maillage.people.tests.factories import ConsentFactory, InvolvementFactory, ObjectionFactory, PersonFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/people"


def token_for(user, scopes=("persons:read",)) -> dict[str, str]:
    _, secret = api_token_create(
        actor_for(user), name="test", scopes=list(scopes), expires_at=timezone.now() + dt.timedelta(days=1)
    )
    return {"Authorization": f"Bearer {secret}"}


class TestList:
    def test_lists_the_persons_i_follow(self, client, network):
        PersonFactory(last_name="Ailleurs")
        response = client.get(f"{BASE}/persons", headers=token_for(network.referent))
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1 and body["items"][0]["last_name"] == "Fontaine"
        assert AccessEvent.objects.filter(person_id=network.person.pk, action=Action.LIST).exists()

    def test_a_person_whose_identity_is_not_shared_is_left_out_and_counted(self, client, network):
        """As on the page: a row that cannot be opened is never listed; `left_out` says how many were."""
        hidden = PersonFactory(first_name="Zoé", last_name="Aaaaa")  # sorts first: on page 1 with Fontaine
        InvolvementFactory(person=hidden, organisation=network.referent_org, professional=network.referent)
        ConsentFactory(person=hidden, categories=[Category.SOCIAL])  # opens nothing
        body = client.get(f"{BASE}/persons", headers=token_for(network.referent)).json()
        assert [item["last_name"] for item in body["items"]] == ["Fontaine"]
        assert str(hidden.public_id) not in str(body)
        assert body["left_out"] == 1 and body["count"] == 2
        assert client.get(f"{BASE}/persons/{hidden.public_id}", headers=token_for(network.referent)).status_code == 404
        first = client.get(f"{BASE}/persons?page_size=1", headers=token_for(network.referent)).json()
        assert first["items"] == [] and first["left_out"] == 1
        second = client.get(f"{BASE}/persons?page=2&page_size=1", headers=token_for(network.referent)).json()
        assert [item["last_name"] for item in second["items"]] == ["Fontaine"] and second["left_out"] == 0

    def test_openapi_says_rows_that_cannot_be_opened_are_left_out(self, client):
        schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
        page = schemas["PersonPageOut"]["properties"]
        assert "identity is not shared" in page["left_out"]["description"]
        summary = schemas["PersonSummaryOut"]["properties"]
        assert summary["identity_shared"]["deprecated"] is True
        assert summary["last_name"]["type"] == "string"

    @pytest.mark.parametrize("role", ["stranger", "admin", "coordinator", "staff"])
    def test_others_get_an_empty_list(self, client, network, role):
        body = client.get(f"{BASE}/persons", headers=token_for(getattr(network, role))).json()
        assert body["count"] == 0 and body["items"] == []

    def test_a_search_in_the_query_string_is_refused(self, client, network):
        response = client.get(f"{BASE}/persons?q=zzz", headers=token_for(network.referent))
        assert response.status_code == 422 and response["Cache-Control"] == "no-store"
        assert response.json()["errors"][0]["field"] == "q"
        assert "POST /api/v1/people/persons/search" in response.json()["errors"][0]["message"]


class TestSearch:
    def search(self, client, user, **body):
        return client.post(f"{BASE}/persons/search", body, content_type="application/json", headers=token_for(user))

    def test_search_within_shared_identities(self, client, network):
        ObjectionFactory(person=network.person, organisation=network.partner_org, category=Category.IDENTITY)
        found = self.search(client, network.referent, q="font")
        assert found.status_code == 200 and found["Cache-Control"] == "no-store"
        assert [item["last_name"] for item in found.json()["items"]] == ["Fontaine"]
        assert self.search(client, network.partner, q="font").json()["count"] == 0
        assert AccessEvent.objects.filter(person_id=network.person.pk, action=Action.SEARCH).exists()

    def test_every_word_must_match_and_the_result_is_paginated(self, client, network):
        for first in ("Anne", "Anna", "Annie"):
            person = PersonFactory(first_name=first, last_name="Dubois")
            InvolvementFactory(person=person, organisation=network.referent_org, professional=network.referent)
            ConsentFactory(person=person, categories=[Category.IDENTITY])
        assert self.search(client, network.referent, q="ann dubois").json()["count"] == 3
        assert self.search(client, network.referent, q="anne dubois").json()["count"] == 1
        page = self.search(client, network.referent, q="dubois", page=2, page_size=2).json()
        assert page["count"] == 3 and page["page"] == 2 and [i["first_name"] for i in page["items"]] == ["Annie"]

    @pytest.mark.parametrize("body", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 101}, {"q": "a", "page": 0}])
    def test_bad_search_422(self, client, network, body):
        response = self.search(client, network.referent, **body)
        assert response.status_code == 422 and response.json()["detail"]

    def test_without_token_401_and_without_scope_403(self, client, network):
        assert client.post(f"{BASE}/persons/search", {"q": "font"}, content_type="application/json").status_code == 401
        headers = token_for(network.referent, ["directory:read"])
        response = client.post(
            f"{BASE}/persons/search", {"q": "font"}, content_type="application/json", headers=headers
        )
        assert response.status_code == 403

    def test_described_in_openapi_as_a_post_with_a_body(self, client):
        operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/people/persons/search"]["post"]
        assert "requestBody" in operation and not operation.get("parameters")
        listing = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/people/persons"]["get"]
        assert {p["name"] for p in listing["parameters"]} == {"page", "page_size"}

    def test_without_token_401(self, client, network):
        assert client.get(f"{BASE}/persons").status_code == 401

    def test_token_without_scope_403(self, client, network):
        assert (
            client.get(f"{BASE}/persons", headers=token_for(network.referent, ["directory:read"])).status_code == 403
        )

    def test_bad_paging_422(self, client, network):
        assert client.get(f"{BASE}/persons?page=0", headers=token_for(network.referent)).status_code == 422


class TestDetail:
    def url(self, network):
        return f"{BASE}/persons/{network.person.public_id}"

    @pytest.mark.parametrize(
        ("role", "status"),
        [("referent", 200), ("partner", 200), ("stranger", 404), ("admin", 404), ("coordinator", 404), ("staff", 404)],
    )
    def test_by_role(self, client, network, role, status):
        response = client.get(self.url(network), headers=token_for(getattr(network, role)))
        assert response.status_code == status
        if status == 404:
            assert response.json()["detail"]

    def test_categories_are_masked(self, client, network):
        ObjectionFactory(person=network.person, organisation=network.partner_org, category=Category.SOCIAL)
        body = client.get(self.url(network), headers=token_for(network.partner)).json()
        assert body["primary_network"] is None and "SOCIAL" not in body["categories"]
        assert body["identity"]["last_name"] == "Fontaine"
        assert body["secondary_network"]
        referent = client.get(self.url(network), headers=token_for(network.referent)).json()
        assert {r["name"] for r in referent["primary_network"]} == {"Josiane", "Marc"}
        assert all(need["category"] == "SOCIAL" for need in referent["needs"])

    def test_unknown_is_404(self, client, network):
        response = client.get(
            f"{BASE}/persons/00000000-0000-4000-8000-000000000000", headers=token_for(network.referent)
        )
        assert response.status_code == 404

    def test_access_is_logged(self, client, network):
        client.get(self.url(network), headers=token_for(network.partner))
        purposes = set(
            AccessEvent.objects.filter(person_id=network.person.pk, actor_id=network.partner.pk).values_list(
                "purpose", flat=True
            )
        )
        assert purposes == {"api_person"}


class TestWhoSaw:
    def test_referent_only(self, client, network):
        url = f"{BASE}/persons/{network.person.public_id}/who-saw"
        client.get(f"{BASE}/persons/{network.person.public_id}", headers=token_for(network.partner))
        body = client.get(url, headers=token_for(network.referent)).json()
        assert body["count"] >= 1
        assert any(item["organisation"] == "Centre de santé mentale" for item in body["items"])
        assert client.get(url, headers=token_for(network.partner)).status_code == 404
        assert client.get(url, headers=token_for(network.stranger)).status_code == 404


def test_every_status_is_declared_in_the_openapi_description(client, network):
    schema = client.get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        if not path.startswith("/api/v1/people/"):
            continue
        for method, operation in item.items():
            responses = set(operation["responses"])
            assert {"401", "403", "404", "422"} <= responses and responses & {"200", "201"}
            keyed = any(parameter["name"] == "Idempotency-Key" for parameter in operation.get("parameters", []))
            if method == "patch" or keyed:
                assert "409" in responses  # a stale write or a key still in flight (ADR 5)
