"""The person's own space on a busy day: their language, plain words in the second person."""

import pytest
from django.urls import reverse

from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(network):
    network.person.user = UserFactory(kind=UserKind.PERSON, email="amelie.own@example.org", preferred_language="fr")
    network.person.save(update_fields=["user"])
    return network


def switch(client, language: str, next_url: str):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


class TestLanguage:
    def test_the_switch_changes_the_space_and_is_remembered_on_the_account(self, client, own):
        client.force_login(own.person.user)
        home = reverse("people:space_home")
        assert "Votre réseau" in client.get(home).content.decode()
        assert switch(client, "en", home).status_code == 302
        own.person.user.refresh_from_db()
        assert own.person.user.preferred_language == "en"
        assert "Your network" in client.get(home).content.decode()
        # Another device, without the switch's cookie: the same language.
        client.cookies.clear()
        client.force_login(own.person.user)
        assert "Your network" in client.get(home).content.decode()

    def test_the_person_s_language_wins_over_the_browser_s(self, client, own):
        client.force_login(own.person.user)
        html = client.get(reverse("people:space_home"), headers={"accept-language": "en"}).content.decode()
        assert "Votre réseau" in html and '<html lang="fr">' in html

    def test_an_unknown_language_changes_nothing(self, client, own):
        client.force_login(own.person.user)
        switch(client, "xx", reverse("people:space_home"))
        own.person.user.refresh_from_db()
        assert own.person.user.preferred_language == "fr"


class TestPlainWords:
    def test_second_person_and_no_legal_jargon(self, client, own):
        own.person.user.preferred_language = "en"
        own.person.user.save(update_fields=["preferred_language"])
        client.force_login(own.person.user)
        html = client.get(reverse("people:space_home")).content.decode()
        assert "Who can see what" in html and "You are in the centre" in html
        assert "My network" not in html and "What I share" not in html
        for jargon in ("GDPR", "Care-team sharing: person informed", "Other legal obligation"):
            assert jargon not in html
