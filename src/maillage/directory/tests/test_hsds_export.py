"""HSDS 3.0 export: every exported record validates against the official schema of its type, and re-imports."""

import io
import json

import pytest
from django.core.management import call_command

from maillage.directory.hsds.exporter import export_json, export_tabular
from maillage.directory.hsds.importer import import_paths
from maillage.directory.models import Contact, Location, Service, ServiceAtLocation
from maillage.directory.tests.hsds_fixtures import make_directory, schema_errors, table_rows

pytestmark = pytest.mark.django_db

JSON_FILES = {
    "taxonomies.json": "taxonomy",
    "taxonomy_terms.json": "taxonomy_term",
    "organizations.json": "organization",
    "services.json": "service",
}


class TestJsonExport:
    def test_each_record_validates_against_its_schema(self, tmp_path):
        make_directory()
        counts = export_json(tmp_path)
        assert counts["services"] == 2 and counts["organizations"] == 2
        for file_name, hsds_type in JSON_FILES.items():
            items = json.loads((tmp_path / file_name).read_text())
            assert items, file_name
            for item in items:
                assert schema_errors(hsds_type, item) == [], (file_name, item["id"])
        services = {s["name"]: s for s in json.loads((tmp_path / "services.json").read_text())}
        shelter = services["Hébergement d'urgence"]
        assert shelter["status"] == "active" and shelter["minimum_age"] == 18
        assert {a["taxonomy_term"]["code"] for a in shelter["attributes"]} == {"housing", "housing.emergency-shelter"}
        assert {s["byday"] for s in shelter["schedules"]} == {"MO,TU,WE,TH,FR,SA,SU"}
        organisations = {o["name"]: o for o in json.loads((tmp_path / "organizations.json").read_text())}
        reception = organisations["CCAS de Charleville"]["contacts"][0]
        assert reception["name"] == "Accueil de l'hôtel de ville"
        assert reception["location_id"] == str(Location.objects.get(name="Hôtel de ville").public_id)
        closed = services["Consultation addictologie"]
        assert closed["status"] == "temporarily closed"
        # An opening_hours rule HSDS cannot express is kept as a description.
        assert closed["schedules"][0]["description"] == "opening_hours: week 1-53/2 Fr 09:00-12:00"

    def test_export_then_import_changes_nothing(self, tmp_path):
        make_directory()
        export_json(tmp_path)
        report = import_paths(sorted(tmp_path.glob("*.json")))
        assert report.rejected == []
        assert report.created == 0, report.summary_lines()
        assert report.updated == 0, report.summary_lines()


def test_a_location_of_no_organisation_is_exported_and_comes_back(tmp_path):
    make_directory()
    civic = Location.objects.create(name="Maison des associations", address_1="1 rue Forest", city="Sedan")
    Contact.objects.create(location=civic, name="Accueil", email="maison@example.org")
    export_json(tmp_path / "json")
    export_tabular(tmp_path / "csv")

    lone = json.loads((tmp_path / "json" / "locations.json").read_text())
    assert [item["name"] for item in lone] == ["Maison des associations"] and "organization_id" not in lone[0]
    assert schema_errors("location", lone[0]) == []
    assert lone[0]["contacts"][0]["location_id"] == str(civic.public_id)
    rows = [(t, r) for t, r in table_rows(tmp_path / "csv") if r.get("id") == str(civic.public_id)]
    assert [t for t, _ in rows] == ["location"] and schema_errors("location", rows[0][1]) == []

    civic.delete()
    for paths in (sorted((tmp_path / "json").glob("*.json")), [tmp_path / "csv"]):
        report = import_paths(paths)
        assert report.rejected == []
        back = Location.objects.get(public_id=civic.public_id)
        assert back.organisation is None and back.contacts.get().email == "maison@example.org"
        back.delete()


class TestTabularExport:
    def test_package_and_rows_validate(self, tmp_path):
        make_directory()
        counts = export_tabular(tmp_path)
        assert counts["service"] == 2 and counts["service_at_location"] == 2 and counts["location"] == 2
        types = set()
        for hsds_type, record in table_rows(tmp_path):
            types.add(hsds_type)
            assert schema_errors(hsds_type, record) == [], (hsds_type, record)
        assert {"organization", "service", "location", "service_at_location", "taxonomy_term", "attribute"} <= types
        package = json.loads((tmp_path / "datapackage.json").read_text())
        assert package["profile"] == "tabular-data-package"
        assert all(resource["schema"]["primaryKey"] == ["id"] for resource in package["resources"])

    def test_round_trip_into_an_empty_directory(self, tmp_path):
        made = make_directory()
        export_tabular(tmp_path)
        before = sorted(Service.objects.values_list("public_id", "name", "status", "opening_hours", "languages"))
        ServiceAtLocation.objects.all().delete()
        Service.objects.all().delete()
        Location.objects.all().delete()

        report = import_paths([tmp_path])

        assert report.rejected == []
        after = sorted(Service.objects.values_list("public_id", "name", "status", "opening_hours", "languages"))
        assert after == before
        assert ServiceAtLocation.objects.count() == 2
        shelter = Service.objects.get(public_id=made["services"][0].public_id)
        assert set(shelter.needs.values_list("code", flat=True)) == {"housing", "housing.emergency-shelter"}
        assert Location.objects.get(name="Hôtel de ville").commune == made["commune"]
        reception = Contact.objects.get(name="Accueil de l'hôtel de ville")
        assert reception.location.name == "Hôtel de ville" and reception.organisation.name == "CCAS de Charleville"

    def test_command_writes_both(self, tmp_path):
        make_directory()
        out = io.StringIO()
        call_command("hsds_export", str(tmp_path), "--no-progress", stdout=out)
        assert "services 2" in out.getvalue()
        assert (tmp_path / "json" / "services.json").is_file()
        assert (tmp_path / "tabular" / "datapackage.json").is_file()
