from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from maillage.territories.demo import DATA_FILE
from maillage.territories.models import Level, PostalCode, Territory
from maillage.territories.services import TerritoryImportError, territories_import

pytestmark = pytest.mark.django_db

HEADER = (
    "country,country_name,region_code,region_name,province_code,province_name,district_code,district_name,"
    "code,name,postcodes,latitude,longitude\n"
)


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "communes.csv"
    path.write_text(header + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def snapshot() -> tuple[list, list]:
    territories = list(Territory.objects.order_by("pk").values_list("pk", "country", "level", "code", "name", "path"))
    territories += list(Territory.objects.order_by("pk").values_list("parent", "latitude", "longitude"))
    postcodes = list(PostalCode.objects.order_by("pk").values_list("pk", "code", "locality", "commune", "latitude"))
    return territories, postcodes


LIBRAMONT = (
    "BE,Belgique,03000,Région wallonne,80000,Province de Luxembourg,84000,Arrondissement de Neufchâteau,"
    "84077,Libramont-Chevigny,6800 Libramont-Chevigny|6800 Bras,49.9203,5.3797"
)


class TestShippedFile:
    def test_builds_the_hierarchy_of_the_province_of_luxembourg(self):
        report = territories_import(DATA_FILE)

        assert (report.created, report.updated, report.errors) == (44, 0, [])
        belgium = Territory.objects.get(level=Level.COUNTRY, code="BE")
        wallonia = Territory.objects.get(level=Level.REGION, code="03000", parent=belgium)
        province = Territory.objects.get(level=Level.PROVINCE, code="80000", parent=wallonia)
        districts = Territory.objects.filter(level=Level.DISTRICT, parent=province)
        assert sorted(districts.values_list("code", flat=True)) == ["81000", "82000", "83000", "84000", "85000"]
        assert Territory.objects.filter(level=Level.COMMUNE).count() == 44
        libramont = Territory.objects.get(level=Level.COMMUNE, code="84077")
        assert libramont.name == "Libramont-Chevigny"
        assert libramont.parent.code == "84000"
        assert libramont.path == f"/{belgium.pk}/{wallonia.pk}/{province.pk}/{libramont.parent_id}/{libramont.pk}/"
        assert set(libramont.postal_codes.values_list("locality", flat=True)) >= {"Libramont-Chevigny", "Recogne"}
        assert 49.4 < libramont.latitude < 50.4 and 4.9 < libramont.longitude < 6.1

    def test_the_codes_follow_the_nis_numbering_of_their_arrondissement(self):
        territories_import(DATA_FILE)
        for commune in Territory.objects.filter(level=Level.COMMUNE).select_related("parent"):
            assert commune.code[:2] == commune.parent.code[:2], commune.name
            assert commune.postal_codes.exists(), commune.name
            assert all(code.startswith("6") for code in commune.postal_codes.values_list("code", flat=True))

    def test_importing_twice_changes_nothing(self):
        territories_import(DATA_FILE)
        before = snapshot()

        report = territories_import(DATA_FILE, batch_size=7)

        assert (report.created, report.updated, report.unchanged) == (0, 0, 44)
        assert not report.changed
        assert snapshot() == before

    def test_semicolon_separated_files_are_read_too(self, tmp_path):
        path = tmp_path / "communes.csv"
        path.write_text(
            "code;name;country;postcodes;latitude;longitude\n84077;Libramont-Chevigny;BE;6800 Recogne;49,92;5,38\n",
            encoding="utf-8",
        )

        report = territories_import(path)

        assert report.created == 1, report.errors
        commune = Territory.objects.get(code="84077")
        assert (commune.parent.code, commune.latitude) == ("BE", 49.92)


class TestChanges:
    def test_a_changed_row_updates_the_commune_and_its_postcodes(self, tmp_path):
        territories_import(write(tmp_path, LIBRAMONT))
        commune = Territory.objects.get(code="84077")
        renamed = LIBRAMONT.replace(",Libramont-Chevigny,", ",Libramont,").replace("6800 Bras", "6800 Recogne")
        renamed = renamed.replace("49.9203", "49.9300")

        report = territories_import(write(tmp_path, renamed))

        assert (report.created, report.updated, report.postcodes_created, report.postcodes_deleted) == (0, 1, 1, 1)
        commune.refresh_from_db()
        assert (commune.name, commune.latitude) == ("Libramont", 49.93)
        assert sorted(commune.postal_codes.values_list("locality", flat=True)) == ["Libramont-Chevigny", "Recogne"]
        assert set(commune.postal_codes.values_list("latitude", flat=True)) == {49.93}

    def test_a_commune_moved_to_another_district_gets_a_new_path(self, tmp_path):
        territories_import(write(tmp_path, LIBRAMONT))
        moved = LIBRAMONT.replace("84000,Arrondissement de Neufchâteau", "82000,Arrondissement de Bastogne")

        territories_import(write(tmp_path, moved))

        commune = Territory.objects.get(code="84077")
        assert commune.parent.code == "82000"
        assert commune.path == f"{commune.parent.path}{commune.pk}/"

    def test_a_district_moved_to_another_province_moves_its_communes(self, tmp_path):
        territories_import(write(tmp_path, LIBRAMONT))
        moved = LIBRAMONT.replace("80000,Province de Luxembourg", "90000,Province de Namur")

        territories_import(write(tmp_path, moved))

        commune = Territory.objects.get(code="84077")
        assert commune.parent.parent.code == "90000"
        assert commune.path.startswith(commune.parent.parent.path)
        assert commune.path == f"{commune.parent.path}{commune.pk}/"

    def test_without_district_the_commune_hangs_from_the_province(self, tmp_path):
        row = "FR,France,44,Grand Est,08,Ardennes,,,08105,Charleville-Mézières,08000 Charleville-Mézières,49.77,4.72"

        territories_import(write(tmp_path, row))

        commune = Territory.objects.get(country="FR", code="08105")
        assert (commune.parent.level, commune.parent.name) == (Level.PROVINCE, "Ardennes")
        assert commune.parent.parent.parent.code == "FR"


class TestErrors:
    def test_bad_rows_are_reported_by_line_and_the_others_imported(self, tmp_path):
        path = write(
            tmp_path,
            LIBRAMONT,
            LIBRAMONT.replace("84077,Libramont-Chevigny", "84043,"),
            LIBRAMONT.replace("84077", "84043").replace("49.9203", "north"),
            LIBRAMONT.replace("84077", "84010").replace("5.3797", "200"),
            LIBRAMONT.replace("84077", "84009").replace("6800 Bras", "6800"),
            "Belgium" + LIBRAMONT[2:].replace("84077", "84035"),
            LIBRAMONT,
        )

        report = territories_import(path)

        assert report.created == 1
        assert [error.line for error in report.errors] == [3, 4, 5, 6, 7, 8]
        assert "nom" in report.errors[0].message
        assert "latitude" in report.errors[1].message
        assert "longitude" in report.errors[2].message
        assert "6800" in report.errors[3].message
        assert "pays" in report.errors[4].message
        assert "deux fois" in report.errors[5].message

    def test_a_file_without_the_required_columns_is_refused(self, tmp_path):
        with pytest.raises(TerritoryImportError, match="code"):
            territories_import(write(tmp_path, "BE,Arlon", header="country,name\n"))

    def test_a_missing_file_is_refused(self, tmp_path):
        with pytest.raises(TerritoryImportError):
            territories_import(tmp_path / "absent.csv")

    def test_a_failing_batch_is_rolled_back_and_reported_the_others_kept(self, tmp_path, monkeypatch):
        rows = [LIBRAMONT.replace("84077", f"8407{index}") for index in range(4)]
        path = write(tmp_path, *rows)
        original = PostalCode.objects.bulk_create
        calls = []

        def fail_second_batch(objects, *args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise DatabaseError("disk full")
            return original(objects, *args, **kwargs)

        monkeypatch.setattr(PostalCode.objects, "bulk_create", fail_second_batch)

        report = territories_import(path, batch_size=2)

        assert report.created == 2
        assert [error.line for error in report.errors] == [4, 5]
        assert sorted(Territory.objects.filter(level=Level.COMMUNE).values_list("code", flat=True)) == [
            "84070",
            "84071",
        ]
        assert PostalCode.objects.count() == 4


class TestCommand:
    def test_imports_and_reports(self, tmp_path, capsys):
        call_command("territories_import", str(DATA_FILE), "--no-progress")
        call_command("territories_import", str(DATA_FILE), "--no-progress")

        out = capsys.readouterr().out
        assert "44 rows: 0 communes created, 0 updated, 44 unchanged, 0 errors" in out

    def test_fails_with_the_lines_in_error(self, tmp_path, capsys):
        path = write(tmp_path, LIBRAMONT, LIBRAMONT.replace("Libramont-Chevigny,6800", ",6800"))

        with pytest.raises(CommandError, match="1 rows were not imported"):
            call_command("territories_import", str(path), "--no-progress")

        assert "line 3:" in capsys.readouterr().err
        assert Territory.objects.filter(code="84077").exists()

    def test_an_unreadable_file_is_a_clear_error(self, tmp_path):
        with pytest.raises(CommandError, match="impossible d'ouvrir"):
            call_command("territories_import", str(tmp_path / "absent.csv"), "--no-progress")
