"""The demo territory's network: a charter signed in two versions, bodies, three objectives with indicators,
experience reviews and practice sheets; what the demo logins find there."""

import pytest
from django.urls import reverse

from maillage.accounts.actors import actor_for
from maillage.core.demo import DEMO_EMAIL_DOMAIN, DemoTerritory, clear_demo, generate_demo
from maillage.governance import selectors
from maillage.governance.dashboard import governance_cards
from maillage.governance.enums import AgreementKind, BodyKind, ReviewStatus, VersionStatus
from maillage.governance.models import Network

pytestmark = pytest.mark.django_db


def test_the_demo_network_lives(client):
    territory = generate_demo(
        DemoTerritory(seed=7, sizes={"organisations": 20, "services": 5, "persons": 40}, progress=False)
    )
    network = Network.objects.get()
    assert territory.made["governance_network"] == network
    assert network.territories.exists() and network.members.count() >= 10

    charter = network.agreements.get(kind=AgreementKind.CHARTER)
    adopted = charter.versions.filter(status__in=[VersionStatus.ADOPTED, VersionStatus.SUPERSEDED])
    assert adopted.count() == 2
    for version in adopted:
        assert version.signatures.exists()
    assert charter.versions.filter(status=VersionStatus.CONSULTATION).exists()
    assert network.agreements.filter(kind=AgreementKind.CONVENTION).exists()

    assert set(network.bodies.values_list("kind", flat=True)) == set(BodyKind.values)
    for body in network.bodies.all():
        assert body.mandates.exists() and body.meetings.filter(decisions__isnull=False).exists()

    objectives = list(network.objectives.all())
    assert len(objectives) == 3
    assert sum(bool(o.indicator_key) for o in objectives) == 2
    for objective in objectives:
        assert objective.measurements.count() >= 2
        assert selectors.progress(objective).latest is not None

    assert network.reviews.filter(status=ReviewStatus.SHARED).count() >= 3
    assert network.reviews.filter(status=ReviewStatus.DRAFT).exclude(flags=[]).exists()
    assert network.practice_sheets.filter(versions__number=2).exists()
    assert any(row.met for row in selectors.knowledge_map(network, territory.made["governance_now"]))

    # The admin of the CPAS de Libramont-Chevigny is asked to sign the version in force.
    admin = territory.made["demo_users"][f"admin@{DEMO_EMAIL_DOMAIN}"]
    cards = governance_cards(actor_for(admin, territory.made["home_organisation"].pk))
    assert next(card for card in cards if card.key == "to-sign").count == 1

    # The network's page is public and shows the charter in force.
    page = client.get(reverse("governance:network_detail", kwargs={"public_id": network.public_id})).text
    assert "Article 6. Les désaccords" in page

    clear_demo()
    assert not Network.objects.exists()
