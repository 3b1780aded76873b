"""A network's own referral delays: set by its coordinators only (from the version shown), and followed by the
sweep for referrals between its members; others keep the platform's."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.actors import actor_for
from maillage.core.tests.helpers import post_form
from maillage.governance.tests.factories import NetworkFactory, NetworkMemberFactory, coordinator_of
from maillage.referrals import services, tasks
from maillage.referrals.models import NetworkDelays, Referral
from maillage.referrals.tests.test_services import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def governed(scene):
    network = NetworkFactory()
    NetworkMemberFactory(network=network, organisation=scene.network.referent_org)
    NetworkMemberFactory(network=network, organisation=scene.receiver_org)
    return network, coordinator_of(network).user


def _age(referral, days):
    earlier = timezone.now() - dt.timedelta(days=days)
    Referral.objects.filter(pk=referral.pk).update(sent_at=earlier, status_changed_at=earlier)


def test_the_sweep_follows_the_network_delays(scene, governed, settings):
    settings.REFERRAL_DELAYS = {"remind_after_days": 5, "expire_after_days": 30}
    network, coordinator = governed
    services.network_delays_set(actor_for(coordinator), network=network, remind_after_days=2, expire_after_days=4)
    inside = send(scene)
    outside = send(scene, organisation=scene.other_org)  # not a member: the platform's delays
    _age(inside, 3)
    _age(outside, 3)
    assert tasks.referrals_sweep.call() == {"expired": 0, "reminded": 1}
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert inside.reminders_sent == 1 and outside.reminders_sent == 0
    _age(inside, 5)
    assert tasks.referrals_sweep.call()["expired"] == 1
    inside.refresh_from_db()
    assert inside.status == "EXPIRED"


def test_only_coordinators_set_them_and_expiry_comes_after_a_reminder(scene, governed):
    network, coordinator = governed
    with pytest.raises(PermissionDenied):
        services.network_delays_set(scene.sender, network=network, remind_after_days=2, expire_after_days=4)
    with pytest.raises(ValidationError):
        services.network_delays_set(actor_for(coordinator), network=network, remind_after_days=5, expire_after_days=5)


def test_the_page_saves_once_from_the_version_shown(scene, governed, client):
    network, coordinator = governed
    url = reverse("referrals:network_delays", kwargs={"network_id": network.public_id})
    client.force_login(scene.network.referent)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    detail = client.get(reverse("governance:network_detail", args=[network.public_id])).content.decode()
    assert url in detail
    assert post_form(client, url, {"remind_after_days": 3, "expire_after_days": 20}).status_code == 302
    assert NetworkDelays.objects.get(network=network).remind_after_days == 3
    page = client.get(url).content.decode()
    services.network_delays_set(actor_for(coordinator), network=network, remind_after_days=4, expire_after_days=20)
    from maillage.core.tests.helpers import guard_fields

    stale = client.post(url, {**guard_fields(page), "remind_after_days": 7, "expire_after_days": 20})
    assert stale.status_code == 422
    assert NetworkDelays.objects.get(network=network).remind_after_days == 4
    bad = post_form(client, url, {"remind_after_days": 10, "expire_after_days": 3})
    assert bad.status_code == 422
