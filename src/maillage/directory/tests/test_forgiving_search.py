"""Forgiving search: typos, Belgian and French postcode habits, saints' abbreviations, communes and distances."""

import re

import pytest
from django.urls import reverse

from maillage.directory.models import SearchWord, TaxonomyTerm
from maillage.directory.search import SORT_DISTANCE, ServiceQuery, search_services
from maillage.directory.search_index import rebuild_index
from maillage.directory.spelling import correct_word, corrected
from maillage.directory.tests.factories import ServiceFactory, TerritoryFactory, cover, place_service
from maillage.territories.models import Level, PostalCode
from maillage.territories.selectors import communes_named, parse_postcode, postcode_place

pytestmark = pytest.mark.django_db


def names(results) -> list[str]:
    return [hit.service.name for hit in results.hits]


def term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(taxonomy__is_builtin=True, code=code)


@pytest.fixture
def places(province):
    """Four Belgian communes of several villages each, and a French one across the border."""
    libramont = TerritoryFactory(
        code="84077", name="Libramont-Chevigny", parent=province, latitude=49.9203, longitude=5.3797
    )
    for village in ("Bras", "Freux", "Libramont-Chevigny", "Recogne", "Sainte-Marie-Chevigny"):
        PostalCode.objects.create(country="BE", code="6800", locality=village, commune=libramont)
    hubert = TerritoryFactory(code="84059", name="Saint-Hubert", parent=province, latitude=50.0267, longitude=5.3733)
    for village in ("Arville", "Awenne", "Saint-Hubert"):
        PostalCode.objects.create(country="BE", code="6870", locality=village, commune=hubert)
    ode = TerritoryFactory(code="82038", name="Sainte-Ode", parent=province, latitude=50.0178, longitude=5.53)
    PostalCode.objects.create(country="BE", code="6680", locality="Amberloup", commune=ode)
    PostalCode.objects.create(country="BE", code="6680", locality="Tillet", commune=ode)
    stembert = TerritoryFactory(code="63999", name="Stembert", parent=province, latitude=50.6, longitude=5.9)
    france = TerritoryFactory(country="FR", level=Level.COUNTRY, code="FR", name="France")
    charleville = TerritoryFactory(
        country="FR", code="08105", name="Charleville-Mézières", parent=france, latitude=49.7621, longitude=4.7263
    )
    PostalCode.objects.create(country="FR", code="08000", locality="Charleville-Mézières", commune=charleville)
    return {"libramont": libramont, "hubert": hubert, "ode": ode, "stembert": stembert, "charleville": charleville}


@pytest.fixture
def directory(places, province):
    housing = ServiceFactory(
        name="Service logement du CPAS",
        description="Aide à la recherche d'un logement et accompagnement dans les démarches.",
        needs=[term("housing.find-housing")],
    )
    place_service(housing, commune=places["libramont"], latitude=49.919, longitude=5.381)
    alfa = ServiceFactory(
        name="Centre Alfa",
        description="Consultations pour les personnes confrontées aux assuétudes et leurs proches.",
        needs=[term("addictions")],
    )
    place_service(alfa, commune=places["hubert"], latitude=50.027, longitude=5.374)
    grocery = ServiceFactory(name="Épicerie sociale de Tillet", description="Colis et produits à prix réduit.")
    place_service(grocery, commune=places["ode"], latitude=50.0, longitude=5.52)
    border = ServiceFactory(name="Maison de la solidarité", description="Accueil, écoute et orientation.")
    place_service(border, commune=places["charleville"], latitude=49.763, longitude=4.72)
    youth = ServiceFactory(name="Service d'aide à la jeunesse", description="Aide aux jeunes et à leur famille.")
    cover(youth, province)
    rebuild_index()
    return {"housing": housing, "alfa": alfa, "grocery": grocery, "border": border, "youth": youth}


class TestTypos:
    @pytest.mark.parametrize(
        ("typed", "expected", "correction"),
        [
            ("logemnt", "Service logement du CPAS", "logement"),
            ("asuétudes", "Centre Alfa", "assuétudes"),
            ("asuetudes", "Centre Alfa", "assuétudes"),
            ("aide au logemnt", "Service logement du CPAS", "aide au logement"),
            ("épicrie", "Épicerie sociale de Tillet", "épicerie"),
        ],
    )
    def test_a_typo_finds_the_service_and_says_for_which_words(self, directory, typed, expected, correction):
        results = search_services(ServiceQuery(text=typed))
        assert expected in names(results)
        assert results.corrected_text == correction

    def test_words_that_find_something_are_not_corrected(self, directory):
        results = search_services(ServiceQuery(text="logement"))
        assert names(results) == ["Service logement du CPAS"] and results.corrected_text == ""

    def test_a_need_synonym_is_a_known_word(self, directory):
        # "toxicomanie" is no service's word, but a synonym of the need "Addictions": found, not corrected.
        results = search_services(ServiceQuery(text="toxicomanie"))
        assert names(results) == ["Centre Alfa"] and results.corrected_text == ""
        assert correct_word("toxicomanei") == "toxicomanie"

    def test_nonsense_is_not_corrected(self, directory):
        results = search_services(ServiceQuery(text="xqzvbw"))
        assert results.total == 0 and results.corrected_text == ""
        assert corrected("ab") is None  # too short to guess

    def test_a_correction_that_finds_nothing_is_not_offered(self, directory, places):
        results = search_services(ServiceQuery(text="logemnt", place="Sainte-Ode"))
        assert results.total == 0 and results.corrected_text == ""

    def test_the_spelling_index_follows_the_services(self, directory):
        assert search_services(ServiceQuery(text="vestiaire")).total == 0
        directory["grocery"].description = "Vestiaire solidaire."
        directory["grocery"].save()
        assert SearchWord.objects.filter(word="vestiaire").exists()
        results = search_services(ServiceQuery(text="vestiare"))
        assert names(results) == ["Épicerie sociale de Tillet"] and results.corrected_text == "vestiaire"

    def test_a_rebuild_forgets_words_no_service_has(self, directory):
        directory["grocery"].delete()
        rebuild_index()
        assert not SearchWord.objects.filter(word="epicerie").exists()
        assert search_services(ServiceQuery(text="épicrie")).corrected_text == ""


class TestPlaces:
    @pytest.mark.parametrize("typed", ["6800", "B-6800", "B6800", "BE-6800", "b 6800", "B-6800 Libramont"])
    def test_belgian_postcode_forms(self, directory, typed):
        results = search_services(ServiceQuery(place=typed))
        assert results.place.label == "6800 Libramont-Chevigny"
        assert "Service logement du CPAS" in names(results)
        assert "Maison de la solidarité" not in names(results)

    def test_postcode_field_takes_the_prefix_too(self, directory):
        assert search_services(ServiceQuery(postcode="B-6800")).place.label == "6800 Libramont-Chevigny"

    @pytest.mark.parametrize("typed", ["F-08000", "FR 08000", "08000", "F-08000 Charleville"])
    def test_french_postcode_forms(self, directory, typed):
        results = search_services(ServiceQuery(place=typed))
        assert results.place.label == "08000 Charleville-Mézières"
        assert names(results) == ["Maison de la solidarité"]

    def test_the_prefix_names_the_country(self, directory):
        assert search_services(ServiceQuery(place="F-6800")).place_not_found

    @pytest.mark.parametrize(
        ("typed", "commune", "service"),
        [
            ("St-Hubert", "Saint-Hubert", "Centre Alfa"),
            ("st hubert", "Saint-Hubert", "Centre Alfa"),
            ("Ste-Ode", "Sainte-Ode", "Épicerie sociale de Tillet"),
            ("STE ODE", "Sainte-Ode", "Épicerie sociale de Tillet"),
        ],
    )
    def test_saints_abbreviated(self, directory, typed, commune, service):
        results = search_services(ServiceQuery(place=typed))
        assert results.place.label == commune
        assert service in names(results)

    @pytest.mark.parametrize(
        ("typed", "commune", "service"),
        [
            ("Recogne", "Libramont-Chevigny", "Service logement du CPAS"),
            ("bras", "Libramont-Chevigny", "Service logement du CPAS"),
            ("Ste-Marie-Chevigny", "Libramont-Chevigny", "Service logement du CPAS"),
            ("AMBERLOUP", "Sainte-Ode", "Épicerie sociale de Tillet"),
        ],
    )
    def test_a_village_is_its_commune(self, directory, typed, commune, service):
        results = search_services(ServiceQuery(place=typed))
        assert results.place.label == commune and [c.name for c in results.place.communes] == [commune]
        assert service in names(results)
        assert "Maison de la solidarité" not in names(results)

    def test_a_village_name_two_communes_share_offers_both(self, places):
        PostalCode.objects.create(country="BE", code="6681", locality="Bras", commune=places["ode"])
        results = search_services(ServiceQuery(place="Bras"))
        assert results.place_not_found
        assert [c.name for c in results.place_suggestions] == ["Libramont-Chevigny", "Sainte-Ode"]

    def test_a_commune_of_the_name_wins_over_a_village(self, places):
        PostalCode.objects.create(country="BE", code="6870", locality="Sainte-Ode", commune=places["hubert"])
        assert [c.name for c in communes_named("Sainte-Ode")] == ["Sainte-Ode"]

    def test_an_abbreviation_still_begins_other_names(self, places):
        assert [c.name for c in communes_named("ste")] == ["Sainte-Ode", "Stembert"]

    def test_a_postcode_of_several_villages_is_its_commune(self, places):
        found = postcode_place("6800")
        assert found.label == "6800 Libramont-Chevigny" and found.communes == [places["libramont"]]
        assert (found.latitude, found.longitude) == (49.9203, 5.3797)  # the commune's centre, not a village's

    def test_parse_postcode(self):
        assert parse_postcode("B-6800 Libramont") == parse_postcode("B-6800 Libramont")
        assert parse_postcode("B-6800 Libramont").country == "BE"
        assert parse_postcode("F-08000").code == "08000" and parse_postcode("F-08000").country == "FR"
        assert parse_postcode("Libramont") is None and parse_postcode("680") is None


class TestCards:
    def test_cards_show_the_commune_and_the_distance(self, directory):
        results = search_services(ServiceQuery(place="St-Hubert", radius_km=30))
        alfa = next(hit for hit in results.hits if hit.service.name == "Centre Alfa")
        assert alfa.commune == "Saint-Hubert" and alfa.distance_km == pytest.approx(0.0, abs=0.2)
        housing = next(hit for hit in results.hits if hit.service.name == "Service logement du CPAS")
        assert housing.commune == "Libramont-Chevigny" and housing.distance_km > 10

    def test_cards_show_the_commune_without_a_place(self, directory):
        hit = search_services(ServiceQuery(text="logement")).hits[0]
        assert hit.commune == "Libramont-Chevigny" and hit.distance_km is None

    def test_sorted_by_distance_on_demand(self, directory):
        query = ServiceQuery(place="Ste-Ode", radius_km=60)
        by_distance = search_services(ServiceQuery(**{**query.__dict__, "sort": SORT_DISTANCE}))
        distances = [hit.distance_km for hit in by_distance.hits if hit.service.name != "Service d'aide à la jeunesse"]
        assert distances == sorted(distances) and by_distance.hits[0].service.name == "Épicerie sociale de Tillet"
        assert by_distance.hits[-1].service.name == "Service d'aide à la jeunesse"  # reaches it by its area only
        best_first = search_services(query)
        assert {hit.service.name for hit in by_distance.hits} == {hit.service.name for hit in best_first.hits}


class TestPageAndApi:
    def test_the_page_says_which_words_it_searched(self, client, directory):
        body = client.get(reverse("directory:search"), {"q": "logemnt"}, headers={"Accept-Language": "en"})
        body = body.content.decode()
        assert "Service logement du CPAS" in body
        assert "Results for “logement”: nothing was found for “logemnt”." in body

    def test_the_page_in_french(self, client, directory):
        body = client.get(reverse("directory:search"), {"q": "asuétudes"}, headers={"Accept-Language": "fr"})
        assert "Résultats pour « assuétudes » : rien n'a été trouvé pour « asuétudes »." in body.content.decode()
        assert "Centre Alfa" in body.content.decode()

    def test_cards_show_commune_and_distance_and_offer_the_order(self, client, directory):
        body = client.get(reverse("directory:search"), {"place": "B-6800"}, headers={"Accept-Language": "en"})
        body = body.content.decode()
        assert re.search(r'<span class="commune">Libramont-Chevigny</span> · 0\.\d km', body)
        assert "sort=distance" in body and "Nearest first" in body
        nearest = client.get(
            reverse("directory:search"), {"place": "Ste-Ode", "radius": 60, "sort": "distance"}
        ).content.decode()
        assert nearest.index("Épicerie sociale de Tillet") < nearest.index("Centre Alfa")
        assert '<input type="hidden" name="sort" value="distance">' in nearest

    def test_api(self, client, directory):
        data = client.get("/api/v1/directory/services", {"q": "logemnt", "place": "F-08000"}).json()
        assert data["count"] == 0 and data["corrected_q"] is None
        data = client.get("/api/v1/directory/services", {"q": "logemnt", "place": "B-6800"}).json()
        assert data["corrected_q"] == "logement" and data["place"] == "6800 Libramont-Chevigny"
        assert [(r["name"], r["commune"]) for r in data["results"]] == [
            ("Service logement du CPAS", "Libramont-Chevigny")
        ]
        data = client.get("/api/v1/directory/services", {"place": "Ste-Ode", "sort": "distance"}).json()
        assert data["results"][0]["name"] == "Épicerie sociale de Tillet"
        assert client.get("/api/v1/directory/services", {"sort": "nearest"}).status_code == 422
