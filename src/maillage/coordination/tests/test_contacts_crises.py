"""Contacts in two clicks, the contact rhythm, crisis episodes and what happened during them, mediations."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.actors import actor_for
from maillage.coordination import selectors, services
from maillage.coordination.enums import ContactKind, CrisisKind, MediationStatus
from maillage.coordination.models import Contact, CrisisEpisode, Mediation
from maillage.core.tests.helpers import post_form

pytestmark = pytest.mark.django_db


def thread_url(network):
    return reverse("coordination:thread", kwargs={"public_id": network.person.public_id})


class TestContacts:
    def test_a_contact_is_logged_from_the_thread_page_in_two_clicks(self, network, client):
        client.force_login(network.partner)
        url = reverse("coordination:contact_create", kwargs={"public_id": network.person.public_id})
        response = post_form(client, url, {"kind": ContactKind.PHONE}, page=thread_url(network))
        assert response.status_code == 302
        contact = Contact.objects.get()
        assert contact.professional == network.partner and contact.organisation == network.partner_org
        assert contact.kind == ContactKind.PHONE and contact.crisis is None
        assert "Dernier contact" in client.get(thread_url(network)).content.decode()

    def test_the_rhythm_gives_the_last_contact_and_the_mean_gap(self, network):
        actor = actor_for(network.referent)
        now = timezone.now()
        for days in (30, 20, 10):
            services.contact_log(
                actor, person=network.person, kind=ContactKind.APPOINTMENT, happened_at=now - dt.timedelta(days=days)
            )
        rhythm = selectors.contact_rhythm(network.person, now=now)
        assert rhythm.count_90_days == 3 and round(rhythm.average_days) == 10
        assert rhythm.last == now - dt.timedelta(days=10)
        assert selectors.last_contacts([network.person.pk]) == {network.person.pk: rhythm.last}

    def test_a_contact_in_the_future_is_refused(self, network, client):
        client.force_login(network.partner)
        url = reverse("coordination:contact_create", kwargs={"public_id": network.person.public_id})
        future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        response = post_form(client, url, {"kind": ContactKind.HOME_VISIT, "happened_at": future})
        assert response.status_code == 422 and not Contact.objects.exists()

    def test_a_stranger_cannot_log_a_contact(self, network, client):
        client.force_login(network.stranger)
        url = reverse("coordination:contact_create", kwargs={"public_id": network.person.public_id})
        assert client.get(url).status_code == 404


class TestCrises:
    def test_contacts_and_meetings_during_a_crisis_are_marked(self, network, client):
        actor = actor_for(network.referent)
        before = services.contact_log(
            actor, person=network.person, kind=ContactKind.PHONE, happened_at=timezone.now() - dt.timedelta(days=3)
        )
        client.force_login(network.referent)
        url = reverse("coordination:crisis_open", kwargs={"public_id": network.person.public_id})
        assert post_form(client, url, {"kind": CrisisKind.HOUSING}).status_code == 302
        episode = CrisisEpisode.objects.get()
        during = services.contact_log(actor, person=network.person, kind=ContactKind.HOME_VISIT)
        assert during.crisis == episode
        before.refresh_from_db()
        assert before.crisis is None
        assert selectors.during_crisis(network.person.pk, timezone.now())
        assert not selectors.during_crisis(network.person.pk, timezone.now() - dt.timedelta(days=3))
        assert "Épisode de crise en cours" in client.get(thread_url(network)).content.decode()

        close = reverse(
            "coordination:crisis_close", kwargs={"public_id": network.person.public_id, "crisis_id": episode.public_id}
        )
        assert post_form(client, close, {}).status_code == 302
        episode.refresh_from_db()
        assert episode.ended_at is not None
        later = timezone.now() + dt.timedelta(seconds=1)
        assert not selectors.during_crisis(network.person.pk, later)

    def test_a_second_open_crisis_is_refused(self, network):
        actor = actor_for(network.referent)
        services.crisis_open(actor, person=network.person, kind=CrisisKind.HEALTH)
        with pytest.raises(ValidationError):
            services.crisis_open(actor, person=network.person, kind=CrisisKind.OTHER)
        assert CrisisEpisode.objects.count() == 1


class TestMediations:
    def test_a_disagreement_is_recorded_followed_and_closed(self, network, client):
        client.force_login(network.partner)
        url = reverse("coordination:mediation_create", kwargs={"public_id": network.person.public_id})
        data = {"subject": "Priorité logement ou soins", "parties": [network.referent_org.pk, network.partner_org.pk]}
        assert post_form(client, url, data).status_code == 302
        mediation = Mediation.objects.get()
        follow = reverse(
            "coordination:mediation_follow",
            kwargs={"public_id": network.person.public_id, "mediation_id": mediation.public_id},
        )
        assert post_form(client, follow, {"text": "Réunion à trois prévue."}).status_code == 302
        close = reverse(
            "coordination:mediation_close",
            kwargs={"public_id": network.person.public_id, "mediation_id": mediation.public_id},
        )
        assert post_form(client, close, {"resolution": "Logement d'abord, soins en parallèle."}).status_code == 302
        mediation.refresh_from_db()
        assert mediation.status == MediationStatus.CLOSED and mediation.entries.count() == 1
        page = client.get(thread_url(network)).content.decode()
        assert "Logement d&#x27;abord" in page or "Logement d'abord" in page

    def test_a_disagreement_needs_two_sides(self, network, client):
        client.force_login(network.partner)
        url = reverse("coordination:mediation_create", kwargs={"public_id": network.person.public_id})
        response = post_form(client, url, {"subject": "x", "parties": [network.partner_org.pk]})
        assert response.status_code == 422 and not Mediation.objects.exists()
