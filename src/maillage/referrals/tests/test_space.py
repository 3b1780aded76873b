"""The person's referrals in their own space: plain words, the decline's reason only when allowed, refusing a
pending one with a confirmation (once, from the version shown), never someone else's."""

from html import unescape

import pytest
from django.urls import reverse

from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory
from maillage.core.tests.helpers import guard_fields, post_form
from maillage.referrals import services
from maillage.referrals.enums import DeclineReason, Party, ReferralStatus
from maillage.referrals.tests.test_services import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(scene):
    person = scene.network.person
    person.user = UserFactory(kind=UserKind.PERSON, email="amelie.own@example.org")
    person.save(update_fields=["user"])
    return person.user


def refuse_url(referral):
    return reverse("referrals:space_referral_refuse", kwargs={"referral_id": referral.public_id})


def test_the_person_sees_their_referrals_in_plain_words(scene, client, own):
    send(scene)
    client.force_login(own)
    response = client.get(reverse("referrals:space_referrals"))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert scene.receiver_org.name in html
    assert "They have not answered yet" in html or "pas encore répondu" in html
    assert (
        refuse_url(send(scene, organisation=scene.other_org))
        in client.get(reverse("referrals:space_referrals")).content.decode()
    )


def test_the_space_links_to_the_referrals(scene, client, own):
    client.force_login(own)
    assert reverse("referrals:space_referrals") in client.get(reverse("people:space_home")).content.decode()


@pytest.mark.parametrize("shown", [True, False])
def test_a_decline_reason_only_when_allowed(scene, client, own, shown):
    referral = send(scene, show_decline_reason_to_person=shown)
    services.referral_decline(scene.receiver, referral=referral, reason=DeclineReason.NO_CAPACITY)
    client.force_login(own)
    html = client.get(reverse("referrals:space_referrals")).content.decode()
    label = str(DeclineReason.NO_CAPACITY.label)
    assert (label in html) is shown


def test_refusing_needs_a_confirmation_then_cancels_once(scene, client, own):
    referral = send(scene)
    client.force_login(own)
    url = refuse_url(referral)
    response = post_form(client, url, {"reason": "Je préfère attendre."})
    assert response.status_code == 422
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    fields = guard_fields(client.get(url).content.decode())
    data = {**fields, "reason": "Je préfère attendre.", "confirm": "on"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the replay: already saved, not a second move
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED
    assert referral.transitions.filter(party=Party.PERSON, to_status=ReferralStatus.CANCELLED).count() == 1
    html = unescape(client.get(reverse("referrals:space_referrals")).content.decode())
    assert "You refused it" in html or "Vous l'avez refusée" in html


def test_an_accepted_referral_cannot_be_refused_from_a_stale_page(scene, client, own):
    referral = send(scene)
    client.force_login(own)
    url = refuse_url(referral)
    fields = guard_fields(client.get(url).content.decode())
    services.referral_accept(scene.receiver, referral=referral)
    services.referral_first_contact(scene.receiver, referral=referral)
    response = client.post(url, {**fields, "reason": "Non", "confirm": "on"})
    assert response.status_code == 409
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.FIRST_CONTACT_DONE


def test_someone_else_cannot_refuse(scene, client, own):
    referral = send(scene)
    client.force_login(UserFactory(kind=UserKind.PERSON))
    assert client.get(refuse_url(referral)).status_code == 404
    assert client.get(reverse("referrals:space_referrals")).status_code == 404
    client.force_login(scene.receiver.user)
    assert client.get(refuse_url(referral)).status_code == 404


def test_the_person_refusing_tells_the_sender_without_the_name(
    scene, client, own, mailoutbox, django_capture_on_commit_callbacks
):
    referral = send(scene)
    client.force_login(own)
    url = refuse_url(referral)
    with django_capture_on_commit_callbacks(execute=True):
        post_form(client, url, {"reason": "Je préfère attendre.", "confirm": "on"})
    to_sender = [m for m in mailoutbox if m.to == [scene.network.referent.email]]
    assert len(to_sender) == 1 and str(referral.public_id) in to_sender[0].body
    assert any(scene.receiver.user.email in m.to for m in mailoutbox)  # the receiver need not wait for it
    assert all(scene.network.person.last_name not in m.body and "attendre" not in m.body for m in mailoutbox)
