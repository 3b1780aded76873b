"""The person's own space: invitation by the referent, activation, and what the person sees and decides."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from maillage.access.enums import Category
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory
from maillage.consent.models import Consent, Objection
from maillage.core.tests.helpers import post_form
from maillage.people import invitations
from maillage.people.tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un mot de passe assez long 2026"


def invite_url(network) -> str:
    return reverse("people:space_invite", kwargs={"public_id": network.person.public_id})


@pytest.fixture
def own(network):
    """The person with their own login, and an explicit health consent for the partner."""
    network.person.user = UserFactory(kind=UserKind.PERSON, email="amelie.own@example.org")
    network.person.save(update_fields=["user"])
    ConsentFactory(
        person=network.person,
        recipient_organisation=network.partner_org,
        categories=[Category.HEALTH],
        explicit=True,
        purpose="Suivi du sommeil",
    )
    return network


class TestInvitation:
    def test_printed_code_then_activation_then_login(self, client, network):
        network.person.email = ""
        network.person.save(update_fields=["email"])
        client.force_login(network.referent)
        assert client.get(invite_url(network)).status_code == 200
        sheet = client.post(invite_url(network), {"method": "code"})
        html = sheet.content.decode()
        assert sheet.status_code == 200 and "no-store" in sheet["Cache-Control"]
        code = re.search(r'class="code">([A-Z0-9-]+)<', html).group(1)
        assert "@maillage.invalid" not in html  # the person chooses a username when they activate

        client.logout()
        response = client.post(reverse("people:space_code"), {"code": code.lower()})
        assert response.status_code == 302 and response["Location"] == reverse("people:space_password")
        response = client.post(
            reverse("people:space_password"),
            {"username": "josiane", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert response.status_code == 302 and response["Location"] == reverse("people:space_home")
        home = client.get(reverse("people:space_home"))
        assert home.status_code == 200 and "Josiane" in home.content.decode()
        # Single use: the same code no longer works.
        client.logout()
        assert client.post(reverse("people:space_code"), {"code": code}).status_code == 422

    def test_e_mail_link(self, client, network, django_capture_on_commit_callbacks):
        client.force_login(network.referent)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(invite_url(network), {"method": "email"})
        assert response.status_code == 302
        [message] = mail.outbox
        assert message.to == ["amelie@example.org"]
        link = re.search(r"http\S+/people/me/activate/(\S+)/", message.body)
        client.logout()
        response = client.get(reverse("people:space_activate", kwargs={"token": link.group(1)}))
        assert response.status_code == 302 and link.group(1) not in response["Location"]
        response = client.post(
            reverse("people:space_password"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        assert response.status_code == 302
        assert client.get(reverse("people:space_activate", kwargs={"token": link.group(1)})).status_code == 404

    def test_a_bad_code_says_so(self, client, network):
        response = client.post(reverse("people:space_code"), {"code": "AAAA-BBBB-CCCC"})
        assert response.status_code == 422 and 'id="id_code_error"' in response.content.decode()

    @pytest.mark.parametrize("role", ["partner", "stranger", "admin"])
    def test_only_the_referent_invites(self, client, network, role):
        client.force_login(getattr(network, role))
        assert client.post(invite_url(network), {"method": "code"}).status_code == 404

    def test_a_new_invitation_voids_the_previous_code(self, client, network):
        client.force_login(network.referent)
        first = client.post(invite_url(network), {"method": "code"}).content.decode()
        client.post(invite_url(network), {"method": "code"})
        code = re.search(r'class="code">([A-Z0-9-]+)<', first).group(1)
        assert invitations.user_for_code(code) is None


class TestOwnSpace:
    def test_sees_networks_needs_and_consents_in_their_language(self, client, own):
        own.person.user.preferred_language = "en"
        own.person.user.save(update_fields=["preferred_language"])
        client.force_login(own.person.user)
        html = client.get(reverse("people:space_home")).content.decode()
        assert "Dormir mieux." in html and "Josiane" in html and "CPAS de Namur" in html
        assert 'role="img"' in html and "Suivi du sommeil" in html

    def test_who_saw_my_file(self, client, own):
        client.force_login(own.partner)
        client.get(reverse("people:person_detail", kwargs={"public_id": own.person.public_id}))
        client.force_login(own.person.user)
        html = client.get(reverse("access:who_saw", kwargs={"public_id": own.person.public_id})).content.decode()
        assert "Centre de santé mentale" in html and "Paul Partenaire" in html

    def test_revoking_tells_the_referent_and_applies_at_once(self, client, own, django_capture_on_commit_callbacks):
        consent = Consent.objects.get(person=own.person, purpose="Suivi du sommeil")
        client.force_login(own.person.user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("people:space_consent_revoke"), {"consent": consent.pk})
        assert response.status_code == 302
        assert [m.to for m in mail.outbox] == [[own.referent.email]]
        assert "Amélie" not in mail.outbox[0].body and "Fontaine" not in mail.outbox[0].body
        client.force_login(own.partner)
        page = client.get(reverse("people:person_detail", kwargs={"public_id": own.person.public_id}))
        assert "Dormir mieux." not in page.content.decode()

    def test_object_then_withdraw(self, client, own):
        client.force_login(own.person.user)
        data = {"category": "SOCIAL", "organisation": str(own.partner_org.public_id), "note": ""}
        assert (
            post_form(client, reverse("people:space_objection"), data, page=reverse("people:space_home")).status_code
            == 302
        )
        objection = Objection.objects.get(person=own.person)
        assert objection.organisation == own.partner_org
        client.post(reverse("people:space_objection_withdraw"), {"objection": objection.pk})
        assert Objection.objects.active().filter(person=own.person).count() == 0

    def test_grant_a_consent(self, client, own):
        client.force_login(own.person.user)
        data = {"recipient": "team", "categories": ["PROJECT"], "purpose": "Mon projet"}
        assert (
            post_form(
                client, reverse("people:space_consent_grant"), data, page=reverse("people:space_home")
            ).status_code
            == 302
        )
        consent = Consent.objects.get(person=own.person, purpose="Mon projet")
        assert consent.how_given == "ELECTRONIC_BY_PERSON" and consent.recipient_organisation is None

    def test_grant_errors_keep_what_was_typed(self, client, own):
        client.force_login(own.person.user)
        data = {"recipient": "team", "purpose": "Mes mots"}
        response = client.post(reverse("people:space_consent_grant"), data)
        assert response.status_code == 422 and 'value="Mes mots"' in response.content.decode()

    def test_cannot_touch_someone_elses_consent(self, client, own):
        other = ConsentFactory()
        client.force_login(own.person.user)
        assert client.post(reverse("people:space_consent_revoke"), {"consent": other.pk}).status_code == 404

    @pytest.mark.parametrize("role", ["referent", "staff"])
    def test_professionals_have_no_own_space(self, client, own, role):
        client.force_login(getattr(own, role))
        assert client.get(reverse("people:space_home")).status_code == 404
