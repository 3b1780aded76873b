import pytest

from maillage.directory.tests.factories import TerritoryFactory
from maillage.territories.models import Level


@pytest.fixture
def province(db):
    country = TerritoryFactory(level=Level.COUNTRY, code="BE", name="Belgique", latitude=50.5, longitude=4.5)
    return TerritoryFactory(
        level=Level.PROVINCE, code="80000", name="Luxembourg", parent=country, latitude=49.95, longitude=5.5
    )


@pytest.fixture
def libramont(province):
    return TerritoryFactory(code="84077", name="Libramont-Chevigny", parent=province, latitude=49.92, longitude=5.38)


@pytest.fixture
def arlon(province):
    return TerritoryFactory(code="81001", name="Arlon", parent=province, latitude=49.683, longitude=5.816)


@pytest.fixture
def bastogne(province):
    return TerritoryFactory(code="82003", name="Bastogne", parent=province, latitude=50.0, longitude=5.716)


@pytest.fixture(autouse=True)
def _builtin_taxonomy(request):
    """The data migration loads the taxonomy, but a transactional test (browser) flushes it: reload if gone."""
    if "db" not in request.fixturenames and "transactional_db" not in request.fixturenames:
        return
    from maillage.directory.models import TaxonomyTerm
    from maillage.directory.taxonomy import load_builtin_taxonomy

    if not TaxonomyTerm.objects.filter(taxonomy__is_builtin=True).exists():
        load_builtin_taxonomy()
