"""Door rule 14: the organisation that sent a referral keeps its page and moves until the first contact is done,
even when its own involvement with the person ended meanwhile (audited, REFERRAL_SENDER); after that, 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.access.enums import Reason
from maillage.access.models import AccessEvent
from maillage.people.enums import InvolvementStatus
from maillage.people.models import Involvement
from maillage.people.tests.conftest import network  # noqa: F401 -- the fixtures, shared
from maillage.referrals import services
from maillage.referrals.enums import ReferralStatus
from maillage.referrals.tests.conftest import scene  # noqa: F401
from maillage.referrals.tests.test_services import send

pytestmark = pytest.mark.django_db


def _end_sender_involvement(scene):  # noqa: F811 -- the fixture's value
    Involvement.objects.filter(person=scene.network.person, organisation=scene.network.referent_org).update(
        status=InvolvementStatus.ENDED, ended_on=timezone.localdate()
    )


def test_the_sender_keeps_the_referral_until_first_contact(scene, client):  # noqa: F811
    referral = send(scene)
    services.referral_accept(scene.receiver, referral=referral)
    _end_sender_involvement(scene)
    url = reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id})
    client.force_login(scene.network.referent)
    assert client.get(url).status_code == 200
    assert AccessEvent.objects.filter(
        person_id=scene.network.person.pk, actor_id=scene.network.referent.pk, reason=Reason.REFERRAL_SENDER
    ).exists()
    referral.refresh_from_db()
    services.referral_first_contact(scene.receiver, referral=referral)
    assert client.get(url).status_code == 404


def test_the_sender_may_still_cancel_a_pending_referral(scene):  # noqa: F811
    referral = send(scene)
    _end_sender_involvement(scene)
    services.referral_cancel(scene.sender, referral=referral, reason="La personne a déménagé.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED


def test_another_organisation_gets_nothing_from_the_rule(scene, client):  # noqa: F811
    referral = send(scene)
    _end_sender_involvement(scene)
    client.force_login(scene.other.user)
    url = reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id})
    assert client.get(url).status_code == 404
