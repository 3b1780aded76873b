import pytest

from maillage.accounts.actors import actor_for
from maillage.governance.tests.factories import NetworkFactory, NetworkMemberFactory, admin_of, coordinator_of


@pytest.fixture
def network(db):
    return NetworkFactory()


@pytest.fixture
def coordinator(network):
    membership = coordinator_of(network)
    return actor_for(membership.user, membership.organisation_id)


@pytest.fixture
def members(network):
    """Two professional member organisations, each with an admin (their authorised person by default)."""
    made = []
    for name in ("Service de santé mentale d'Arlon", "CPAS de Bastogne"):
        member = NetworkMemberFactory(network=network, organisation__name=name)
        membership = admin_of(member)
        made.append((member, actor_for(membership.user, membership.organisation_id)))
    return made
