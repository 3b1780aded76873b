"""Saved searches of a professional and their e-mail alerts (new matches, capacity changes, unsubscribe)."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from maillage.accounts.tests.factories import MembershipFactory, UserFactory
from maillage.directory.enums import CapacityStatus, ServiceKind
from maillage.directory.models import SavedSearch
from maillage.directory.search_index import rebuild_index
from maillage.directory.tasks import send_search_alert
from maillage.directory.tests.factories import ServiceFactory, place_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    membership = MembershipFactory()
    membership.user.preferred_language = "en"
    membership.user.save()
    client.force_login(membership.user)
    return membership.user


@pytest.fixture
def workshop(libramont):
    service = ServiceFactory(name="Atelier cuisine", kinds=[ServiceKind.WORKSHOP])
    place_service(service, commune=libramont, latitude=49.921, longitude=5.379)
    rebuild_index()
    return service


def save(client, libramont, **extra) -> SavedSearch:
    response = client.post(
        reverse("directory:saved_searches"),
        {"name": "Ateliers à Libramont", "kind": "WORKSHOP", "place": "Libramont-Chevigny", **extra},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return SavedSearch.objects.get()


class TestSaving:
    def test_a_member_saves_the_search_and_finds_it_again(self, client, member, workshop, libramont):
        saved = save(client, libramont)
        assert saved.user == member and saved.alerts
        assert saved.query == {"kind": "WORKSHOP", "place": "Libramont-Chevigny"}
        assert saved.known == {str(workshop.public_id): "AVAILABLE"}
        body = client.get(reverse("directory:saved_searches")).content.decode()
        assert "Ateliers à Libramont" in body
        opened = client.get(reverse("directory:saved_search_open", args=[saved.pk]))
        assert opened.status_code == 302 and "kind=WORKSHOP" in opened.url and "place=Libramont" in opened.url

    def test_the_search_page_offers_saving_to_members_only(self, client, member, workshop):
        assert "id_saved_name" in client.get(reverse("directory:search"), {"kind": "WORKSHOP"}).content.decode()
        client.logout()
        assert "id_saved_name" not in client.get(reverse("directory:search")).content.decode()

    def test_without_a_name_the_form_says_so(self, client, member, workshop):
        response = client.post(reverse("directory:saved_searches"), {"name": "", "kind": "WORKSHOP"})
        assert response.status_code == 400 and SavedSearch.objects.count() == 0

    def test_another_user_cannot_open_or_delete_it(self, client, member, workshop, libramont):
        saved = save(client, libramont)
        client.force_login(MembershipFactory().user)
        assert client.get(reverse("directory:saved_search_open", args=[saved.pk])).status_code == 404
        assert client.post(reverse("directory:saved_search_delete", args=[saved.pk])).status_code == 404
        assert SavedSearch.objects.filter(pk=saved.pk).exists()

    def test_a_user_without_organisation_cannot_save(self, client, workshop):
        client.force_login(UserFactory())
        response = client.post(reverse("directory:saved_searches"), {"name": "x", "kind": "WORKSHOP"})
        assert response.status_code in (302, 403) and SavedSearch.objects.count() == 0  # refused or sent to log in

    def test_delete(self, client, member, workshop, libramont):
        saved = save(client, libramont)
        assert client.post(reverse("directory:saved_search_delete", args=[saved.pk])).status_code == 302
        assert not SavedSearch.objects.exists()


class TestAlerts:
    def test_nothing_new_no_mail(self, client, member, workshop, libramont):
        saved = save(client, libramont)
        assert send_search_alert.call(saved.pk) == 0
        assert mail.outbox == []

    def test_a_new_match_and_a_capacity_change_are_mailed_once_in_the_users_language(
        self, client, member, workshop, libramont
    ):
        saved = save(client, libramont)
        new = ServiceFactory(name="Atelier couture", kinds=[ServiceKind.WORKSHOP])
        place_service(new, commune=libramont, latitude=49.92, longitude=5.38)
        ServiceFactory(name="Atelier ailleurs", kinds=[ServiceKind.TRAINING])  # does not match
        workshop.capacity_status = CapacityStatus.FULL
        workshop.save()
        rebuild_index()

        assert send_search_alert.call(saved.pk) == 1
        message = mail.outbox[0]
        assert message.to == [member.email]
        assert "Ateliers à Libramont" in message.subject and "news for your search" in message.subject
        assert "Atelier couture" in message.body and "Atelier ailleurs" not in message.body
        assert "Atelier cuisine: Full" in message.body
        assert reverse("directory:saved_search_unsubscribe", args=[saved.unsubscribe_token]) in message.body
        assert send_search_alert.call(saved.pk) == 0, "the same news is not sent twice"

    def test_french_for_a_french_user(self, client, member, workshop, libramont):
        saved = save(client, libramont)
        member.preferred_language = "fr"
        member.save()
        new = ServiceFactory(name="Atelier couture", kinds=[ServiceKind.WORKSHOP])
        place_service(new, commune=libramont, latitude=49.92, longitude=5.38)
        rebuild_index()
        send_search_alert.call(saved.pk)
        assert "Arrêter ces alertes" in mail.outbox[0].body

    def test_unsubscribe_link_asks_then_stops(self, client, member, workshop, libramont):
        saved = save(client, libramont)
        client.logout()
        url = reverse("directory:saved_search_unsubscribe", args=[saved.unsubscribe_token])
        assert client.get(url).status_code == 200
        saved.refresh_from_db()
        assert saved.alerts, "opening the link (a mail scanner) stops nothing"
        assert client.post(url).status_code == 200
        saved.refresh_from_db()
        assert not saved.alerts
        assert client.get(reverse("directory:saved_search_unsubscribe", args=["nope"])).status_code == 404
        new = ServiceFactory(name="Atelier couture", kinds=[ServiceKind.WORKSHOP])
        place_service(new, commune=libramont, latitude=49.92, longitude=5.38)
        rebuild_index()
        assert send_search_alert.call(saved.pk) == 0

    def test_command_enqueues_the_active_ones(self, client, member, workshop, libramont):
        save(client, libramont)
        out = io.StringIO()
        call_command("directory_search_alerts", stdout=out)
        assert "alerts enqueued: 1" in out.getvalue()
