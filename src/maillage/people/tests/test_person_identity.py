"""A professional corrects a person's identity, contact details and commune; a new file records the commune."""

import re

import pytest
from django.urls import reverse

from maillage.access.models import AccessEvent
from maillage.core.tests.helpers import guard_fields, post_form
from maillage.people.models import Person
from maillage.territories.models import Level, Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(db):
    names = ["Vielsalm", "Érezée", "Durbuy", "Arlon", "elsenborn"]
    return {
        name: Territory.objects.create(country="BE", level=Level.COMMUNE, code=f"9{index:04d}", name=name)
        for index, name in enumerate(names)
    }


def edit_url(person) -> str:
    return reverse("people:person_edit", kwargs={"public_id": person.public_id})


def commune_names(html: str) -> list[str]:
    select = re.search(r'<select name="commune".*?</select>', html, re.S).group(0)
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)


class TestCreate:
    def test_a_new_file_records_the_commune_chosen_in_french_order(self, client, network, communes):
        client.force_login(network.referent)
        html = client.get(reverse("people:person_create")).content.decode()
        assert commune_names(html) == ["Arlon", "Durbuy", "elsenborn", "Érezée", "Vielsalm"]
        data = {
            "first_name": "Bruno",
            "last_name": "Lambert",
            "preferred_language": "fr",
            "commune": communes["Érezée"].pk,
            "is_referent": "on",
            "informed": "on",
            "information_method": "ORAL",
            "shared_categories": ["IDENTITY", "SOCIAL", "COORDINATION"],
        }
        assert post_form(client, reverse("people:person_create"), data).status_code == 302
        assert Person.objects.get(last_name="Lambert").commune == communes["Érezée"]


class TestEdit:
    def data(self, person, **overrides):
        return {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "phone": "0470 12 34 56",
            "email": "amelie.nouvelle@example.org",
            "preferred_language": "en",
            **overrides,
        }

    def test_the_referent_corrects_contact_details_and_commune(self, client, network, communes):
        person = network.person
        client.force_login(network.referent)
        detail = client.get(reverse("people:person_detail", kwargs={"public_id": person.public_id})).content.decode()
        assert edit_url(person) in detail
        response = post_form(client, edit_url(person), self.data(person, commune=communes["Durbuy"].pk))
        assert response.status_code == 302 and response["Location"].endswith("#identity")
        person.refresh_from_db()
        assert (person.phone, person.email, person.preferred_language) == (
            "0470 12 34 56",
            "amelie.nouvelle@example.org",
            "en",
        )
        assert person.commune == communes["Durbuy"]
        assert AccessEvent.objects.filter(person_id=person.pk, purpose="person_update").exists()
        # And the commune can be taken away again.
        post_form(client, edit_url(person), self.data(person, commune=""))
        person.refresh_from_db()
        assert person.commune is None

    def test_a_change_made_meanwhile_is_not_overwritten_and_what_was_typed_stays(self, client, network, communes):
        person = network.person
        client.force_login(network.referent)
        fields = guard_fields(client.get(edit_url(person)).content.decode(), None)
        Person.objects.filter(pk=person.pk).update(phone="081 00 00 00", version=person.version + 1)
        response = client.post(edit_url(person), {**fields, **self.data(person, phone="0499 99 99 99")})
        assert response.status_code == 422 and 'value="0499 99 99 99"' in response.content.decode()
        person.refresh_from_db()
        assert person.phone == "081 00 00 00"

    def test_a_bad_value_says_so(self, client, network, communes):
        client.force_login(network.referent)
        response = post_form(client, edit_url(network.person), self.data(network.person, commune="999999", email="x"))
        html = response.content.decode()
        assert response.status_code == 422 and 'id="id_commune_error"' in html and 'id="id_email_error"' in html

    def test_who_may_not_edit_gets_a_404(self, client, network):
        client.force_login(network.stranger)
        assert client.get(edit_url(network.person)).status_code == 404
        client.force_login(network.admin)
        assert client.post(edit_url(network.person), self.data(network.person)).status_code == 404


class TestApi:
    """PATCH /api/v1/people/persons/{id} changes the commune too, named by its official code."""

    @pytest.fixture
    def write(self, network):
        from maillage.people.tests.test_views_api import token_for

        return token_for(network.referent, ["persons:read", "persons:write"])

    def patch(self, client, person, body, headers):
        path = f"/api/v1/people/persons/{person.public_id}"
        return client.patch(path, body, content_type="application/json", headers=headers)

    def test_the_commune_is_set_by_its_code_then_removed(self, client, network, communes, write):
        response = self.patch(client, network.person, {"version": 1, "commune_code": "90001"}, write)
        assert response.status_code == 200
        body = response.json()
        assert (body["commune"], body["commune_code"], body["commune_country"]) == ("Érezée", "90001", "BE")
        assert Person.objects.get(pk=network.person.pk).commune == communes["Érezée"]
        assert self.patch(client, network.person, {"version": 2, "phone": "1"}, write).json()["commune"] == "Érezée"
        cleared = self.patch(client, network.person, {"version": 3, "commune_code": None}, write)
        assert cleared.status_code == 200 and cleared.json()["commune"] is None
        assert Person.objects.get(pk=network.person.pk).commune is None

    def test_a_code_two_countries_share_needs_the_country(self, client, network, communes, write):
        Territory.objects.create(country="FR", level=Level.COMMUNE, code="90001", name="Belfort")
        ambiguous = self.patch(client, network.person, {"version": 1, "commune_code": "90001"}, write)
        assert ambiguous.status_code == 422 and ambiguous.json()["errors"][0]["field"] == "commune_country"
        chosen = self.patch(
            client, network.person, {"version": 1, "commune_code": "90001", "commune_country": "fr"}, write
        )
        assert chosen.status_code == 200 and chosen.json()["commune"] == "Belfort"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"commune_code": "00000"}, "commune_code"),
            ({"commune_code": "90001", "commune_country": "NL"}, "commune_code"),
            ({"commune_country": "BE"}, "commune_code"),
            ({"commune_code": "x" * 21}, "commune_code"),
        ],
    )
    def test_a_bad_commune_answers_422_naming_the_field_and_changes_nothing(
        self, client, network, communes, write, body, field
    ):
        response = self.patch(client, network.person, {"version": 1, "phone": "081 11 11 11", **body}, write)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field and response.json()["errors"][0]["message"]
        person = Person.objects.get(pk=network.person.pk)
        assert person.phone != "081 11 11 11" and person.version == 1

    def test_openapi_describes_the_commune(self, client):
        schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
        assert "commune_code" in schemas["IdentityIn"]["properties"]
        assert "commune_code" in schemas["IdentityOut"]["properties"]
