"""Asking to join a network from outside it, after an existence check: the referent accepts (with the person's
agreement) or declines, the requester is told with the file's public id only, and nobody else can answer."""

import pytest
from django.core import mail
from django.urls import reverse

from maillage.access.enums import Action, Category
from maillage.access.models import AccessEvent
from maillage.core.tests.helpers import post_form
from maillage.directory.tests.factories import TerritoryFactory
from maillage.people import purposes
from maillage.people.enums import JoinRequestStatus, PersonAgreement
from maillage.people.models import Involvement, JoinRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Post a guarded form and run the e-mail tasks queued after the commit, as the worker would."""

    def run(client, url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return post_form(client, url, data)

    return run


@pytest.fixture
def checked(client, network):
    """The stranger's existence check found the file."""
    network.person.commune = TerritoryFactory(name="Namur")
    network.person.save(update_fields=["commune"])
    client.force_login(network.stranger)
    facts = {"first_name": "Amélie", "last_name": "Fontaine", "birth_date": "1980-05-17", "commune": "Namur"}
    assert "Un dossier existe." in client.post(reverse("access:existence_answer"), facts).content.decode()
    return network


def _ask(post, client, network, reason="Suivi budgétaire demandé par la personne"):
    url = reverse("people:join_request_create", kwargs={"public_id": network.person.public_id})
    return post(client, url, {"reason": reason})


def _answer_url(network, join_request) -> str:
    return reverse(
        "people:join_request_answer",
        kwargs={"public_id": network.person.public_id, "request_id": join_request.public_id},
    )


class TestAsking:
    def test_the_answer_page_leads_to_the_request_and_the_referent_is_told(self, post, client, checked):
        network = checked
        mail.outbox.clear()
        response = _ask(post, client, network)
        assert response.status_code == 302
        join_request = JoinRequest.objects.get()
        assert join_request.organisation == network.stranger_org
        assert join_request.status == JoinRequestStatus.PENDING
        assert [m.to for m in mail.outbox] == [[network.referent.email]]
        body = mail.outbox[0].body
        assert str(network.person.public_id) in body and "Fontaine" not in body and "budgétaire" not in body
        assert AccessEvent.objects.filter(
            actor_id=network.stranger.pk, person_id=network.person.pk, purpose=purposes.JOIN_REQUEST
        ).exists()

    def test_without_a_check_the_request_page_is_a_404(self, client, network):
        client.force_login(network.stranger)
        url = reverse("people:join_request_create", kwargs={"public_id": network.person.public_id})
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x"}).status_code == 404
        assert not JoinRequest.objects.exists()

    def test_a_second_request_while_one_waits_is_refused(self, post, client, checked):
        _ask(post, client, checked)
        response = _ask(post, client, checked)
        assert response.status_code == 422
        assert "déjà demandé" in response.content.decode()
        assert JoinRequest.objects.count() == 1

    def test_the_requester_still_sees_nothing_of_the_file(self, post, client, checked):
        _ask(post, client, checked)
        assert client.get(reverse("people:person_detail", args=[checked.person.public_id])).status_code == 404


class TestAnswering:
    def test_the_referent_sees_the_request_and_accepts_with_the_persons_agreement(self, post, client, checked):
        network = checked
        _ask(post, client, network)
        join_request = JoinRequest.objects.get()
        client.force_login(network.referent)
        detail = client.get(reverse("people:person_detail", args=[network.person.public_id])).content.decode()
        assert _answer_url(network, join_request) in detail
        mail.outbox.clear()
        response = post(
            client, _answer_url(network, join_request), {"answer": "accept", "agreement": PersonAgreement.ORALLY}
        )
        assert response.status_code == 302
        involvement = Involvement.objects.active().get(person=network.person, organisation=network.stranger_org)
        assert involvement.agreement == PersonAgreement.ORALLY
        assert involvement.professional == network.stranger
        join_request.refresh_from_db()
        assert join_request.status == JoinRequestStatus.ACCEPTED and join_request.involvement == involvement
        told = [m for m in mail.outbox if m.to == [network.stranger.email]]
        assert len(told) == 1 and str(network.person.public_id) in told[0].body
        # The care-team sharing covers the identity: the requester now opens the file, and the mail says so.
        assert "accepté" in told[0].body
        client.force_login(network.stranger)
        assert client.get(reverse("people:person_detail", args=[network.person.public_id])).status_code == 200

    def test_accepting_needs_the_persons_agreement(self, post, client, checked):
        _ask(post, client, checked)
        join_request = JoinRequest.objects.get()
        client.force_login(checked.referent)
        response = post_form(client, _answer_url(checked, join_request), {"answer": "accept"})
        assert response.status_code == 422
        assert JoinRequest.objects.get().status == JoinRequestStatus.PENDING

    def test_the_referent_declines_and_the_requester_is_told_without_a_link(self, post, client, checked):
        network = checked
        _ask(post, client, network)
        join_request = JoinRequest.objects.get()
        client.force_login(network.referent)
        mail.outbox.clear()
        assert post(client, _answer_url(network, join_request), {"answer": "decline"}).status_code == 302
        assert JoinRequest.objects.get().status == JoinRequestStatus.DECLINED
        assert not Involvement.objects.filter(person=network.person, organisation=network.stranger_org).exists()
        (told,) = mail.outbox
        assert told.to == [network.stranger.email] and "refusé" in told.body and "Ouvrez" not in told.body
        assert AccessEvent.objects.filter(
            actor_id=network.referent.pk, action=Action.SHARE, category=Category.COORDINATION,
            purpose=purposes.JOIN_REQUEST,
        ).exists()  # fmt: skip

    def test_only_the_referent_answers(self, post, client, checked):
        _ask(post, client, checked)
        join_request = JoinRequest.objects.get()
        client.force_login(checked.partner)
        assert client.get(_answer_url(checked, join_request)).status_code == 404
        detail = client.get(reverse("people:person_detail", args=[checked.person.public_id])).content.decode()
        assert _answer_url(checked, join_request) not in detail
