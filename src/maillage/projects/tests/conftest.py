"""The people tests' network (a referent organisation, a care-provider partner, a stranger, two relatives),
shared here, with a project started by the referent."""

import pytest

from maillage.accounts.actors import actor_for
from maillage.people.tests.conftest import Network, network  # noqa: F401 -- the fixture, shared
from maillage.projects import services


@pytest.fixture
def referent(network: Network):  # noqa: F811
    return actor_for(network.referent)


@pytest.fixture
def partner(network: Network):  # noqa: F811
    return actor_for(network.partner)


@pytest.fixture
def project(network: Network, referent):  # noqa: F811
    return services.project_start(referent, person=network.person, title="Projet de vie")
