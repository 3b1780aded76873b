"""The person's own space on a busy day: their language, plain words in the second person."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from maillage.access.models import AccessEvent
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import TEST_PASSWORD, UserFactory
from maillage.core.tests.helpers import post_form
from maillage.people.models import SpaceMessage

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


class TestLogin:
    """A login the person can remember: their own e-mail address, or a username and a PIN they chose."""

    def activate_with_code(self, client, network) -> str:
        network.person.email = ""
        network.person.save(update_fields=["email"])
        client.force_login(network.referent)
        sheet = client.post(
            reverse("people:space_invite", kwargs={"public_id": network.person.public_id}), {"method": "code"}
        )
        html = sheet.content.decode()
        assert "@maillage.invalid" not in html and "utilisateur" in html
        client.logout()
        code = re.search(r'class="code">([A-Z0-9-]+)<', html).group(1)
        client.post(reverse("people:space_code"), {"code": code})
        return html

    def test_a_person_without_e_mail_chooses_a_username_and_a_pin_then_logs_in_with_them(self, client, network):
        self.activate_with_code(client, network)
        page = client.get(reverse("people:space_password")).content.decode()
        assert 'name="username"' in page and "@maillage.invalid" not in page
        response = client.post(
            reverse("people:space_password"),
            {"username": "Amelie75", "new_password1": "274913", "new_password2": "274913"},
        )
        assert response.status_code == 302
        client.logout()
        response = client.post(reverse("accounts:login"), {"username": "amelie75", "password": "274913"})
        assert response.status_code == 302
        assert client.get(reverse("people:space_home")).status_code == 200

    @pytest.mark.parametrize(
        ("username", "pin", "field"),
        [
            ("a", "274913", "username"),
            ("amélie", "274913", "username"),
            ("amelie75", "123456", "new_password2"),
            ("amelie75", "1111111", "new_password2"),
            ("amelie75", "2749", "new_password2"),
        ],
    )
    def test_a_username_or_pin_too_easy_is_refused_clearly(self, client, network, username, pin, field):
        self.activate_with_code(client, network)
        response = client.post(
            reverse("people:space_password"), {"username": username, "new_password1": pin, "new_password2": pin}
        )
        assert response.status_code == 422 and f'id="id_{field}_error"' in response.content.decode()

    def test_a_username_taken_is_refused(self, client, network):
        UserFactory(kind=UserKind.PERSON, email="other@example.org", username="amelie75")
        self.activate_with_code(client, network)
        response = client.post(
            reverse("people:space_password"),
            {"username": "AMELIE75", "new_password1": "274913", "new_password2": "274913"},
        )
        assert response.status_code == 422 and 'id="id_username_error"' in response.content.decode()

    def test_a_person_with_e_mail_keeps_it_as_login_and_no_username_is_asked(self, client, network):
        network.person.email = "amelie.perso@example.org"
        network.person.save(update_fields=["email"])
        client.force_login(network.referent)
        sheet = client.post(
            reverse("people:space_invite", kwargs={"public_id": network.person.public_id}), {"method": "code"}
        )
        html = sheet.content.decode()
        assert "amelie.perso@example.org" in html
        code = re.search(r'class="code">([A-Z0-9-]+)<', html).group(1)
        client.logout()
        client.post(reverse("people:space_code"), {"code": code})
        page = client.get(reverse("people:space_password")).content.decode()
        assert 'name="username"' not in page and "amelie.perso@example.org" in page

    def test_a_professional_cannot_log_in_with_a_username(self, client, network):
        network.referent.username = "referent"
        network.referent.save(update_fields=["username"])
        response = client.post(reverse("accounts:login"), {"username": "referent", "password": TEST_PASSWORD})
        assert response.status_code == 200 and "_auth_user_id" not in client.session

    def test_failures_with_a_username_are_throttled_per_account(self, client, network, settings):
        self.activate_with_code(client, network)
        client.post(
            reverse("people:space_password"),
            {"username": "amelie75", "new_password1": "274913", "new_password2": "274913"},
        )
        client.logout()
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            client.post(reverse("accounts:login"), {"username": "amelie75", "password": "000001"})
        response = client.post(reverse("accounts:login"), {"username": "amelie75", "password": "274913"})
        assert "_auth_user_id" not in client.session and response.status_code in (403, 429)


class TestWriteToTheReferent:
    def test_the_message_reaches_the_referent_s_file_and_the_e_mail_says_nothing_of_it(
        self, client, own, django_capture_on_commit_callbacks
    ):
        client.force_login(own.person.user)
        mail.outbox = []
        with django_capture_on_commit_callbacks(execute=True):
            response = post_form(
                client,
                reverse("people:space_message"),
                {"body": "Pouvez-vous me rappeler jeudi ?"},
                page=reverse("people:space_home"),
            )
        assert response.status_code == 302 and response["Location"].endswith("#write")
        [message] = mail.outbox
        assert message.to == [own.referent.email]
        assert "jeudi" not in message.body + message.subject
        assert "Amélie" not in message.body and "Fontaine" not in message.body
        audited = AccessEvent.objects.filter(person_id=own.person.pk, purpose="space_message")
        assert {"CREATE", "NOTIFY"} <= set(audited.values_list("action", flat=True))
        assert "jeudi" in client.get(reverse("people:space_home")).content.decode()

        detail = reverse("people:person_detail", kwargs={"public_id": own.person.public_id})
        client.force_login(own.referent)
        assert "Pouvez-vous me rappeler jeudi ?" in client.get(detail).content.decode()
        client.force_login(own.partner)
        assert "jeudi" not in client.get(detail).content.decode()

    def test_an_empty_message_says_so_and_sends_nothing(self, client, own):
        client.force_login(own.person.user)
        mail.outbox = []
        response = post_form(
            client, reverse("people:space_message"), {"body": "  "}, page=reverse("people:space_home")
        )
        assert response.status_code == 422 and 'id="id_body_error"' in response.content.decode()
        assert mail.outbox == []

    def test_a_professional_cannot_post_in_the_person_s_name(self, client, own):
        client.force_login(own.referent)
        assert client.post(reverse("people:space_message"), {"body": "x"}).status_code == 404

    def test_the_message_is_in_the_person_s_export(self, client, own):
        client.force_login(own.person.user)
        post_form(
            client, reverse("people:space_message"), {"body": "Merci pour hier."}, page=reverse("people:space_home")
        )
        export = reverse("people:person_export", kwargs={"public_id": own.person.public_id})
        assert "Merci pour hier." in client.get(export).content.decode()

    def test_anonymising_the_file_deletes_the_messages_and_the_username(self, client, own):
        from maillage.people import retention

        own.person.user.username = "amelie75"
        own.person.user.save(update_fields=["username"])
        client.force_login(own.person.user)
        post_form(client, reverse("people:space_message"), {"body": "Merci."}, page=reverse("people:space_home"))
        assert SpaceMessage.objects.filter(person=own.person).exists()
        retention.anonymise([own.person.pk])
        own.person.user.refresh_from_db()
        assert not SpaceMessage.objects.filter(person=own.person).exists() and own.person.user.username == ""
