"""The demo territory shows the fruit net's situations: the coordinator's dashboard raises each kind of alert, and
the demo professional finds the persons who need attention in their list."""

import pytest
from django.urls import reverse

from maillage.analytics.enums import AlertKind
from maillage.core.demo import DEMO_EMAIL_DOMAIN, DemoTerritory, clear_demo, generate_demo

pytestmark = pytest.mark.django_db

EXPECTED = {
    AlertKind.OVERLOAD,
    AlertKind.SILO,
    AlertKind.BROKER,
    AlertKind.CRISIS_ONLY_LINK,
    AlertKind.HOT_POTATO,
    AlertKind.OVER_SOLICITATION,
    AlertKind.ABANDONMENT,
    AlertKind.UNMET_NEED,
}


def test_the_demo_dashboard_shows_each_situation(client):
    territory = generate_demo(
        DemoTerritory(seed=7, sizes={"organisations": 20, "services": 5, "persons": 40}, progress=False)
    )
    network = territory.made["governance_network"]
    users = territory.made["demo_users"]
    client.force_login(users[f"coordination@{DEMO_EMAIL_DOMAIN}"])
    response = client.get(reverse("analytics:dashboard", kwargs={"public_id": network.public_id}))
    assert response.status_code == 200
    kinds = {group.kind for group in response.context["alert_groups"]}
    assert kinds >= EXPECTED, EXPECTED - kinds
    assert response.context["trend"] is not None and len(response.context["trend"].rows) == 3
    body = response.content.decode()
    assert "Épicerie sociale de Gouvy" in body and "Abri de nuit de Bastogne" in body

    client.force_login(users[f"professionnel@{DEMO_EMAIL_DOMAIN}"])
    response = client.get(reverse("analytics:attention"))
    signals = [row["signals"] for row in response.context["rows"]]
    assert any(s.over_solicited for s in signals) and any(s.abandoned for s in signals)

    clear_demo()
    assert not network.analytics_snapshots.exists()
