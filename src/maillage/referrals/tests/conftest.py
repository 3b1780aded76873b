"""The people tests' network (the referent's CPAS, a care-provider partner, a stranger), plus a housing service
that is not yet involved: the referral's receiver."""

from dataclasses import dataclass

import pytest

from maillage.accounts.actors import actor_for
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory
from maillage.people.models import Need
from maillage.people.tests.conftest import Network, network  # noqa: F401 -- the fixture, shared


@dataclass
class Scene:
    network: Network
    sender: object
    receiver: object
    receiver_org: object
    other_org: object
    other: object
    need: Need


@pytest.fixture
def scene(network: Network) -> Scene:  # noqa: F811
    receiver_org = OrganisationFactory(name="Agence immobilière sociale")
    other_org = OrganisationFactory(name="Logement solidaire")
    receiver = MembershipFactory(organisation=receiver_org).user
    other = MembershipFactory(organisation=other_org).user
    need = Need.objects.get(person=network.person, term=network.housing)
    return Scene(
        network=network,
        sender=actor_for(network.referent),
        receiver=actor_for(receiver),
        receiver_org=receiver_org,
        other_org=other_org,
        other=actor_for(other),
        need=need,
    )
