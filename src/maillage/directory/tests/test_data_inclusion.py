"""data·inclusion import and export, validated with the official data-inclusion-schema models."""

import io
import json

import pytest
from data_inclusion.schema import v1
from django.core.management import call_command

from maillage.accounts.models import Organisation
from maillage.directory.hsds.data_inclusion import export, import_paths, our_id
from maillage.directory.models import Service, ServiceArea
from maillage.directory.tests.hsds_fixtures import make_directory
from maillage.territories.models import Level, Territory

pytestmark = pytest.mark.django_db

STRUCTURES = [
    {
        "source": "dora",
        "id": "dora--42",
        "nom": "Centre social Le Tournesol",
        "date_maj": "2025-02-14",
        "siret": "13003013300016",
        "commune": "Charleville-Mézières",
        "code_postal": "08000",
        "code_insee": "08105",
        "adresse": "3 rue du Moulin",
        "courriel": "accueil@tournesol.example.org",
    },
    {"source": "dora", "id": "dora--43", "nom": "X.", "date_maj": "2025-02-14"},  # name too short
]
SERVICES = [
    {
        "source": "dora",
        "structure_id": "dora--42",
        "id": "dora--s1",
        "nom": "Aide à la recherche de logement",
        "description": "Accompagnement des personnes mal logées dans leur recherche d'un logement.",
        "date_maj": "2025-03-01",
        "thematiques": ["logement-hebergement--louer-un-logement", "sante--addictions"],
        "publics": ["personnes-en-situation-durgence", "familles"],
        "frais": "gratuit",
        "type": "accompagnement",
        "modes_accueil": ["a-distance", "en-presentiel"],
        "modes_mobilisation": ["telephoner", "se-presenter"],
        "mobilisable_par": ["professionnels"],
        "zone_eligibilite": ["08105", "08", "200041630"],
        "adresse": "3 rue du Moulin",
        "code_postal": "08000",
        "code_insee": "08105",
        "commune": "Charleville-Mézières",
        "latitude": 49.77,
        "longitude": 4.72,
        "telephone": "+33324000000",
        "horaires_accueil": "Mo-Fr 09:00-12:00",
    },
    {
        "source": "dora",
        "structure_id": "dora--404",
        "id": "dora--s2",
        "nom": "Service orphelin",
        "description": "Sa structure n'existe pas.",
        "date_maj": "2025-03-01",
    },
    {
        "source": "dora",
        "structure_id": "dora--42",
        "id": "dora--s3",
        "nom": "Atelier",
        "description": "Thématique inconnue.",
        "date_maj": "2025-03-01",
        "thematiques": ["pas-une-thematique"],
    },
]


@pytest.fixture
def territories():
    france = Territory.objects.create(country="FR", level=Level.COUNTRY, code="FR", name="France")
    ardennes = Territory.objects.create(country="FR", level=Level.PROVINCE, code="08", name="Ardennes", parent=france)
    commune = Territory.objects.create(
        country="FR", level=Level.COMMUNE, code="08105", name="Charleville-Mézières", parent=ardennes
    )
    return {"commune": commune, "ardennes": ardennes}


@pytest.fixture
def files(tmp_path):
    (tmp_path / "structures.json").write_text(json.dumps(STRUCTURES))
    (tmp_path / "services.json").write_text(json.dumps(SERVICES))
    return [tmp_path / "structures.json", tmp_path / "services.json"]


class TestImport:
    def test_structures_and_services_with_their_mappings(self, territories, files):
        report = import_paths(files)

        reasons = {r.source: " ".join(r.reasons) for r in report.rejected}
        assert "nom" in reasons["structures.json[1]"]
        assert "unknown structure dora--404" in reasons["services.json[1]"]
        assert "thematiques" in reasons["services.json[2]"]
        organisation = Organisation.objects.get()
        assert organisation.identifier == "13003013300016"
        assert organisation.territory == territories["commune"]
        service = Service.objects.get(public_id=our_id("dora", "dora--s1"))
        assert service.organisation == organisation
        assert service.mobilisation_means == ["PHONE", "WALK_IN"]
        assert service.mobilisable_by == ["PROFESSIONALS"]
        assert service.professional_referral and not service.self_referral
        assert service.is_free is True
        assert service.kinds == ["SUPPORT"] and service.remote and service.on_site
        assert set(service.situations) == {"HOMELESS", "FAMILY"}
        assert service.opening_hours == "Mo-Fr 09:00-12:00"
        assert service.residence_required
        codes = set(service.needs.values_list("code", flat=True))
        assert any(code.startswith("housing") for code in codes), codes
        assert any(code.startswith("addiction") for code in codes), codes
        areas = ServiceArea.objects.filter(service=service)
        assert {a.territory for a in areas if a.territory} == {territories["commune"], territories["ardennes"]}
        assert [a.extent for a in areas if not a.territory] == ["200041630"]  # an EPCI: kept as its code
        location = service.at_locations.get().location
        assert location.commune == territories["commune"] and location.latitude == 49.77
        assert service.phones.get().number == "+33324000000"

    def test_twice_changes_nothing(self, territories, files):
        import_paths(files)
        before = sorted(Service.objects.values_list("public_id", "name", "updated_at"))
        again = import_paths(files)
        assert again.created == 0 and again.updated == 0, again.summary_lines()
        assert sorted(Service.objects.values_list("public_id", "name", "updated_at")) == before

    def test_broken_file(self, tmp_path):
        path = tmp_path / "services.json"
        path.write_text("[{")
        report = import_paths([path])
        assert "not valid JSON" in str(report.rejected[0])
        assert Service.objects.count() == 0

    def test_command(self, territories, files):
        out = io.StringIO()
        call_command("data_inclusion_import", *map(str, files), "--no-progress", stdout=out)
        assert "3 rejected" in out.getvalue()


class TestExport:
    def test_every_record_validates_with_the_official_models(self, tmp_path):
        made = make_directory()
        shelter = made["services"][0]
        shelter.mobilisation_means = ["PHONE", "LINK"]
        shelter.mobilisable_by = ["PERSON", "PROFESSIONALS"]
        shelter.situations = ["HOMELESS"]
        shelter.is_free = True
        shelter.kinds = ["WORKSHOP", "FINANCIAL_AID"]
        shelter.remote = True
        shelter.save()

        counts, rejected = export(tmp_path)

        assert rejected == []
        assert counts == {"structures": 2, "services": 2}
        structures = json.loads((tmp_path / "structures.json").read_text())
        services = json.loads((tmp_path / "services.json").read_text())
        for structure in structures:
            v1.Structure.model_validate(structure)
        for service in services:
            v1.Service.model_validate(service)
        exported = next(s for s in services if s["id"] == str(shelter.public_id))
        assert exported["modes_mobilisation"] == ["telephoner", "utiliser-lien-mobilisation"]
        assert exported["mobilisable_par"] == ["professionnels", "usagers"]
        assert exported["publics"] == ["personnes-en-situation-durgence"]
        assert exported["zone_eligibilite"] == ["08105"]
        assert exported["frais"] == "gratuit"
        assert exported["type"] == "aide-financiere"  # the schema has one: the first in our order
        assert exported["modes_accueil"] == ["a-distance", "en-presentiel"]

    def test_export_then_import_reads_everything_back(self, tmp_path):
        make_directory()
        export(tmp_path)
        report = import_paths([tmp_path / "structures.json", tmp_path / "services.json"])
        assert report.rejected == [], report.summary_lines()
        assert report.counts["service"].created == 2

    def test_command(self, tmp_path):
        make_directory()
        out = io.StringIO()
        call_command("data_inclusion_export", str(tmp_path), stdout=out)
        assert "2 structures, 2 services" in out.getvalue()
