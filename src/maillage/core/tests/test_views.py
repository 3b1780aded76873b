"""The shell's pages per role, the language switch and the error pages (Django test client)."""

import pytest
from django.test import Client
from django.urls import reverse

from maillage.accounts.actors import ANONYMOUS, actor_for
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import MembershipFactory, UserFactory
from maillage.core import views
from maillage.core.navigation import navigation_for, optional_url

pytestmark = pytest.mark.django_db


def nav_labels(response) -> list[str]:
    return [str(link.label) for link in response.context["navigation"]]


class TestHome:
    def test_anonymous_visitor_is_sent_to_the_french_login_page(self, client):
        response = client.get("/", follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
        assert '<html lang="fr">' in response.text
        assert "Se connecter à Maillage" in response.text

    def test_professional_sees_their_organisation(self, client):
        membership = MembershipFactory(organisation__name="CPAS d'Arlon", user__first_name="Louise")
        client.force_login(membership.user)
        response = client.get("/")
        assert response.status_code == 200
        assert "Bonjour Louise" in response.text
        assert "CPAS d&#x27;Arlon" in response.text
        assert "Professionnel·le" in response.text
        assert nav_labels(response)[0] == "Tableau de bord"
        assert 'aria-current="page"' in response.text

    def test_platform_staff_without_membership_reaches_the_administration(self, client):
        staff = UserFactory(is_staff=True, is_superuser=True)
        client.force_login(staff)
        response = client.get("/")
        assert response.status_code == 200
        assert "Administration" in nav_labels(response)
        assert "aucune donnée des personnes" in response.text

    def test_person_sees_their_own_space(self, client):
        person = UserFactory(kind=UserKind.PERSON)
        client.force_login(person)
        response = client.get("/")
        assert response.status_code == 200
        assert "Voici votre espace personnel" in response.text
        assert "Administration" not in nav_labels(response)

    def test_page_works_in_english(self, client):
        client.force_login(MembershipFactory(user__first_name="Louise").user)
        response = client.get("/", headers={"accept-language": "en"})
        assert '<html lang="en">' in response.text
        assert "Hello Louise" in response.text


class TestNavigation:
    def test_links_to_views_that_do_not_exist_yet_are_left_out(self):
        assert optional_url("core:home") == "/"
        assert optional_url("nowhere:nothing") is None

    def test_anonymous_navigation_offers_only_public_pages(self):
        urls = [link.url for link in navigation_for(ANONYMOUS)]
        assert all(url == optional_url("directory:search") for url in urls)

    def test_the_longest_matching_link_is_current(self):
        actor = actor_for(MembershipFactory().user)
        links = navigation_for(actor, "/")
        assert [link.url for link in links if link.current] == ["/"]


class TestLanguageSwitch:
    def test_anonymous_visitor_switches_to_english_and_stays_on_the_page(self, client):
        response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/"
        assert "Log in to Maillage" in client.get("/accounts/login/").text

    def test_unknown_language_changes_nothing(self, client):
        client.post(reverse("set_language"), {"language": "xx", "next": "/accounts/login/"})
        assert "Se connecter à Maillage" in client.get("/accounts/login/").text

    def test_foreign_next_url_is_not_followed(self, client):
        response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
        assert response["Location"] == "/"

    def test_switch_is_a_post(self, client):
        assert client.get(reverse("set_language")).status_code == 405


class TestErrorPages:
    def test_unknown_url_gives_a_translated_404_page(self, client):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert "Page introuvable" in response.text
        assert 'href="/accounts/login/"' in response.text

    def test_403_page(self, rf):
        request = rf.get("/")
        response = views.permission_denied(request)
        assert response.status_code == 403
        assert "Accès refusé" in response.text

    def test_400_page(self, rf):
        response = views.bad_request(rf.get("/"))
        assert response.status_code == 400
        assert "Requête incorrecte" in response.text

    def test_500_page_needs_no_context(self, rf):
        response = views.server_error(rf.get("/"))
        assert response.status_code == 500
        assert "Une erreur est survenue" in response.content.decode()

    def test_form_without_csrf_token_gets_the_expired_form_page(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("accounts:login"), {"username": "a@example.org", "password": "x"})
        assert response.status_code == 403
        assert "Le formulaire a expiré" in response.text

    def test_disallowed_host_gets_the_400_page(self, client):
        response = client.get("/", headers={"host": "evil.example"})
        assert response.status_code == 400
        assert "Requête incorrecte" in response.text
