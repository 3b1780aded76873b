"""The network's alert thresholds page: its coordinators change them from the version they read, restore the
defaults after confirming; nobody else sees it; the next snapshot raises the alerts of the new thresholds."""

import datetime as dt

import pytest
from django.urls import reverse

from maillage.accounts.actors import actor_for
from maillage.accounts.tests.factories import MembershipFactory
from maillage.analytics import compute, thresholds
from maillage.analytics.enums import AlertKind
from maillage.analytics.models import Thresholds
from maillage.analytics.tests import scenario
from maillage.core.tests.helpers import guard_fields, post_form
from maillage.core.versioning import StaleWrite
from maillage.governance.models import GovernanceEvent
from maillage.governance.tests.factories import NetworkFactory, NetworkMemberFactory, admin_of, coordinator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    network = NetworkFactory()
    member = NetworkMemberFactory(network=network)
    return network, coordinator_of(network), member


def _url(network, name="thresholds"):
    return reverse(f"analytics:{name}", kwargs={"public_id": network.public_id})


def _all(**changes):
    return {**{k: str(v) for k, v in thresholds.defaults().items()}, **{k: str(v) for k, v in changes.items()}}


class TestPage:
    def test_the_coordinator_sees_every_threshold_by_situation_with_its_default(self, client, scene):
        network, coordinator, _member = scene
        client.force_login(coordinator.user)
        dashboard = client.get(reverse("analytics:dashboard", kwargs={"public_id": network.public_id}))
        assert f'href="{_url(network)}"' in dashboard.content.decode()
        response = client.get(_url(network))
        assert response.status_code == 200
        body = response.content.decode()
        assert [g.kind for g in response.context["groups"]] == [k.lower() for k, _names in thresholds.GROUPS]
        assert len(thresholds.FIELDS) == 16
        for name in thresholds.FIELDS:
            assert f'name="{name}"' in body
        assert "Surcharge" in body or "surcharg" in body  # the groups are the alert kinds' names, in French
        assert "Par défaut : 60." in body  # abandonment_days
        assert "à partir du prochain instantané" in body
        assert "Restaurer" not in body  # nothing to restore: these are the defaults

    def test_the_coordinator_changes_them_and_who_and_when_is_kept(self, client, scene):
        network, coordinator, _member = scene
        client.force_login(coordinator.user)
        response = post_form(client, _url(network), _all(abandonment_days=90, overload_ratio="1,25"))
        assert response.status_code == 302
        row = Thresholds.objects.get(network=network)
        assert row.abandonment_days == 90 and str(row.overload_ratio) == "1.25"
        assert row.updated_by == coordinator.user and row.updated_at is not None
        assert GovernanceEvent.objects.filter(network=network, kind="analytics_thresholds_update").count() == 1
        assert compute.thresholds_for(network).abandonment_days == 90
        body = client.get(_url(network)).content.decode()
        assert "Dernière modification le" in body and coordinator.user.get_full_name() in body
        # A second change from the page's new version is saved too.
        assert post_form(client, _url(network), _all(abandonment_days=30)).status_code == 302
        row.refresh_from_db()
        assert row.abandonment_days == 30 and row.version == 2

    def test_a_change_from_an_older_version_is_refused_and_what_was_typed_is_kept(self, client, scene):
        network, coordinator, _member = scene
        other = MembershipFactory(organisation=network.organisation, coordinator=True)
        Thresholds.objects.create(network=network)
        client.force_login(coordinator.user)
        fields = guard_fields(client.get(_url(network)).content.decode())
        thresholds.save(
            actor_for(other.user, other.organisation_id),
            network,
            version=1,
            **{**thresholds.defaults(), "silo_min_size": 4},
        )
        response = client.post(_url(network), {**fields, **_all(silo_min_size=3, hot_potato_hours=48)})
        assert response.status_code == 400
        body = response.content.decode()
        assert "a modifié ceci le" in body and "Vos modifications" in body
        assert 'value="48"' in body and 'value="3"' in body  # what was typed, shown again
        assert response.context["form"].stale.changes[0].field == "silo_min_size"
        row = Thresholds.objects.get(network=network)
        assert row.silo_min_size == 4 and row.hot_potato_hours == 72

    def test_the_first_save_from_the_defaults_is_refused_when_someone_saved_meanwhile(self, client, scene):
        network, coordinator, _member = scene
        client.force_login(coordinator.user)
        fields = guard_fields(client.get(_url(network)).content.decode())
        assert fields["version"] == "0"
        Thresholds.objects.create(network=network, silo_min_size=5)
        response = client.post(_url(network), {**fields, **_all(silo_min_size=3)})
        assert response.status_code == 400
        assert Thresholds.objects.get(network=network).silo_min_size == 5

    @pytest.mark.parametrize(
        ("field", "value", "error"),
        [
            ("abandonment_days", "-1", "Saisissez un nombre de 1 à 32767."),
            ("rigid_share", "101", "Saisissez un nombre de 1 à 100."),
            ("overload_ratio", "0,05", "Saisissez un nombre de 0,1 à 10."),
            ("overload_ratio", "12.5", "Saisissez un nombre de 0,1 à 10."),
            ("hot_potato_hours", "beaucoup", "Saisissez un nombre entier"),
            ("silo_min_size", "", "Ce champ est obligatoire"),
            ("hot_potato_min", "40000", "Saisissez un nombre de 1 à 32767."),
        ],
    )
    def test_a_bad_value_is_explained_in_french_and_nothing_is_lost(self, client, scene, field, value, error):
        network, coordinator, _member = scene
        client.force_login(coordinator.user)
        response = post_form(client, _url(network), _all(**{field: value, "abandonment_days": 45} | {field: value}))
        assert response.status_code == 400
        body = response.content.decode()
        assert error in body
        if field != "abandonment_days":
            assert 'value="45"' in body  # the other values typed are kept
        assert not Thresholds.objects.filter(network=network).exists()


class TestWhoMay:
    @pytest.mark.parametrize(
        "who", ["member admin", "professional", "other network's coordinator", "coordinator's colleague"]
    )
    def test_only_the_network_coordinators_see_or_change_them(self, client, scene, who):
        network, _coordinator, member = scene
        if who == "member admin":
            user = admin_of(member).user
        elif who == "professional":
            user = MembershipFactory(organisation=member.organisation).user
        elif who == "other network's coordinator":
            user = coordinator_of(NetworkFactory()).user
        else:  # a professional of the coordinating organisation, without the coordinator's role
            user = MembershipFactory(organisation=network.organisation).user
        client.force_login(user)
        assert client.get(_url(network)).status_code == 403
        assert client.post(_url(network), _all(silo_min_size=9)).status_code == 403
        assert client.post(_url(network, "thresholds_restore"), {"confirmed": "yes"}).status_code == 403
        assert not Thresholds.objects.filter(network=network).exists()

    def test_an_unknown_network_is_not_found(self, client, scene):
        _network, coordinator, _member = scene
        client.force_login(coordinator.user)
        url = reverse("analytics:thresholds", kwargs={"public_id": "00000000-0000-4000-8000-000000000000"})
        assert client.get(url).status_code == 404

    def test_the_service_refuses_others_too(self, scene):
        network, _coordinator, member = scene
        admin = admin_of(member)
        with pytest.raises(Exception, match="coordinat"):
            thresholds.save(actor_for(admin.user, admin.organisation_id), network, version=0, **thresholds.defaults())


class TestRestore:
    def test_restoring_the_defaults_asks_first(self, client, scene):
        network, coordinator, _member = scene
        client.force_login(coordinator.user)
        post_form(client, _url(network), _all(abandonment_days=90, rigid_share=50))
        page = client.get(_url(network)).content.decode()
        assert "Restaurer les valeurs par défaut" in page
        fields = guard_fields(page, _url(network, "thresholds_restore"))
        asked = client.post(_url(network, "thresholds_restore"), fields)
        assert asked.status_code == 200
        assert "Restaurer les seuils par défaut ?" in asked.content.decode()
        assert Thresholds.objects.get(network=network).abandonment_days == 90  # not yet
        done = client.post(_url(network, "thresholds_restore"), {**fields, "confirmed": "yes"})
        assert done.status_code == 302
        row = Thresholds.objects.get(network=network)
        assert thresholds.values_of(row) == thresholds.defaults() and thresholds.is_default(row)
        assert row.version == 2 and row.updated_by == coordinator.user

    def test_restoring_from_an_older_version_is_refused(self, client, scene):
        network, coordinator, _member = scene
        client.force_login(coordinator.user)
        post_form(client, _url(network), _all(abandonment_days=90))
        fields = guard_fields(client.get(_url(network)).content.decode(), _url(network, "thresholds_restore"))
        actor = actor_for(coordinator.user, coordinator.organisation_id)
        thresholds.save(actor, network, version=1, **{**thresholds.defaults(), "abandonment_days": 100})
        response = client.post(_url(network, "thresholds_restore"), {**fields, "confirmed": "yes"}, follow=True)
        assert Thresholds.objects.get(network=network).abandonment_days == 100
        assert "a modifié ceci le" in response.content.decode()

    def test_the_service_refuses_a_stale_restore(self, scene):
        network, coordinator, _member = scene
        actor = actor_for(coordinator.user, coordinator.organisation_id)
        thresholds.save(actor, network, version=0, **{**thresholds.defaults(), "silo_min_size": 3})
        with pytest.raises(StaleWrite):
            thresholds.restore_defaults(actor, network, version=0)


class TestNextSnapshot:
    def test_new_thresholds_change_the_alerts_of_the_next_snapshot(self, client):
        built = scenario.build()
        kinds = {a.kind for a in built.snapshot.alerts.all()}
        assert {AlertKind.CRISIS_ONLY_LINK, AlertKind.SILO} <= kinds
        client.force_login(built.coordinator.user)
        # The crisis-only link worked together 2 times, the silo has 2 organisations: raise both thresholds.
        response = post_form(client, _url(built.network), _all(crisis_only_min=3, silo_min_size=3))
        assert response.status_code == 302
        # The snapshot already computed keeps its alerts; the next one follows the new thresholds.
        assert {a.kind for a in built.snapshot.alerts.all()} == kinds
        after = compute.take(built.network, scenario.TODAY - dt.timedelta(days=89), scenario.TODAY)
        new_kinds = {a.kind for a in after.alerts.all()}
        assert AlertKind.CRISIS_ONLY_LINK not in new_kinds and AlertKind.SILO not in new_kinds
        assert AlertKind.OVERLOAD in new_kinds
