"""An objective tied to an indicator shows its progress; counts about persons under 5 are hidden."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.governance import indicators, selectors, services
from maillage.governance.reports import activity_report_pdf
from maillage.governance.tests.factories import NetworkMemberFactory
from maillage.people.tests.factories import InvolvementFactory

pytestmark = pytest.mark.django_db


class TestIndicatorRegistry:
    def test_builtin_indicators_are_registered_and_others_can_be(self, network):
        keys = {indicator.key for indicator in indicators.all_indicators()}
        assert {"member_organisations", "services_published", "active_involvements", "persons_followed"} <= keys
        indicators.register(indicators.Indicator("test_seven", "Seven", "", lambda network, on: 7))
        try:
            assert indicators.measure(network, "test_seven", timezone.localdate()).value == 7
        finally:
            indicators._registry.pop("test_seven")

    def test_counts_about_persons_under_five_are_hidden(self, network, members):
        (arlon, _admin), _ = members
        today = timezone.localdate()
        for _index in range(4):
            InvolvementFactory(organisation=arlon.organisation, started_on=today - dt.timedelta(days=3))
        assert indicators.measure(network, "persons_followed", today) == indicators.Value(None, suppressed=True)
        InvolvementFactory(organisation=arlon.organisation, started_on=today - dt.timedelta(days=3))
        assert indicators.measure(network, "persons_followed", today).value == 5
        assert indicators.measure(network, "active_involvements", today).value == 5


class TestObjectiveProgress:
    def test_an_objective_tied_to_an_indicator_shows_its_progress(self, network, coordinator, members, client):
        today = timezone.localdate()
        objective = services.objective_create(
            coordinator,
            network,
            title="Élargir le réseau",
            indicator_key="member_organisations",
            baseline=Decimal(2),
            baseline_on=today - dt.timedelta(days=200),
            target=Decimal(6),
            target_on=today + dt.timedelta(days=200),
        )
        first = services.measurement_take(coordinator, objective, on=today - dt.timedelta(days=1))
        assert first.value == 2 and first.computed
        NetworkMemberFactory(network=network, joined_on=today)
        NetworkMemberFactory(network=network, joined_on=today)
        services.measurement_take(coordinator, objective)
        progress = selectors.progress(objective)
        assert [p.value for p in progress.points] == [2, 4]
        assert progress.share == 50

        client.force_login(coordinator.user)
        page = client.get(reverse("governance:objective_detail", kwargs={"public_id": objective.public_id}))
        html = page.content.decode()
        assert page.status_code == 200
        assert 'value="50"' in html and "<progress" in html

    def test_an_objective_needs_an_indicator(self, network, coordinator):
        from django.core.exceptions import ValidationError

        today = timezone.localdate()
        with pytest.raises(ValidationError):
            services.objective_create(
                coordinator,
                network,
                title="X",
                indicator_key="",
                indicator_label="",
                baseline=1,
                baseline_on=today,
                target=2,
                target_on=today,
            )

    def test_the_activity_report_is_a_pdf(self, network, coordinator, members):
        today = timezone.localdate()
        services.objective_create(
            coordinator,
            network,
            title="Rencontres",
            indicator_label="Journées d'immersion",
            baseline=0,
            baseline_on=today,
            target=10,
            target_on=today,
        )
        pdf = activity_report_pdf(network, today.year)
        assert pdf.startswith(b"%PDF")
