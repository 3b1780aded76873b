"""HSDS 3.0 import: the official examples, idempotence, updates, and bad input."""

import io
import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from maillage.accounts.models import Organisation
from maillage.directory.enums import MappingScheme
from maillage.directory.hsds import validation
from maillage.directory.hsds.importer import import_paths
from maillage.directory.models import (
    Contact,
    Location,
    Phone,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    TermMapping,
)

EXAMPLES = Path(settings.HSDS_SCHEMA_DIR).parent / "examples"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
ORGANISATION_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"

pytestmark = pytest.mark.django_db


def official_examples() -> list[Path]:
    return [*sorted(EXAMPLES.glob("*.json")), EXAMPLES / "csv"]


def snapshot() -> dict[str, list]:
    return {
        model.__name__: sorted(
            (str(row["public_id"]), tuple(sorted((k, str(v)) for k, v in row.items() if k != "id")))
            for row in model.objects.values()
        )
        for model in (
            Organisation,
            Service,
            Location,
            ServiceAtLocation,
            ServiceArea,
            Phone,
            Contact,
            Taxonomy,
            TaxonomyTerm,
        )
    }


class TestOfficialExamples:
    @pytest.mark.parametrize("path", official_examples(), ids=lambda p: p.name)
    def test_each_example_imports_without_rejection(self, path):
        report = import_paths([path])
        assert report.rejected == []

    def test_a_contact_keeps_its_location(self):
        import_paths([EXAMPLES / "csv"])
        contact = Contact.objects.get(public_id="1e7efce3-639b-4880-940c-b95cd30cdb50")
        assert str(contact.location.public_id) == "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
        assert contact.service is not None and contact.name == "Ann Persona"

    def test_a_lone_location_waits_for_its_organisation(self):
        report = import_paths([EXAMPLES / "location.json"])
        assert report.rejected == []
        assert any("no organization" in warning for warning in report.warnings)
        location = Location.objects.get(public_id="3a19ff88-4620-4d17-9830-ac1d859eb5d5")
        assert location.organisation is None and location.city == "MyCity"
        assert Contact.objects.get(location=location).organisation is None

        import_paths([EXAMPLES / "organization_full.json"])

        location.refresh_from_db()
        assert location.organisation.public_id.hex == ORGANISATION_ID.replace("-", "")
        assert Location.objects.count() == 1

    def test_a_location_naming_an_unknown_organisation_is_rejected(self, tmp_path):
        data = json.loads((EXAMPLES / "location.json").read_text())
        data["organization_id"] = "00000000-0000-4000-8000-000000000001"
        path = tmp_path / "location.json"
        path.write_text(json.dumps(data))
        report = import_paths([path])
        assert [str(r) for r in report.rejected if r.hsds_type == "location"] == [
            "location.json: location 3a19ff88-4620-4d17-9830-ac1d859eb5d5 rejected: "
            "unknown organization 00000000-0000-4000-8000-000000000001"
        ]
        assert Location.objects.count() == 0

    def test_all_examples_import_and_twice_changes_nothing(self):
        report = import_paths(official_examples())
        assert report.rejected == []
        service = Service.objects.get(public_id=SERVICE_ID)
        assert service.name == "Community Counselling"
        assert service.organisation.public_id.hex == ORGANISATION_ID.replace("-", "")
        assert service.minimum_age == 12 and service.maximum_age == 100
        assert service.languages == ["ur"]
        assert service.at_locations.count() == 1
        assert service.needs.filter(public_id="3f7b145d-84af-42d7-8fae-eaca714b02b2").exists()
        location = Location.objects.get(public_id="3a19ff88-4620-4d17-9830-ac1d859eb5d5")
        assert location.city == "MyCity"
        assert location.latitude is None  # the example's latitude 100 is not a latitude
        before = snapshot()

        again = import_paths(official_examples())

        assert again.rejected == []
        assert again.created == 0 and again.updated == 0
        assert snapshot() == before

    def test_tabular_package_alone(self):
        report = import_paths([EXAMPLES / "csv"])
        assert report.rejected == []
        assert Service.objects.count() == 1
        assert Location.objects.get().organisation.public_id.hex == ORGANISATION_ID.replace("-", "")
        assert ServiceAtLocation.objects.count() == 1


class TestUpdates:
    def test_changed_record_is_updated_and_others_untouched(self, tmp_path):
        import_paths([EXAMPLES / "service_full.json"])
        data = json.loads((EXAMPLES / "service_full.json").read_text())
        data["name"] = "Conseil psychologique"
        data["status"] = "temporarily closed"
        changed = tmp_path / "service.json"
        changed.write_text(json.dumps(data))

        report = import_paths([changed])

        assert report.counts["service"].updated == 1
        assert report.counts["organization"].unchanged == 1
        service = Service.objects.get(public_id=SERVICE_ID)
        assert service.name == "Conseil psychologique"
        assert service.status == "TEMPORARILY_CLOSED"
        assert Service.objects.count() == 1


class TestBadInput:
    def test_broken_json_is_reported_and_nothing_written(self, tmp_path):
        path = tmp_path / "broken.json"
        path.write_text('{"id": "ac148810-d857-441c-9679-408f346de14b", "name": ')
        report = import_paths([path])
        assert len(report.rejected) == 1
        assert "not valid JSON" in str(report.rejected[0])
        assert Service.objects.count() == 0

    def test_wrong_types_and_missing_ids_are_rejected_one_by_one(self, tmp_path):
        good = json.loads((EXAMPLES / "service_full.json").read_text())
        wrong_type = {**good, "id": "11111111-1111-4111-8111-111111111111", "minimum_age": "twelve"}
        no_id = {key: value for key, value in good.items() if key != "id"}
        bad_uuid = {**good, "id": "not-a-uuid"}
        path = tmp_path / "services.json"
        path.write_text(json.dumps([good, wrong_type, no_id, bad_uuid]))

        report = import_paths([path])

        reasons = {r.source: " ".join(r.reasons) for r in report.rejected}
        assert "minimum_age" in reasons["services.json[1]"]
        assert "'id' is a required property" in reasons["services.json[2]"]
        assert "not-a-uuid" in reasons["services.json[3]"]
        assert list(Service.objects.values_list("name", flat=True)) == ["Community Counselling"]

    def test_unknown_taxonomy_is_reported(self, tmp_path):
        term = {
            "id": "22222222-2222-4222-8222-222222222222",
            "name": "Logement",
            "description": "",
            "taxonomy_id": "33333333-3333-4333-8333-333333333333",
        }
        path = tmp_path / "terms.json"
        path.write_text(json.dumps([term]))
        report = import_paths([path], hsds_type="taxonomy_term")
        assert [r.reasons for r in report.rejected] == [["unknown taxonomy 33333333-3333-4333-8333-333333333333"]]
        assert not TaxonomyTerm.objects.filter(public_id=term["id"]).exists()

    def test_attribute_with_an_unknown_term_is_rejected_and_the_service_kept(self, tmp_path):
        data = json.loads((EXAMPLES / "service_full.json").read_text())
        data["attributes"] = [
            {"id": "12121212-1212-4212-8212-121212121212", "taxonomy_term_id": "34343434-3434-4434-8434-343434343434"}
        ]
        path = tmp_path / "service.json"
        path.write_text(json.dumps(data))
        report = import_paths([path])
        assert [str(r) for r in report.rejected] == [
            "service.json.attributes[0]: attribute 12121212-1212-4212-8212-121212121212 rejected: "
            "unknown taxonomy term 34343434-3434-4434-8434-343434343434"
        ]
        assert Service.objects.get(public_id=SERVICE_ID).needs.count() == 0

    def test_service_with_unknown_organisation_is_rejected(self, tmp_path):
        service = {
            "id": "44444444-4444-4444-8444-444444444444",
            "name": "Épicerie sociale",
            "status": "active",
            "organization_id": "55555555-5555-4555-8555-555555555555",
        }
        path = tmp_path / "service.json"
        path.write_text(json.dumps(service))
        report = import_paths([path])
        assert "unknown organization" in str(report.rejected[0])
        assert Service.objects.count() == 0

    def test_csv_with_a_missing_column(self, tmp_path):
        package = tmp_path / "package"
        shutil.copytree(EXAMPLES / "csv", package)
        services = package / "services.csv"
        lines = services.read_text().splitlines()
        header = lines[0].split(",")
        status = header.index("status")
        # Drop the `status` column: every service row is rejected, naming the column.
        import csv
        import io

        rows = list(csv.reader(io.StringIO(services.read_text())))
        out = io.StringIO()
        csv.writer(out).writerows([[cell for i, cell in enumerate(row) if i != status] for row in rows])
        services.write_text(out.getvalue())

        report = import_paths([package])

        assert any("missing column: status" in str(r) and r.source == "services.csv line 2" for r in report.rejected)
        assert Service.objects.count() == 0
        # What depends on the rejected service is reported too, and the rest is consistent.
        assert any(r.hsds_type == "service_at_location" and "unknown service" in str(r) for r in report.rejected)
        assert ServiceAtLocation.objects.count() == 0
        assert Organisation.objects.count() == 1

    def test_database_refusal_rolls_back_only_that_record(self, tmp_path):
        first = {
            "id": "66666666-6666-4666-8666-666666666666",
            "name": "Org A",
            "description": "",
            "organization_identifiers": [
                {
                    "id": "77777777-7777-4777-8777-777777777777",
                    "identifier_type": "SIRET",
                    "identifier": "13003013300016",
                }
            ],
        }
        second = {
            **first,
            "id": "88888888-8888-4888-8888-888888888888",
            "name": "Org B",
            "organization_identifiers": [
                {**first["organization_identifiers"][0], "id": "99999999-9999-4999-8999-999999999999"}
            ],
        }
        path = tmp_path / "orgs.json"
        path.write_text(json.dumps([first, second]))
        report = import_paths([path], hsds_type="organization")
        refused, orphan = report.rejected  # the organisation, then its identifier that has nowhere to go
        assert "refused by the database" in str(refused)
        assert orphan.hsds_type == "organization_identifier" and "unknown organization" in str(orphan)
        assert list(Organisation.objects.values_list("name", flat=True)) == ["Org A"]


SERVICE = {"id": SERVICE_ID, "name": "Accueil", "status": "active", "organization_id": ORGANISATION_ID}


@pytest.mark.parametrize(
    "record",
    [
        SERVICE,
        {**SERVICE, "id": "not-a-uuid"},
        {**SERVICE, "id": SERVICE_ID.replace("-", "")},
        {**SERVICE, "id": SERVICE_ID.upper()},
        {**SERVICE, "email": "nobody"},
        {**SERVICE, "email": "a@b"},
        {**SERVICE, "url": "not a uri"},
        {**SERVICE, "status": "closed"},
        {**SERVICE, "minimum_age": "18"},
        {**SERVICE, "minimum_age": float("nan")},
        {**SERVICE, "phones": [{"id": "x"}]},
        {**SERVICE, "phones": [{"id": ORGANISATION_ID, "number": "02 123"}]},
        {key: value for key, value in SERVICE.items() if key != "name"},
        {**SERVICE, "name": None},
        ["not", "an", "object"],
    ],
)
def test_the_fast_schema_check_accepts_only_what_jsonschema_accepts(record):
    """jsonschema_rs only lets valid records skip jsonschema: it must never accept one jsonschema refuses."""
    accepted = validation._accepted_fast("service", record, None)
    refused = bool(list(validation.validator_for("service").iter_errors(record)))
    assert not (accepted and refused)
    assert bool(validation.record_errors("service", record)) == refused


class TestTermMapping:
    def test_imported_terms_mapped_to_our_needs_are_added_to_services(self):
        import_paths(official_examples())
        imported = TaxonomyTerm.objects.get(public_id="3f7b145d-84af-42d7-8fae-eaca714b02b2")
        ours = TaxonomyTerm.objects.get(code="mental-health", taxonomy__is_builtin=True)
        TermMapping.objects.create(
            term=ours, scheme=MappingScheme.HSDS_IMPORT, external_code=imported.code, external_term=imported
        )

        report = import_paths([EXAMPLES / "service_full.json"])

        service = Service.objects.get(public_id=SERVICE_ID)
        assert set(service.needs.all()) == {imported, ours}
        assert report.counts["service"].unchanged == 1  # only the link to the mapped need was added
        assert import_paths([EXAMPLES / "service_full.json"]).changed == 0


class TestCommand:
    def test_import_command_reports_and_is_idempotent(self):
        out = io.StringIO()
        call_command("hsds_import", str(EXAMPLES / "csv"), "--no-progress", stdout=out)
        assert "service: 1 created" in out.getvalue()
        out = io.StringIO()
        call_command("hsds_import", str(EXAMPLES / "csv"), "--no-progress", "--strict", stdout=out)
        assert "0 created, 0 updated, 0 rejected" in out.getvalue()

    def test_strict_fails_on_rejections_and_bad_schema_dir_is_refused(self, tmp_path):
        broken = tmp_path / "broken.json"
        broken.write_text("{")
        with pytest.raises(CommandError, match="1 records rejected"):
            call_command("hsds_import", str(broken), "--no-progress", "--strict", stdout=io.StringIO())
        with pytest.raises(CommandError, match="not a directory of HSDS schemas"):
            call_command("hsds_import", str(broken), "--schema-dir", str(tmp_path), stdout=io.StringIO())


def test_statistics_are_refreshed_after_a_large_load(db):
    from maillage.directory.hsds.importer import analyze_tables

    analyze_tables()  # runs on either database without error


def test_statistics_and_dead_rows_are_cleaned_outside_a_transaction(transactional_db):
    from django.db import connection

    from maillage.directory.hsds.importer import analyze_tables

    assert not connection.in_atomic_block
    analyze_tables()  # VACUUM on PostgreSQL: it would fail inside a transaction block
