import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.territories.demo import DATA_FILE
from maillage.territories.models import Level, Territory
from maillage.territories.selectors import (
    ancestors_of,
    bounding_box,
    communes_for_postcode,
    communes_in,
    communes_named,
    communes_starting_with,
    distance_km,
    territory_for_postcode,
    within_radius,
    within_radius_q,
)
from maillage.territories.services import territories_import


@pytest.fixture
def luxembourg(db):
    territories_import(DATA_FILE)
    return Territory.objects.get(level=Level.PROVINCE, code="80000")


class TestCommunesIn:
    def test_a_province_holds_its_44_communes(self, luxembourg):
        assert communes_in(luxembourg).count() == 44

    def test_an_arrondissement_holds_only_its_communes(self, luxembourg):
        arlon = Territory.objects.get(level=Level.DISTRICT, code="81000")
        assert list(communes_in(arlon).values_list("name", flat=True)) == [
            "Arlon",
            "Attert",
            "Aubange",
            "Martelange",
            "Messancy",
        ]

    def test_a_commune_is_in_itself(self, luxembourg):
        virton = Territory.objects.get(code="85045")
        assert list(communes_in(virton)) == [virton]

    def test_ancestors_from_the_country_down(self, luxembourg):
        virton = Territory.objects.get(code="85045")
        assert [t.code for t in ancestors_of(virton)] == ["BE", "03000", "80000", "85000"]


class TestPostcodes:
    @pytest.mark.parametrize(
        ("postcode", "commune"),
        [("6800", "Libramont-Chevigny"), ("6767", "Rouvroy"), ("6700", "Arlon"), ("6941", "Durbuy")],
    )
    def test_territory_for_postcode(self, luxembourg, postcode, commune):
        assert territory_for_postcode(postcode).name == commune

    @pytest.mark.parametrize(
        ("typed", "commune"),
        [("Recogne", "Libramont-Chevigny"), ("Bras", "Libramont-Chevigny"), ("athus", "Aubange")],
    )
    def test_the_imported_villages_name_their_commune(self, luxembourg, typed, commune):
        assert [c.name for c in communes_named(typed)] == [commune]

    def test_unknown_postcode(self, luxembourg):
        assert territory_for_postcode("1000") is None
        assert territory_for_postcode("6800", country="FR") is None
        assert not communes_for_postcode("9999").exists()


class TestDistances:
    def test_known_distances(self):
        assert distance_km(49.6833, 5.8167, 49.6833, 5.8167) == 0
        # Arlon to Bastogne: about 36 km as the crow flies.
        assert distance_km(49.6833, 5.8167, 50.0036, 5.7192) == pytest.approx(36.3, abs=0.5)
        # Paris to Brussels: about 264 km.
        assert distance_km(48.8566, 2.3522, 50.8503, 4.3517) == pytest.approx(264, abs=2)

    def test_within_radius_of_libramont(self, luxembourg):
        libramont = Territory.objects.get(code="84077")
        found = within_radius(
            Territory.objects.filter(level=Level.COMMUNE), libramont.latitude, libramont.longitude, 15
        )
        names = [territory.name for territory, _distance in found]
        assert names[0] == "Libramont-Chevigny"
        assert "Neufchâteau" in names
        assert "Arlon" not in names
        assert [d for _t, d in found] == sorted(d for _t, d in found)

    def test_the_sql_prefilter_follows_relations(self, luxembourg):
        from maillage.territories.models import PostalCode

        prefilter = within_radius_q(
            49.92, 5.38, 5, latitude_field="commune__latitude", longitude_field="commune__longitude"
        )
        assert set(PostalCode.objects.filter(prefilter).values_list("code", flat=True)) == {"6800"}

    @settings(max_examples=300, deadline=None)
    @given(
        latitude=st.floats(-85, 85),
        longitude=st.floats(-179, 179),
        radius=st.floats(0.1, 500),
        bearing=st.floats(0, 360),
        fraction=st.floats(0, 0.999),
    )
    def test_every_point_within_the_radius_is_in_the_box(self, latitude, longitude, radius, bearing, fraction):
        import math

        # The destination point at `fraction * radius` km along `bearing`.
        angular = fraction * radius / 6371.0088
        phi1, lambda1, theta = math.radians(latitude), math.radians(longitude), math.radians(bearing)
        phi2 = math.asin(math.sin(phi1) * math.cos(angular) + math.cos(phi1) * math.sin(angular) * math.cos(theta))
        lambda2 = lambda1 + math.atan2(
            math.sin(theta) * math.sin(angular) * math.cos(phi1), math.cos(angular) - math.sin(phi1) * math.sin(phi2)
        )
        point = (math.degrees(phi2), (math.degrees(lambda2) + 540) % 360 - 180)
        assert distance_km(latitude, longitude, *point) <= radius + 1e-6
        assert bounding_box(latitude, longitude, radius).contains(*point)


class TestCommunesNamed:
    @pytest.mark.parametrize("typed", ["Saint-Léger", "saint leger", "SAINT-LEGER", "  saint   léger "])
    def test_accents_case_hyphens_and_spaces_aside(self, luxembourg, typed):
        assert [commune.name for commune in communes_named(typed)] == ["Saint-Léger"]

    def test_a_beginning_gives_the_communes_it_starts(self, luxembourg):
        assert [commune.name for commune in communes_named("saint")] == ["Saint-Hubert", "Saint-Léger", "Sainte-Ode"]

    def test_an_exact_name_wins_over_longer_ones(self, luxembourg):
        assert [commune.name for commune in communes_named("libin")] == ["Libin"]
        assert [commune.name for commune in communes_starting_with("libr")] == ["Libramont-Chevigny"]

    def test_an_initial_accent_is_optional(self, luxembourg):
        assert [commune.name for commune in communes_named("etalle")] == ["Étalle"]

    @pytest.mark.parametrize("typed", ["", "   ", "--", "'; DROP TABLE x; --", "😀"])
    def test_nothing_to_match_gives_nothing(self, luxembourg, typed):
        assert communes_named(typed) == []

    def test_a_renamed_commune_is_found_by_its_new_name(self, luxembourg):
        commune = Territory.objects.get(name="Étalle")
        commune.name = "Étalle-sur-Semois"
        commune.save(update_fields=["name"])
        assert communes_named("etalle sur semois") == [commune]

    def test_the_import_folds_the_names(self, luxembourg):
        assert Territory.objects.get(name="Vaux-sur-Sûre").search_name == "vaux sur sure"
