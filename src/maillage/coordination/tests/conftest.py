from maillage.people.tests.conftest import Network, network  # noqa: F401 -- the shared network fixture
