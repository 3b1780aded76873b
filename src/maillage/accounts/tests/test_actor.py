import pytest
from django.urls import reverse

from maillage.accounts.actors import actor_for
from maillage.accounts.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestActor:
    def test_professional_acts_for_their_organisation(self):
        membership = MembershipFactory()
        actor = actor_for(membership.user)
        assert actor.organisation == membership.organisation
        assert actor.is_professional
        assert not actor.is_network_coordinator

    def test_inactive_membership_gives_no_organisation(self):
        membership = MembershipFactory(is_active=False)
        assert actor_for(membership.user).organisation is None


class TestDeactivation:
    def test_deactivated_member_is_logged_out_at_next_request(self, client):
        membership = MembershipFactory()
        client.force_login(membership.user)
        assert client.get(reverse("core:home")).status_code == 200

        membership.is_active = False
        membership.save(update_fields=["is_active"])

        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        assert response.url == reverse("accounts:login")
        assert client.get(reverse("core:home")).status_code == 302

    def test_user_without_membership_cannot_log_in_to_pages(self, client):
        user = UserFactory()
        client.force_login(user)
        assert client.get(reverse("core:home")).status_code == 302


class TestPages:
    def test_login_page_is_french_by_default(self, client):
        response = client.get(reverse("accounts:login"))
        assert response.status_code == 200
        assert 'lang="fr"' in response.content.decode()

    def test_home_requires_login(self, client):
        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    def test_unknown_url_is_a_proper_404_page(self, client):
        response = client.get("/nowhere-to-be-found/")
        assert response.status_code == 404
