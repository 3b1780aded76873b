"""Demo-like directory data for the HSDS tests: organisations, locations, services with needs, areas, phones."""

import csv
from pathlib import Path

from maillage.accounts.tests.factories import OrganisationFactory
from maillage.directory.hsds.validation import load_schemas, validator_for
from maillage.directory.models import (
    Contact,
    Location,
    Phone,
    RequiredDocument,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from maillage.territories.models import Level, Territory


def make_directory() -> dict:
    country = Territory.objects.create(country="FR", level=Level.COUNTRY, code="FR", name="France")
    commune = Territory.objects.create(
        country="FR", level=Level.COMMUNE, code="08105", name="Charleville-Mézières", parent=country
    )
    taxonomy = Taxonomy.objects.create(name="Besoins", description="Domaines de vie")
    housing = TaxonomyTerm.objects.create(taxonomy=taxonomy, code="housing", name_fr="Logement", name_en="Housing")
    shelter = TaxonomyTerm.objects.create(
        taxonomy=taxonomy, code="housing.emergency-shelter", parent=housing, level=2, name_fr="Hébergement d'urgence"
    )
    addictions = TaxonomyTerm.objects.create(taxonomy=taxonomy, code="addictions", name_fr="Assuétudes")
    ccas = OrganisationFactory(name="CCAS de Charleville", email="ccas@example.org", phone="+33 3 24 00 00 00")
    csapa = OrganisationFactory(name="CSAPA Ardennes", description="Centre de soins en addictologie")
    hotel = Location.objects.create(
        organisation=ccas,
        name="Hôtel de ville",
        address_1="Place Ducale",
        postcode="08000",
        city="Charleville-Mézières",
        country="FR",
        commune=commune,
        latitude=49.7733,
        longitude=4.7206,
        opening_hours="Mo-Fr 08:30-12:00,13:30-17:00; Sa 09:00-12:00",
        accessibility="Accès de plain-pied, boucle magnétique",
    )
    centre = Location.objects.create(
        organisation=csapa,
        name="Centre",
        address_1="12 rue de Tivoli",
        city="Charleville-Mézières",
        postcode="08000",
        commune=commune,
    )
    shelter_service = Service.objects.create(
        organisation=ccas,
        name="Hébergement d'urgence",
        description="Mise à l'abri et orientation vers un logement",
        email="urgence@example.org",
        minimum_age=18,
        languages=["fr", "en"],
        opening_hours="Mo-Su 00:00-24:00",
        waiting_time_days=3,
    )
    shelter_service.needs.set([housing, shelter])
    consultation = Service.objects.create(
        organisation=csapa,
        name="Consultation addictologie",
        description="Accueil, soins et accompagnement des usagers de drogues",
        status="TEMPORARILY_CLOSED",
        opening_hours="week 1-53/2 Fr 09:00-12:00",
    )
    consultation.needs.set([addictions])
    ServiceAtLocation.objects.create(service=shelter_service, location=hotel, description="Accueil au rez-de-chaussée")
    ServiceAtLocation.objects.create(service=consultation, location=centre)
    ServiceArea.objects.create(service=shelter_service, territory=commune, name="Charleville-Mézières")
    Phone.objects.create(service=shelter_service, number="115", description="Samu social")
    Contact.objects.create(service=consultation, name="Accueil", email="accueil@example.org", phone="0324000000")
    Contact.objects.create(
        organisation=ccas,
        location=hotel,
        name="Accueil de l'hôtel de ville",
        title="Agent d'accueil",
        email="hdv@example.org",
    )
    RequiredDocument.objects.create(service=shelter_service, document="Pièce d'identité si possible")
    return {"commune": commune, "services": [shelter_service, consultation], "taxonomy": taxonomy}


def table_rows(directory: Path):
    """Each row of each CSV of a data package as (type, record, problems with the descriptor), by its schema."""
    from maillage.directory.hsds.tabular import table_types

    types = table_types()
    schemas = load_schemas()
    import json

    package = json.loads((directory / "datapackage.json").read_text())
    for resource in package["resources"]:
        hsds_type = types[resource["path"]]
        schema = schemas[f"{hsds_type}.json"]
        properties = schema["properties"]
        with (directory / resource["path"]).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == [field["name"] for field in resource["schema"]["fields"]]
            assert set(reader.fieldnames) <= set(properties)
            required = set(schema.get("required", []))
            for row in reader:
                record = {}
                for key, value in row.items():
                    if value == "":
                        # A CSV cannot tell "" from nothing: a required text column holds "".
                        if key in required and properties[key].get("type") == "string":
                            record[key] = ""
                        continue
                    if properties[key].get("type") == "number":
                        number = float(value)
                        value = int(number) if number.is_integer() else number
                    record[key] = value
                yield hsds_type, record


def schema_errors(hsds_type: str, record: dict) -> list[str]:
    return [error.message for error in validator_for(hsds_type).iter_errors(record)]
