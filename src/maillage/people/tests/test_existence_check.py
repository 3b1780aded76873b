"""Finding a person outside one's network, the lawful way: every fact needed, an answer that shows nothing but
whether a file exists, a daily cap, an audit entry for every check, and the way on (ask to join, break the glass)."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillage.access.enums import Action, Outcome, Reason
from maillage.access.existence import DUPLICATE_CHECK, EXISTENCE_CHECK, Found, existence_check
from maillage.access.models import AccessEvent
from maillage.accounts.actors import actor_for
from maillage.core.tests.helpers import guard_fields, post_form
from maillage.directory.tests.factories import TerritoryFactory
from maillage.people.models import Person
from maillage.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

URL = reverse("access:existence_answer")
PAGE = reverse("access:existence_check")
BIRTH = dt.date(1980, 5, 17)


@pytest.fixture
def namur(network):
    commune = TerritoryFactory(name="Namur")
    network.person.commune = commune
    network.person.save(update_fields=["commune"])
    return commune


def facts(**changes) -> dict:
    return {"first_name": "amelie", "last_name": "FONTAINE", "birth_date": "1980-05-17", "commune": "namur", **changes}


def _checks(user) -> list[tuple[str, int | None, str]]:
    events = AccessEvent.objects.filter(actor_id=user.pk, action=Action.SEARCH, purpose=EXISTENCE_CHECK)
    return [(e.outcome, e.person_id, e.reason) for e in events.order_by("seq")]


def _answer(html: str) -> str:
    """The answer section, with its one sentence and actions taken out: what must not differ."""
    section = re.search(r'<section class="answer".*?</section>', html, re.S)
    assert section, "no answer on the page"
    card = re.search(r'<div class="form-card">.*</form>', html, re.S)
    assert card
    page = card.group(0).replace(section.group(0), "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


class TestExistenceCheck:
    def test_a_stranger_learns_that_a_file_exists_and_nothing_more(self, client, network, namur):
        client.force_login(network.stranger)
        response = client.post(URL, facts())
        html = response.content.decode()
        assert response.status_code == 200
        assert "Un dossier existe." in html
        assert reverse("access:break_glass", kwargs={"public_id": network.person.public_id}) in html
        for detail in ("amelie@example.org", "CPAS de Namur", "Rita", "logement", "Josiane"):
            assert detail not in html
        assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
        assert _checks(network.stranger) == [(Outcome.ALLOWED, network.person.pk, Reason.EXISTENCE_CHECK)]

    def test_not_found_and_found_differ_only_in_the_answer(self, client, network, namur):
        client.force_login(network.stranger)
        found = client.post(URL, facts()).content.decode()
        missing = client.post(URL, facts(birth_date="1981-05-17")).content.decode()
        assert "Aucun dossier ne correspond à ces éléments." in missing
        assert reverse("access:break_glass", kwargs={"public_id": network.person.public_id}) not in missing
        # The form keeps what was typed; the checks-left line counts one check more.
        same_found = _answer(found).replace("encore faire 9", "N").replace('value="1980', 'value="X')
        same_missing = _answer(missing).replace("encore faire 8", "N").replace('value="1981', 'value="X')
        assert same_found == same_missing
        assert _checks(network.stranger)[-1] == (Outcome.ALLOWED, None, Reason.EXISTENCE_CHECK)

    @pytest.mark.parametrize(
        "changes",
        [{"first_name": "Amélia"}, {"last_name": "Fontaines"}, {"birth_date": "1980-05-18"}],
        ids=["first-name", "last-name", "birth-date"],
    )
    def test_every_fact_must_match(self, network, namur, changes):
        data = facts(**changes)
        answer = existence_check(
            actor_for(network.stranger),
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=dt.date.fromisoformat(data["birth_date"]),
            commune_ids=[namur.pk],
        )
        assert answer.found == Found.NONE
        assert answer.public_id is None

    def test_another_commune_finds_nothing(self, network, namur):
        elsewhere = TerritoryFactory(name="Dinant")
        answer = existence_check(
            actor_for(network.stranger), first_name="Amélie", last_name="Fontaine", birth_date=BIRTH,
            commune_ids=[elsewhere.pk],
        )  # fmt: skip
        assert answer.found == Found.NONE

    def test_every_fact_is_required(self, client, network, namur):
        client.force_login(network.stranger)
        response = client.post(URL, facts(commune=""))
        assert response.status_code == 422
        assert "Un dossier existe." not in response.content.decode()
        assert _checks(network.stranger) == []
        assert client.post(URL, facts(commune="Nowhere")).status_code == 422

    def test_the_referent_is_sent_to_the_file(self, client, network, namur):
        client.force_login(network.referent)
        html = client.post(URL, facts()).content.decode()
        assert "Votre organisation accompagne déjà cette personne." in html
        assert reverse("people:person_detail", kwargs={"public_id": network.person.public_id}) in html

    def test_an_anonymised_file_is_not_found(self, network, namur):
        network.person.anonymised_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        network.person.save(update_fields=["anonymised_at"])
        answer = existence_check(
            actor_for(network.stranger), first_name="Amélie", last_name="Fontaine", birth_date=BIRTH,
            commune_ids=[namur.pk],
        )  # fmt: skip
        assert answer.found == Found.NONE

    def test_only_professionals_check(self, client, network):
        for user in (network.admin, network.coordinator, network.staff):
            client.force_login(user)
            assert client.get(PAGE).status_code == 404
            assert client.post(URL, facts()).status_code == 404

    def test_the_daily_cap_counts_every_check(self, client, network, namur, settings):
        settings.EXISTENCE_CHECK_DAILY_CAP = 2
        client.force_login(network.stranger)
        client.post(URL, facts(birth_date="1990-01-01"))
        client.post(URL, facts())
        response = client.post(URL, facts())
        html = response.content.decode()
        assert response.status_code == 422
        assert "Un dossier existe." not in html
        assert "limite de 2 vérifications" in html
        assert [outcome for outcome, _p, _r in _checks(network.stranger)] == [
            Outcome.ALLOWED,
            Outcome.ALLOWED,
            Outcome.DENIED,
        ]
        with pytest.raises(ValidationError):
            existence_check(
                actor_for(network.stranger), first_name="x", last_name="y", birth_date=BIRTH, commune_ids=[namur.pk]
            )

    def test_the_list_links_to_the_check(self, client, network):
        client.force_login(network.stranger)
        assert PAGE in client.get(reverse("people:person_list")).content.decode()
        assert URL in client.get(PAGE).content.decode()

    def test_two_files_with_the_same_facts_are_both_audited(self, network, namur):
        twin = PersonFactory(first_name="Amelie", last_name="Fontaine", birth_date=BIRTH, commune=namur)
        existence_check(
            actor_for(network.stranger), first_name="Amélie", last_name="Fontaine", birth_date=BIRTH,
            commune_ids=[namur.pk],
        )  # fmt: skip
        assert {p for _o, p, _r in _checks(network.stranger)} == {network.person.pk, twin.pk}


class TestDuplicateWarning:
    CREATE = reverse("people:person_create")

    def data(self, **overrides) -> dict:
        return {
            "first_name": "AMELIE",
            "last_name": "fontaine",
            "birth_date": "1980-05-17",
            "preferred_language": "fr",
            "is_referent": "on",
            "informed": "on",
            "information_method": "ORAL",
            "shared_categories": ["IDENTITY", "SOCIAL"],
            **overrides,
        }

    def test_a_file_outside_the_network_is_hinted_without_details(self, client, network):
        client.force_login(network.stranger)
        response = post_form(client, self.CREATE, self.data())
        html = response.content.decode()
        assert response.status_code == 422
        assert "Un dossier existe peut-être déjà" in html
        assert str(network.person.public_id) not in html
        assert reverse("access:existence_check") in html
        assert Person.objects.filter(last_name__iexact="fontaine").count() == 1
        events = AccessEvent.objects.filter(actor_id=network.stranger.pk, purpose=DUPLICATE_CHECK)
        assert list(events.values_list("person_id", flat=True)) == [network.person.pk]

    def test_continuing_opens_a_new_file(self, client, network):
        client.force_login(network.stranger)
        html = client.post(self.CREATE, {**self.data(), **guard_fields(client.get(self.CREATE).content.decode())})
        fields = guard_fields(html.content.decode())
        response = client.post(self.CREATE, {**self.data(open_anyway="on"), **fields})
        assert response.status_code == 302
        assert Person.objects.filter(last_name__iexact="fontaine").count() == 2

    def test_a_file_the_actor_follows_is_linked(self, client, network):
        client.force_login(network.referent)
        html = post_form(client, self.CREATE, self.data()).content.decode()
        assert "Votre organisation accompagne déjà une personne" in html
        assert reverse("people:person_detail", kwargs={"public_id": network.person.public_id}) in html

    def test_another_birth_date_opens_at_once(self, client, network):
        client.force_login(network.stranger)
        assert post_form(client, self.CREATE, self.data(birth_date="1990-01-01")).status_code == 302
        assert not AccessEvent.objects.filter(purpose=DUPLICATE_CHECK).exists()
