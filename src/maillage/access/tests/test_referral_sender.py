"""Door rule 14: the organisation that sent a referral keeps its page and moves until the first contact is done,
even when its own involvement with the person ended meanwhile (audited, REFERRAL_SENDER); after that, 404. The
person stays visible to it as before: it keeps reading the file, on the same bases, read-only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.access import door
from maillage.access.enums import Action, Category, Reason
from maillage.access.models import AccessEvent
from maillage.people.enums import InvolvementStatus
from maillage.people.models import Involvement
from maillage.people.tests.conftest import network  # noqa: F401 -- the fixtures, shared
from maillage.people.tests.factories import ObjectionFactory
from maillage.referrals import services
from maillage.referrals.enums import ReferralStatus
from maillage.referrals.services import AWAITING_FIRST_CONTACT
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


def _file(person):
    return reverse("people:person_detail", kwargs={"public_id": person.public_id})


def test_the_sender_keeps_reading_the_file_until_first_contact(scene, client):  # noqa: F811
    person = scene.network.person
    referral = send(scene)
    services.referral_accept(scene.receiver, referral=referral)
    _end_sender_involvement(scene)
    client.force_login(scene.network.referent)
    response = client.get(_file(person))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert person.last_name in response.content.decode()
    opened = AccessEvent.objects.filter(person_id=person.pk, actor_id=scene.network.referent.pk, action=Action.VIEW)
    assert opened.filter(category=Category.IDENTITY, reason=Reason.REFERRAL_SENDER, outcome="ALLOWED").exists()
    assert person in door.persons_visible_to(scene.sender)
    referral.refresh_from_db()
    services.referral_first_contact(scene.receiver, referral=referral)
    assert client.get(_file(person)).status_code == 404
    assert person not in door.persons_visible_to(scene.sender)


def test_the_sender_reads_only_never_writes(scene):  # noqa: F811
    person = scene.network.person
    send(scene)
    _end_sender_involvement(scene)
    assert door.decide(scene.sender, person, Action.VIEW, Category.SOCIAL).reason == Reason.REFERRAL_SENDER
    for action in (Action.EDIT, Action.CREATE, Action.EXPORT, Action.SHARE):
        assert not door.decide(scene.sender, person, action, Category.SOCIAL).allowed, action


def test_the_same_bases_decide_each_category(scene):  # noqa: F811
    """What the person objected to stays closed: the sender reads as it did while involved, no more."""
    person = scene.network.person
    send(scene)
    before = door.categories_for(scene.sender, person)
    ObjectionFactory(person=person, organisation=scene.network.referent_org, category=Category.SOCIAL)
    _end_sender_involvement(scene)
    after = door.categories_for(scene.sender, person)
    assert Category.SOCIAL in before and after == before - {Category.SOCIAL}


@pytest.mark.parametrize("closing", ["cancel", "decline"])
def test_a_closed_referral_keeps_nobody_in_the_loop(scene, client, closing):  # noqa: F811
    referral = send(scene)
    if closing == "cancel":
        services.referral_cancel(scene.sender, referral=referral, reason="La personne a déménagé.")
    else:
        services.referral_decline(scene.receiver, referral=referral, reason="NO_CAPACITY")
    _end_sender_involvement(scene)
    client.force_login(scene.network.referent)
    assert client.get(_file(scene.network.person)).status_code == 404


def test_another_organisation_does_not_read_the_file(scene, client):  # noqa: F811
    send(scene)
    _end_sender_involvement(scene)
    client.force_login(scene.other.user)
    assert client.get(_file(scene.network.person)).status_code == 404


def test_the_door_and_the_referrals_agree_on_awaiting_first_contact():
    assert set(door.REFERRAL_AWAITING_FIRST_CONTACT) == {str(s) for s in AWAITING_FIRST_CONTACT}
