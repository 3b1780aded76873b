from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.tests.factories import OrganisationFactory
from maillage.directory.enums import CapacityStatus, ServiceStatus, Situation
from maillage.directory.models import TaxonomyTerm
from maillage.directory.search import ServiceQuery, expand, is_open, search_services
from maillage.directory.search_index import rebuild_index
from maillage.directory.tests.factories import ServiceFactory, TerritoryFactory, cover, place_service
from maillage.territories.models import PostalCode
from maillage.territories.selectors import distance_km

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


def term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(taxonomy__is_builtin=True, code=code)


def names(results) -> list[str]:
    return [hit.service.name for hit in results.hits]


@pytest.fixture
def directory(libramont, arlon, bastogne):
    """A small directory around Libramont, Arlon (≈ 40 km away) and Bastogne."""
    shelter = ServiceFactory(
        name="Abri de nuit Saint-Martin",
        description="Hébergement d'urgence pour personnes sans logement, accueil de 20h à 8h.",
        needs=[term("housing.emergency-shelter")],
        situations=[Situation.HOMELESS],
        opening_hours="Mo-Su 20:00-24:00",
    )
    place_service(shelter, commune=libramont, latitude=49.921, longitude=5.379)
    grocery = ServiceFactory(
        name="Épicerie sociale La Cerise",
        description="Produits alimentaires à prix réduit pour les familles aux revenus modestes.",
        needs=[term("food.social-grocery")],
        opening_hours="Mo-Fr 09:00-12:00,13:00-17:00",
        capacity_status=CapacityStatus.WAITING_LIST,
    )
    place_service(grocery, commune=arlon, latitude=49.684, longitude=5.815)
    addiction = ServiceFactory(
        name="Centre Alfa",
        description="Consultations pour les personnes confrontées aux assuétudes et leurs proches.",
        needs=[term("addictions")],
        minimum_age=18,
        self_referral=True,
        opening_hours="Mo-Fr 08:30-17:00",
    )
    place_service(addiction, commune=bastogne, latitude=50.001, longitude=5.717)
    housing = ServiceFactory(
        name="Service logement du CPAS",
        description="Aide à la recherche d'un logement et accompagnement dans les démarches.",
        needs=[term("housing.find-housing")],
        self_referral=False,
        capacity_status=CapacityStatus.FULL,
        opening_hours="Tu,Th 09:00-12:00",
    )
    place_service(housing, commune=libramont, latitude=49.919, longitude=5.381)
    youth = ServiceFactory(
        name="Service d'aide à la jeunesse",
        description="Aide aux jeunes en difficulté et à leur famille.",
        needs=[term("child-protection.youth-aid")],
        maximum_age=18,
    )
    cover(youth, libramont.parent)  # the whole province
    PostalCode.objects.create(country="BE", code="6800", locality="Libramont", commune=libramont)
    rebuild_index()
    return {"shelter": shelter, "grocery": grocery, "addiction": addiction, "housing": housing, "youth": youth}


class TestText:
    def test_stemming_plural(self, directory):
        assert "Service logement du CPAS" in names(search_services(ServiceQuery(text="logements")))

    def test_accents_and_case(self, directory):
        assert names(search_services(ServiceQuery(text="EPICERIE"))) == ["Épicerie sociale La Cerise"]

    def test_synonym_of_a_need(self, directory):
        assert "Centre Alfa" in names(search_services(ServiceQuery(text="toxicomanie")))
        assert "Centre Alfa" in names(search_services(ServiceQuery(text="drogue")))

    def test_multiword_synonym_is_expanded(self, db):
        groups = expand("sans-abri")
        assert ("sans", "abri") in groups[0] and ("sdf",) in groups[0]

    def test_all_words_must_match(self, directory):
        assert names(search_services(ServiceQuery(text="épicerie hébergement"))) == []

    def test_stopwords_ignored(self, directory):
        assert "Épicerie sociale La Cerise" in names(
            search_services(ServiceQuery(text="une épicerie pour les familles"))
        )


class TestFilters:
    def test_need_includes_descendants(self, directory):
        found = names(search_services(ServiceQuery(need="housing")))
        assert sorted(found) == ["Abri de nuit Saint-Martin", "Service logement du CPAS"]

    def test_need_and_place(self, directory, libramont):
        found = names(search_services(ServiceQuery(need="food", commune_id=libramont.id)))
        assert found == []
        found = names(search_services(ServiceQuery(need="housing", commune_id=libramont.id)))
        assert len(found) == 2

    def test_service_area_covers_communes_inside(self, directory, bastogne):
        assert "Service d'aide à la jeunesse" in names(search_services(ServiceQuery(commune_id=bastogne.id)))

    def test_postcode(self, directory):
        results = search_services(ServiceQuery(postcode="6800", need="housing"))
        assert len(results.hits) == 2 and results.place.label == "6800 Libramont-Chevigny"

    def test_unknown_postcode_says_so(self, directory):
        results = search_services(ServiceQuery(postcode="0000"))
        assert results.place_not_found and results.total == 0

    @pytest.mark.parametrize("typed", ["Libramont-Chevigny", "libramont chevigny", "LIBRAMONT", "librà"])
    def test_place_by_name_as_typed(self, directory, typed):
        results = search_services(ServiceQuery(place=typed, need="housing"))
        assert results.place.label == "Libramont-Chevigny"
        assert sorted(names(results)) == ["Abri de nuit Saint-Martin", "Service logement du CPAS"]

    def test_place_typed_as_a_postcode(self, directory):
        assert search_services(ServiceQuery(place=" 6800 ", need="housing")).place.label == "6800 Libramont-Chevigny"

    def test_place_several_communes_could_be_offers_them(self, directory, province):
        TerritoryFactory(code="84999", name="Libin", parent=province, latitude=49.98, longitude=5.25)
        results = search_services(ServiceQuery(place="lib"))
        assert results.place_not_found and results.total == 0
        assert [commune.name for commune in results.place_suggestions] == ["Libin", "Libramont-Chevigny"]

    def test_unknown_place_says_so_without_suggestions(self, directory):
        results = search_services(ServiceQuery(place="Atlantis"))
        assert results.place_not_found and results.place_suggestions == []
        assert search_services(ServiceQuery(place="0000")).place_suggestions == []

    def test_radius(self, directory):
        near = search_services(ServiceQuery(latitude=49.92, longitude=5.38, radius_km=10))
        assert "Épicerie sociale La Cerise" not in names(near)
        assert "Abri de nuit Saint-Martin" in names(near)
        far = search_services(ServiceQuery(latitude=49.92, longitude=5.38, radius_km=50))
        assert "Épicerie sociale La Cerise" in names(far)
        grocery = next(hit for hit in far.hits if hit.service.name.startswith("Épicerie"))
        assert grocery.distance_km == pytest.approx(distance_km(49.92, 5.38, 49.684, 5.815), abs=0.1)

    def test_nearer_ranks_first(self, directory):
        results = search_services(ServiceQuery(latitude=49.684, longitude=5.815, radius_km=80))
        assert results.hits[0].service.name == "Épicerie sociale La Cerise"

    def test_age(self, directory):
        assert "Centre Alfa" not in names(search_services(ServiceQuery(age=16)))
        assert "Service d'aide à la jeunesse" not in names(search_services(ServiceQuery(age=30)))

    def test_situation(self, directory):
        found = names(search_services(ServiceQuery(situation=Situation.DEBTS)))
        assert "Abri de nuit Saint-Martin" not in found and "Centre Alfa" in found
        assert "Abri de nuit Saint-Martin" in names(search_services(ServiceQuery(situation=Situation.HOMELESS)))

    def test_self_referral_and_capacity(self, directory):
        assert "Service logement du CPAS" not in names(search_services(ServiceQuery(self_referral=True)))
        available = names(search_services(ServiceQuery(capacity_available=True)))
        assert "Service logement du CPAS" not in available and "Centre Alfa" in available

    def test_open_now(self, directory):
        wednesday_10h = datetime(2026, 11, 25, 10, 0, tzinfo=BRUSSELS)
        found = names(search_services(ServiceQuery(open_now=True, at=wednesday_10h)))
        assert sorted(found) == ["Centre Alfa", "Épicerie sociale La Cerise"]
        wednesday_22h = datetime(2026, 11, 25, 22, 0, tzinfo=BRUSSELS)
        assert names(search_services(ServiceQuery(open_now=True, at=wednesday_22h))) == ["Abri de nuit Saint-Martin"]

    def test_hidden_services(self, directory):
        directory["grocery"].status = ServiceStatus.DEFUNCT
        directory["grocery"].save()
        pending = OrganisationFactory(status=OrganisationStatus.PENDING)
        ServiceFactory(organisation=pending, name="Épicerie en attente")
        assert names(search_services(ServiceQuery(text="épicerie"))) == []

    def test_results_show_capacity_and_freshness(self, directory):
        hit = search_services(ServiceQuery(text="épicerie")).hits[0]
        assert hit.service.capacity_status == CapacityStatus.WAITING_LIST
        assert hit.is_stale is False and hit.updated_at is not None


class TestIndexSync:
    def test_write_updates_index(self, directory):
        grocery = directory["grocery"]
        grocery.name = "Magasin solidaire"
        grocery.description = "Vêtements de seconde main."
        grocery.save()
        assert names(search_services(ServiceQuery(text="magasins"))) == ["Magasin solidaire"]
        assert names(search_services(ServiceQuery(text="cerise"))) == []

    def test_needs_change_updates_index(self, directory):
        directory["youth"].needs.add(term("food.meals"))
        assert "Service d'aide à la jeunesse" in names(search_services(ServiceQuery(text="restaurant social")))

    def test_delete_removes_from_index(self, directory):
        directory["addiction"].delete()
        assert names(search_services(ServiceQuery(text="assuétudes"))) == []


HOSTILE = [
    "",
    "   ",
    '"',
    '""logement"',
    "*",
    "logem*",
    "NEAR",
    "NEAR(logement hébergement)",
    "-logement",
    "logement -abri",
    "OR",
    "logement OR",
    "AND NOT",
    "'; DROP TABLE directory_service; --",
    "1' OR '1'='1",
    "logement) OR (1=1",
    "name:logement",
    "{name}: abri",
    "^abri",
    "a" * 10_000,
    "logement " * 2000,
    "🏠 logement 🙂",
    "\x00\x01\u202e",
    "ﬁ œuvre ß ǅ",
    "&|!<->:*",
]


class TestHostileInput:
    @pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
    def test_never_fails(self, directory, text):
        results = search_services(ServiceQuery(text=text))
        assert results.total >= 0

    @pytest.mark.parametrize("text", ["'; DROP TABLE directory_service; --", "NEAR", "*", '"'])
    def test_with_every_filter(self, directory, libramont, text):
        query = ServiceQuery(
            text=text,
            need="'; --",
            commune_id=libramont.id,
            postcode="6800' OR 1=1",
            latitude=float("nan"),
            longitude=1e308,
            radius_km=-5,
            age=-3,
            situation="<script>",
            open_now=True,
            page=-1,
            page_size=10**9,
        )
        assert search_services(query).total >= 0

    def test_emoji_only_returns_everything_listed(self, directory):
        assert search_services(ServiceQuery(text="🙂")).total == 5


def test_is_open_unknown_for_invalid_hours():
    assert is_open("not hours") is None
    assert is_open("") is None
    assert is_open("24/7") is True
