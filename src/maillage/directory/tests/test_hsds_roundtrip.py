"""HSDS that loses nothing: a hand-made package of Belgian and Québec records goes through import → export →
import and comes back field by field, nested ids included; the folder `hsds_export` writes is importable; an
HSDS 1.x package is refused whole; imports wait for the coordinator's validation unless --publish."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.models import Organisation
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory
from maillage.directory.enums import ServiceStatus
from maillage.directory.hsds.bundle import read_paths
from maillage.directory.hsds.importer import import_paths
from maillage.directory.models import Location, Phone, Service, Taxonomy
from maillage.directory.search import ServiceQuery, search_services

pytestmark = pytest.mark.django_db

TAXONOMY = "0b6e3f0e-1111-4a4a-8a8a-000000000001"
TERM_PARENT = "0b6e3f0e-1111-4a4a-8a8a-000000000002"
TERM_CHILD = "0b6e3f0e-1111-4a4a-8a8a-000000000003"
BE_ORG, QC_ORG = "6d8a2b10-2222-4b4b-9b9b-000000000001", "6d8a2b10-2222-4b4b-9b9b-000000000002"
BE_LOC, QC_LOC = "7e9b3c20-3333-4c4c-8c8c-000000000001", "7e9b3c20-3333-4c4c-8c8c-000000000002"
BE_SERVICE, QC_SERVICE = "8fac4d30-4444-4d4d-9d9d-000000000001", "8fac4d30-4444-4d4d-9d9d-000000000002"


def nested(n: int) -> str:
    """Ids of nested records: none of them is one our export would derive."""
    return f"9abd5e40-5555-4e4e-8e8e-{n:012d}"


def package() -> dict[str, list[dict]]:
    taxonomy = {
        "id": TAXONOMY,
        "name": "Besoins du réseau",
        "description": "Taxonomie locale",
        "uri": "https://taxonomy.example.org/besoins",
        "version": "2",
    }
    terms = [
        {
            "id": TERM_PARENT,
            "code": "sante",
            "name": "Santé",
            "description": "Soins et prévention",
            "language": "fr",
            "taxonomy_id": TAXONOMY,
            "taxonomy": "Besoins du réseau",
        },
        {
            "id": TERM_CHILD,
            "code": "sante.assuetudes",
            "name": "Assuétudes",
            "description": "Alcool, drogues, jeux",
            "language": "fr",
            "parent_id": TERM_PARENT,
            "taxonomy_id": TAXONOMY,
            "taxonomy": "Besoins du réseau",
            "term_uri": "https://taxonomy.example.org/besoins/assuetudes",
        },
    ]
    belgian = {
        "id": BE_ORG,
        "name": "Centre de santé mentale Ardenne",
        "alternate_name": "CSM Ardenne",
        "description": "Consultations ambulatoires en Ardenne belge.",
        "email": "accueil@csm-ardenne.example.be",
        "website": "https://csm-ardenne.example.be",
        "phones": [{"id": nested(1), "number": "+32 61 00 00 00", "type": "voice", "description": "Accueil"}],
        "organization_identifiers": [
            {
                "id": nested(40),
                "identifier_scheme": "BE-BCE_KBO",
                "identifier_type": "BCE",
                "identifier": "0123456789",
            },
            {"id": nested(41), "identifier_type": "INAMI", "identifier": "7-12345-67-890"},
        ],
        "locations": [
            {
                "id": BE_LOC,
                "location_type": "physical",
                "name": "Antenne de Libramont",
                "description": "Au rez-de-chaussée",
                "transportation": "Gare de Libramont à 500 m",
                "url": "https://csm-ardenne.example.be/libramont",
                "latitude": 49.9203,
                "longitude": 5.3797,
                "addresses": [
                    {
                        "id": nested(2),
                        "address_1": "Grand-Rue 1",
                        "address_2": "Bâtiment B",
                        "city": "Libramont-Chevigny",
                        "region": "Wallonie",
                        "state_province": "Luxembourg",
                        "postal_code": "6800",
                        "country": "BE",
                        "address_type": "physical",
                    }
                ],
                "phones": [
                    {"id": nested(3), "number": "+32 61 11 11 11", "type": "voice", "extension": 12},
                    {"id": nested(4), "number": "+32 61 11 11 12", "type": "fax"},
                ],
                "languages": [{"id": nested(5), "code": "fr"}, {"id": nested(6), "code": "nl"}],
                "accessibility": [{"id": nested(7), "description": "Accès de plain-pied"}],
                "schedules": [
                    {
                        "id": nested(8),
                        "freq": "WEEKLY",
                        "byday": "MO,TU,WE,TH,FR",
                        "opens_at": "09:00:00",
                        "closes_at": "12:00:00",
                    },
                    {
                        "id": nested(9),
                        "freq": "WEEKLY",
                        "byday": "MO,TU,WE,TH,FR",
                        "opens_at": "13:00:00",
                        "closes_at": "17:00:00",
                    },
                ],
            }
        ],
    }
    quebec = {
        "id": QC_ORG,
        "name": "Centre communautaire du Plateau",
        "description": "Organisme communautaire montréalais.",
        "email": "info@plateau.example.ca",
        "organization_identifiers": [
            {"id": nested(42), "identifier_scheme": "CA-QC-REQ", "identifier_type": "NEQ", "identifier": "1140000000"}
        ],
        "locations": [
            {
                "id": QC_LOC,
                "location_type": "physical",
                "name": "Point de service Saint-Denis",
                "latitude": 45.5189,
                "longitude": -73.5686,
                "addresses": [
                    {
                        "id": nested(10),
                        "address_1": "4000, rue Saint-Denis",
                        "city": "Montréal",
                        "region": "Montréal",
                        "state_province": "QC",
                        "postal_code": "H2X 1Y4",
                        "country": "CA",
                        "address_type": "physical",
                    }
                ],
                "phones": [{"id": nested(11), "number": "+1 514 555 0100", "type": "voice"}],
                "languages": [{"id": nested(12), "code": "fr"}, {"id": nested(13), "code": "en"}],
            }
        ],
    }
    services = [
        {
            "id": BE_SERVICE,
            "organization_id": BE_ORG,
            "name": "Consultation assuétudes",
            "alternate_name": "Point assuétudes",
            "description": "Accompagnement des personnes confrontées aux assuétudes et de leurs proches.",
            "url": "https://csm-ardenne.example.be/assuetudes",
            "email": "assuetudes@csm-ardenne.example.be",
            "status": "active",
            "interpretation_services": "Interprètes en langue des signes sur demande",
            "application_process": "Sur rendez-vous par téléphone",
            "fees_description": "Gratuit",
            "accreditations": "Agréé AVIQ",
            "eligibility_description": "Adultes",
            "minimum_age": 18,
            "maximum_age": 99,
            "wait_time": "14 days",
            "languages": [{"id": nested(20), "code": "fr"}, {"id": nested(21), "code": "de"}],
            "schedules": [
                {
                    "id": nested(22),
                    "freq": "WEEKLY",
                    "byday": "TU,TH",
                    "opens_at": "14:00:00",
                    "closes_at": "18:00:00",
                }
            ],
            "phones": [{"id": nested(23), "number": "+32 61 22 22 22", "type": "voice"}],
            "contacts": [
                {
                    "id": nested(24),
                    "name": "Accueil assuétudes",
                    "title": "Assistante sociale",
                    "department": "Ambulatoire",
                    "email": "accueil-assuetudes@csm-ardenne.example.be",
                    "location_id": BE_LOC,
                    "phones": [{"id": nested(25), "number": "+32 61 33 33 33"}],
                }
            ],
            "service_areas": [
                {
                    "id": nested(26),
                    "name": "Province de Luxembourg",
                    "description": "Toute la province",
                    "extent": "Province de Luxembourg",
                    "extent_type": "text",
                }
            ],
            "service_at_locations": [
                {"id": nested(27), "location_id": BE_LOC, "description": "Le mardi et le jeudi après-midi"}
            ],
            "required_documents": [
                {"id": nested(28), "document": "Carte d'identité", "uri": "https://example.be/eid"}
            ],
            "attributes": [
                {
                    "id": nested(29),
                    "link_type": "need",
                    "link_entity": "service",
                    "taxonomy_term_id": TERM_CHILD,
                    "value": "sante.assuetudes",
                }
            ],
        },
        {
            "id": QC_SERVICE,
            "organization_id": QC_ORG,
            "name": "Aide alimentaire",
            "description": "Paniers d'épicerie hebdomadaires.",
            "status": "temporarily closed",
            "languages": [{"id": nested(30), "code": "fr"}, {"id": nested(31), "code": "en"}],
            "service_at_locations": [{"id": nested(32), "location_id": QC_LOC}],
            "contacts": [{"id": nested(33), "name": "Comptoir", "email": "comptoir@plateau.example.ca"}],
        },
    ]
    return {
        "taxonomies.json": [taxonomy],
        "taxonomy_terms.json": terms,
        "organizations.json": [belgian, quebec],
        "services.json": services,
    }


def write(directory: Path, files: dict[str, list[dict]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, items in files.items():
        (directory / name).write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return directory


def given_records(directory: Path) -> dict[str, dict[str, dict]]:
    bundle = read_paths([directory])
    assert bundle.rejected == [] and not bundle.refused, bundle.rejected or bundle.refused
    return {hsds_type: dict(records) for hsds_type, records in bundle.records.items()}


def forget_imported() -> None:
    Organisation.objects.filter(public_id__in=[BE_ORG, QC_ORG]).delete()
    Taxonomy.objects.filter(public_id=TAXONOMY).delete()
    assert not Location.objects.filter(public_id__in=[BE_LOC, QC_LOC]).exists()


def assert_same_fields(given: dict[str, dict[str, dict]], back: dict[str, dict[str, dict]]) -> None:
    """Every record given comes back with the same id and every field it was given, equal."""
    for hsds_type, records in given.items():
        for record_id, record in records.items():
            assert record_id in back.get(hsds_type, {}), f"{hsds_type} {record_id} lost"
            returned = back[hsds_type][record_id]
            for key, value in record.items():
                assert returned.get(key) == value, (hsds_type, record_id, key, value, returned.get(key))


def call(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, "--no-progress", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("shape", ["folder", "json", "tabular"])
def test_import_export_import_loses_nothing(tmp_path, shape):
    source = write(tmp_path / "source", package())
    given = given_records(source)
    assert {"address", "language", "phone", "schedule", "accessibility", "attribute", "contact"} <= set(given)
    assert len(given["organization_identifier"]) == 3

    call("hsds_import", str(source), "--publish", "--strict")
    call("hsds_export", str(tmp_path / "first"))
    assert_same_fields(given, given_records(tmp_path / "first" / "json"))
    assert_same_fields(given, given_records(tmp_path / "first" / "tabular"))

    forget_imported()
    second = {
        "folder": tmp_path / "first",
        "json": tmp_path / "first" / "json",
        "tabular": tmp_path / "first" / "tabular",
    }
    call("hsds_import", str(second[shape]), "--publish", "--strict")
    call("hsds_export", str(tmp_path / "again"), "--format", "json")
    assert_same_fields(given, given_records(tmp_path / "again" / "json"))

    quebec = Location.objects.get(public_id=QC_LOC)
    assert (quebec.state_province, quebec.region, quebec.postcode, quebec.country) == (
        "QC",
        "Montréal",
        "H2X 1Y4",
        "CA",
    )
    assert quebec.languages == ["fr", "en"]
    assert sorted(Phone.objects.filter(location__public_id=BE_LOC).values_list("number", flat=True)) == [
        "+32 61 11 11 11",
        "+32 61 11 11 12",
    ]
    # Imported once more, the export changes nothing.
    report = import_paths([tmp_path / "again" / "json"], organisation_status=OrganisationStatus.VALIDATED)
    assert (report.created, report.updated, report.rejected) == (0, 0, []), report.summary_lines()


def test_the_export_folder_is_read_once(tmp_path):
    write(tmp_path / "source", package())
    import_paths([tmp_path / "source"], organisation_status=OrganisationStatus.VALIDATED)
    call("hsds_export", str(tmp_path / "out"))
    bundle = read_paths([tmp_path / "out"])
    assert bundle.warnings == [
        f"{tmp_path / 'out' / 'tabular'}: skipped, the same data as {tmp_path / 'out' / 'json'}"
    ]
    assert bundle.count("service") == Service.objects.count()


class TestValidation:
    def test_imports_wait_for_the_coordinator(self, tmp_path):
        output = call("hsds_import", str(write(tmp_path / "source", package())))
        assert "2 created" in output
        statuses = set(Organisation.objects.filter(public_id__in=[BE_ORG, QC_ORG]).values_list("status", flat=True))
        assert statuses == {OrganisationStatus.PENDING}
        assert search_services(ServiceQuery(text="assuétudes")).total == 0

    def test_publish_publishes(self, tmp_path):
        call("hsds_import", str(write(tmp_path / "source", package())), "--publish")
        assert set(Organisation.objects.filter(public_id__in=[BE_ORG, QC_ORG]).values_list("status", flat=True)) == {
            OrganisationStatus.VALIDATED
        }
        assert [hit.service.name for hit in search_services(ServiceQuery(text="assuétudes")).hits] == [
            "Consultation assuétudes"
        ]

    def test_a_new_service_of_a_public_organisation_waits_too(self, client, tmp_path):
        OrganisationFactory(
            public_id=BE_ORG, name="Centre de santé mentale Ardenne", status=OrganisationStatus.VALIDATED
        )
        files = package()
        files["services.json"] = [s for s in files["services.json"] if s["id"] == BE_SERVICE]
        files["organizations.json"] = files["organizations.json"][:1]
        call("hsds_import", str(write(tmp_path / "source", files)))
        service = Service.objects.get(public_id=BE_SERVICE)
        assert service.awaiting_validation and search_services(ServiceQuery(text="assuétudes")).total == 0
        assert client.get(reverse("directory:service_detail", args=[BE_SERVICE])).status_code == 404
        assert client.get(f"/api/hsds/services/{BE_SERVICE}").status_code == 404

        client.force_login(MembershipFactory().user)
        assert client.post(reverse("directory:service_publish", args=[BE_SERVICE])).status_code == 403
        client.force_login(MembershipFactory(coordinator=True).user)
        page = client.get(reverse("directory:pending"), headers={"Accept-Language": "en"}).content.decode()
        assert "Imported services awaiting validation" in page and "Consultation assuétudes" in page
        client.post(reverse("directory:service_publish", args=[BE_SERVICE]))
        assert search_services(ServiceQuery(text="assuétudes")).total == 1
        assert client.get(f"/api/hsds/services/{BE_SERVICE}").status_code == 200
        refuse = reverse("directory:service_refuse", args=[BE_SERVICE])
        response = client.post(refuse, follow=True, headers={"Accept-Language": "en"})
        assert "This service is not awaiting validation." in response.content.decode()
        service.refresh_from_db()
        assert service.status == ServiceStatus.ACTIVE and not service.awaiting_validation

    def test_refused_service_is_made_inactive(self, client, tmp_path):
        OrganisationFactory(public_id=QC_ORG, name="Centre communautaire du Plateau")
        files = package()
        files["services.json"] = [s for s in files["services.json"] if s["id"] == QC_SERVICE]
        files["organizations.json"] = files["organizations.json"][1:]
        call("hsds_import", str(write(tmp_path / "source", files)))
        client.force_login(MembershipFactory(coordinator=True).user)
        client.post(reverse("directory:service_refuse", args=[QC_SERVICE]))
        service = Service.objects.get(public_id=QC_SERVICE)
        assert service.status == ServiceStatus.INACTIVE and not service.awaiting_validation

    def test_validating_the_organisation_publishes_its_imported_services(self, client, tmp_path):
        call("hsds_import", str(write(tmp_path / "source", package())))
        client.force_login(MembershipFactory(coordinator=True).user)
        client.post(reverse("directory:organisation_validate", args=[BE_ORG]))
        assert not Service.objects.get(public_id=BE_SERVICE).awaiting_validation
        assert search_services(ServiceQuery(text="assuétudes")).total == 1


OLD_DATAPACKAGE = {
    "name": "open-referral-sample",
    "version": "1.1",
    "resources": [
        {"name": "organization", "path": "organizations.csv"},
        {"name": "service", "path": "services.csv"},
        {"name": "physical_address", "path": "physical_addresses.csv"},
        {"name": "regular_schedule", "path": "regular_schedules.csv"},
    ],
}


class TestOlderVersions:
    def test_a_1x_tabular_package_is_refused_whole_naming_its_version(self, tmp_path):
        folder = tmp_path / "hsds1"
        folder.mkdir()
        (folder / "datapackage.json").write_text(json.dumps(OLD_DATAPACKAGE))
        (folder / "organizations.csv").write_text(
            "id,name,description\n6d8a2b10-2222-4b4b-9b9b-000000000009,Old org,An organisation\n"
        )
        (folder / "physical_addresses.csv").write_text("id,location_id,address_1,city\nx,y,1 rue,Arlon\n")
        with pytest.raises(CommandError, match=r"HSDS 1\.1 package, only HSDS 3\.0 is imported"):
            call("hsds_import", str(folder))
        assert not Organisation.objects.filter(name="Old org").exists()

    def test_without_a_descriptor_the_tables_tell(self, tmp_path):
        folder = tmp_path / "hsds1"
        folder.mkdir()
        (folder / "organizations.csv").write_text("id,name,description\nx,Old org,An organisation\n")
        (folder / "regular_schedules.csv").write_text("id,service_id,weekday,opens_at,closes_at\n")
        report = import_paths([folder])
        assert "HSDS 1.x package" in report.refused and report.created == 0

    def test_a_1x_json_document_is_refused(self, tmp_path):
        old = [{"id": "1", "name": "Old", "description": "x", "locations": [{"id": "2", "physical_address": {}}]}]
        path = tmp_path / "organizations.json"
        path.write_text(json.dumps(old))
        report = import_paths([path, *sorted(write(tmp_path / "new", package()).glob("*.json"))])
        assert report.refused == f"organizations.json: this is an HSDS 1.x package, {report.refused.split(', ', 1)[1]}"
        assert "Nothing was imported" in report.refused
        assert not Organisation.objects.filter(public_id__in=[BE_ORG, QC_ORG]).exists()


def test_a_member_edits_the_province_region_and_languages_without_losing_an_imported_one(client, tmp_path):
    import_paths([write(tmp_path / "source", package())], organisation_status=OrganisationStatus.VALIDATED)
    quebec = Location.objects.get(public_id=QC_LOC)
    quebec.languages = ["fr", "en", "cr"]  # Cree: not one of the form's usual languages
    quebec.save()
    member = MembershipFactory(organisation=quebec.organisation)
    client.force_login(member.user)
    url = reverse("directory:location_edit", args=[QC_LOC])
    page = client.get(url).content.decode()
    assert 'value="QC"' in page and 'value="cr"' in page
    data = {
        "name": quebec.name,
        "address_1": quebec.address_1,
        "postcode": quebec.postcode,
        "city": quebec.city,
        "state_province": "Québec",
        "region": "Montréal",
        "languages": ["fr", "cr"],
    }
    assert client.post(url, data).status_code == 302
    quebec.refresh_from_db()
    assert (quebec.state_province, quebec.region, quebec.languages) == ("Québec", "Montréal", ["fr", "cr"])
    assert quebec.hsds_ids["address"] == nested(10)  # the imported ids stay
