"""The referral pages: the receiver decides from the summary (never the person's name), moves answer 409 with a
clear message when illegal or stale, strangers get 404, every page is no-store."""

import pytest
from django.urls import reverse

from maillage.referrals.enums import ReferralStatus
from maillage.referrals.tests.test_services import send

pytestmark = pytest.mark.django_db


def test_receiver_sees_the_summary_not_the_name(scene, client):
    referral = send(scene)
    client.force_login(scene.receiver.user)
    response = client.get(reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id}))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Un logement adapté" in page
    assert scene.network.person.last_name not in page and scene.network.person.first_name not in page


def test_inbox_and_outbox(scene, client):
    send(scene)
    client.force_login(scene.receiver.user)
    response = client.get(reverse("referrals:inbox", kwargs={"organisation_id": scene.receiver_org.public_id}))
    assert response.status_code == 200 and scene.network.referent_org.name in response.content.decode()
    response = client.get(reverse("referrals:inbox", kwargs={"organisation_id": scene.other_org.public_id}))
    assert response.status_code == 404
    client.force_login(scene.sender.user)
    url = reverse("referrals:outbox", kwargs={"organisation_id": scene.network.referent_org.public_id})
    assert client.get(url + "?status=SENT").status_code == 200


def test_stranger_gets_404(scene, client):
    referral = send(scene)
    client.force_login(scene.other.user)
    response = client.get(reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id}))
    assert response.status_code == 404


def test_accept_then_illegal_and_concurrent_moves_answer_409(scene, client):
    referral = send(scene)
    url = reverse("referrals:referral_move", kwargs={"referral_id": referral.public_id})
    client.force_login(scene.receiver.user)
    version = referral.version
    response = client.post(url, {"to": "ACCEPTED", "version": version})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    response = client.post(url, {"to": "DECLINED", "decline_reason": "NO_CAPACITY", "version": version})
    assert response.status_code == 409
    response = client.post(url, {"to": "FIRST_CONTACT_DONE", "version": version})
    assert response.status_code == 409
    response = client.post(url, {"to": "COMPLETED", "outcome": "NEED_MET", "version": referral.version})
    assert response.status_code == 409
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_bad_input_is_a_clear_error(scene, client):
    referral = send(scene)
    client.force_login(scene.receiver.user)
    url = reverse("referrals:referral_move", kwargs={"referral_id": referral.public_id})
    response = client.post(url, {"to": "DECLINED", "decline_reason": "", "version": referral.version})
    assert response.status_code == 422
