"""The coordinator's dashboard, map, alerts and organisations, and an organisation admin's own view."""

import pytest
from django.urls import reverse

from maillage.accounts.tests.factories import MembershipFactory
from maillage.analytics.enums import AlertKind
from maillage.analytics.tests import scenario
from maillage.governance.tests.factories import NetworkFactory, coordinator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return scenario.build()


def _url(name, built, **query):
    url = reverse(f"analytics:{name}", kwargs={"public_id": built.network.public_id})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


class TestDashboard:
    def test_the_coordinator_sees_alerts_indicators_and_trends(self, client, built):
        client.force_login(built.coordinator.user)
        response = client.get(_url("dashboard", built))
        assert response.status_code == 200
        body = response.content.decode()
        kinds = {g.kind for g in response.context["alert_groups"]}
        assert {AlertKind.OVERLOAD, AlertKind.SILO, AlertKind.BROKER, AlertKind.CRISIS_ONLY_LINK} <= kinds
        # Each alert says why, with its numbers.
        assert "Service A and Service E worked together 2 times" in body or "Service A et Service E" in body
        assert "Service G" in body and "Service H" in body
        # Indicators are found on the model and explained, with the numbers behind them.
        names = [i.name for i in response.context["indicators"]]
        assert {"density", "fragmentation", "reciprocity", "core_size"} <= set(names)
        assert all(i.explanation for i in response.context["indicators"])
        # Trends from the monthly snapshots, as a chart and a table.
        assert response.context["trend"] is not None
        assert len(response.context["trend"].rows) == 2
        assert 'class="trend-chart"' in body

    def test_the_coordinator_lands_on_the_dashboard(self, client, built):
        client.force_login(built.coordinator.user)
        response = client.get(reverse("analytics:home"))
        assert response.status_code == 302 and response.url == _url("dashboard", built)

    def test_a_snapshot_can_be_chosen_and_a_stranger_one_is_404(self, client, built):
        client.force_login(built.coordinator.user)
        older = built.network.analytics_snapshots.order_by("period_end").first()
        response = client.get(_url("dashboard", built, snapshot=older.public_id))
        assert response.context["snapshot"] == older
        other = scenario.compute.take(NetworkFactory(), scenario.TODAY, scenario.TODAY)
        assert client.get(_url("dashboard", built, snapshot=other.public_id)).status_code == 404
        assert client.get(_url("dashboard", built, snapshot="not-a-uuid")).status_code == 404

    @pytest.mark.parametrize("who", ["member admin", "professional", "other coordinator"])
    def test_only_the_network_coordinators_see_it(self, client, built, who):
        if who == "member admin":
            user = built.admin.user
        elif who == "professional":
            user = MembershipFactory(organisation=built.loaded).user
        else:
            user = coordinator_of(NetworkFactory()).user
        client.force_login(user)
        for name in ("dashboard", "map", "organisation_list", "report_csv", "report_pdf"):
            assert client.get(_url(name, built)).status_code == 403, name

    def test_persons_counts_under_five_are_hidden(self, client, built):
        client.force_login(built.coordinator.user)
        body = client.get(_url("organisation_list", built)).content.decode()
        assert "moins de 5" in body or "fewer than 5" in body


class TestMapAndLists:
    def test_the_map_draws_every_organisation_with_a_table_beside_it(self, client, built):
        client.force_login(built.coordinator.user)
        response = client.get(_url("map", built))
        body = response.content.decode()
        assert body.count('class="map-node"') == 8
        for org in built.orgs:
            assert f'id="org-{org.pk}"' in body  # the row the node links to
            assert f'href="#org-{org.pk}"' in body
        assert 'stroke-dasharray="8 5"' in body  # the crisis-only link
        assert 'stroke="#b00020"' in body  # the overloaded organisation's ring
        assert "analytics/map.js" in body
        assert " style=" not in body and "<script>" not in body

    def test_every_alert_of_a_kind(self, client, built):
        client.force_login(built.coordinator.user)
        url = reverse("analytics:alert_list", kwargs={"public_id": built.network.public_id, "kind": "BROKER"})
        response = client.get(url)
        assert response.status_code == 200
        assert [a.alert.organisation_id for a in response.context["alerts"]] == [built.orgs[4].pk]  # e holds f

    def test_organisations_sorted_by_load(self, client, built):
        client.force_login(built.coordinator.user)
        response = client.get(_url("organisation_list", built, order="load"))
        assert response.context["rows"][0].name == "Service A"


class TestOrganisationView:
    def test_an_admin_sees_its_own_load_and_partners(self, client, built):
        client.force_login(built.admin.user)
        response = client.get(reverse("analytics:organisation"))
        assert response.status_code == 200
        partners = {name for _key, name, _label, _link in response.context["partners"]}
        assert partners == {"Service B", "Service C", "Service D", "Service E"}
        assert [a.alert.kind for a in response.context["alerts"]].count(AlertKind.OVERLOAD) == 1
        assert "Service G" not in response.content.decode()

    def test_a_professional_does_not(self, client, built):
        client.force_login(MembershipFactory(organisation=built.loaded).user)
        assert client.get(reverse("analytics:organisation")).status_code == 403
