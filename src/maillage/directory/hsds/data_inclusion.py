"""data·inclusion (France's national schema of structures and services) import and export.

Records are validated with the official models of the `data-inclusion-schema` package
(`data_inclusion.schema.v1.Structure` and `Service`), never with a copy of them. Ids: a data·inclusion id is
a string unique within its `source`; ours is `uuid5(DATA_INCLUSION_NAMESPACE, "source:id")`, so the same
file imported twice lands on the same rows. The writes go through the HSDS importer's machinery (compare
and skip unchanged, bulk, savepoint fallback, per-record report).

Mappings: `thematiques` ↔ our needs through `TermMapping(scheme="data_inclusion")`; `zone_eligibilite`
INSEE codes ↔ our territories (commune, département, France) as service areas; `modes_mobilisation` ↔
`mobilisation_means`; `mobilisable_par` ↔ `mobilisable_by`; `publics` ↔ `situations`; `type` ↔ `kinds` (the
first of ours on export: the schema has one); `modes_accueil` ↔ `on_site` / `remote`.
"""

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import opening_hours
import pydantic
from data_inclusion.schema import v1
from django.utils import timezone

from maillage.accounts.enums import IdentifierScheme, OrganisationStatus, Sector
from maillage.accounts.models import Organisation
from maillage.directory.enums import MappingScheme, MobilisationMeans, Mobiliser, ServiceKind, Situation
from maillage.directory.hsds.bundle import Bundle
from maillage.directory.hsds.exporter import batched
from maillage.directory.hsds.importer import HsdsImporter, ImportReport
from maillage.directory.models import (
    Location,
    Phone,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
    TermMapping,
)
from maillage.territories.models import Level, Territory

DATA_INCLUSION_NAMESPACE = uuid.UUID("5d3c2a90-7b61-4f0e-8c4d-2e9a1b7f6c35")
EXPORT_SOURCE = "maillage"

MEANS_FROM_DI = {
    v1.ModeMobilisation.ENVOYER_UN_COURRIEL: MobilisationMeans.EMAIL,
    v1.ModeMobilisation.SE_PRESENTER: MobilisationMeans.WALK_IN,
    v1.ModeMobilisation.TELEPHONER: MobilisationMeans.PHONE,
    v1.ModeMobilisation.UTILISER_LIEN_MOBILISATION: MobilisationMeans.LINK,
}
MEANS_TO_DI = {
    **{value: key for key, value in MEANS_FROM_DI.items()},
    MobilisationMeans.FORM: v1.ModeMobilisation.UTILISER_LIEN_MOBILISATION,
}
MOBILISERS_FROM_DI = {
    v1.PersonneMobilisatrice.USAGERS: Mobiliser.PERSON,
    v1.PersonneMobilisatrice.PROFESSIONNELS: Mobiliser.PROFESSIONALS,
}
MOBILISERS_TO_DI = {value: key for key, value in MOBILISERS_FROM_DI.items()}
KINDS_FROM_DI = {
    v1.TypeService.ACCOMPAGNEMENT: ServiceKind.SUPPORT,
    v1.TypeService.AIDE_FINANCIERE: ServiceKind.FINANCIAL_AID,
    v1.TypeService.ATELIER: ServiceKind.WORKSHOP,
    v1.TypeService.FORMATION: ServiceKind.TRAINING,
    v1.TypeService.INFORMATION: ServiceKind.INFORMATION,
}
KINDS_TO_DI = {value: key for key, value in KINDS_FROM_DI.items()}
SITUATIONS_FROM_DI = {
    v1.Public.BENEFICIAIRES_DES_MINIMAS_SOCIAUX: [Situation.LOW_INCOME],
    v1.Public.DEMANDEURS_EMPLOI: [Situation.JOBSEEKER],
    v1.Public.ETUDIANTS: [Situation.STUDENT],
    v1.Public.FAMILLES: [Situation.FAMILY],
    v1.Public.PERSONNES_EN_SITUATION_DE_HANDICAP: [Situation.DISABILITY],
    v1.Public.PERSONNES_EN_SITUATION_D_URGENCE: [Situation.HOMELESS],
    v1.Public.PERSONNES_EN_SITUATION_JURIDIQUE_SPECIFIQUE: [Situation.RELEASED_FROM_PRISON],
    v1.Public.PERSONNES_EXILEES: [Situation.MIGRANT],
}
SITUATIONS_TO_DI = {
    Situation.HOMELESS: v1.Public.PERSONNES_EN_SITUATION_D_URGENCE,
    Situation.POORLY_HOUSED: v1.Public.PERSONNES_EN_SITUATION_D_URGENCE,
    Situation.VIOLENCE_VICTIM: v1.Public.PERSONNES_EN_SITUATION_D_URGENCE,
    Situation.LOW_INCOME: v1.Public.BENEFICIAIRES_DES_MINIMAS_SOCIAUX,
    Situation.JOBSEEKER: v1.Public.DEMANDEURS_EMPLOI,
    Situation.RELEASED_FROM_PRISON: v1.Public.PERSONNES_EN_SITUATION_JURIDIQUE_SPECIFIQUE,
    Situation.MIGRANT: v1.Public.PERSONNES_EXILEES,
    Situation.DISABILITY: v1.Public.PERSONNES_EN_SITUATION_DE_HANDICAP,
    Situation.SINGLE_PARENT: v1.Public.FAMILLES,
    Situation.FAMILY: v1.Public.FAMILLES,
    Situation.STUDENT: v1.Public.ETUDIANTS,
}
NATIONAL = {"france", "99100"}


def our_id(source: str, record_id: str, kind: str = "") -> str:
    return str(uuid.uuid5(DATA_INCLUSION_NAMESPACE, f"{kind}{source}:{record_id}"))


def _errors(error: pydantic.ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc']) or '__all__'}: {e['msg']}" for e in error.errors()]


def _values(items: Iterable | None) -> list[str]:
    return sorted(str(getattr(item, "value", item)) for item in (items or ()))


# --- reading ---------------------------------------------------------------------------------------------------


def _records(path: Path, bundle: Bundle) -> Iterator[tuple[str, Any, str]]:
    """(kind, record, source) from a JSON file: a list of structures or services, or {"structures", "services"}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        bundle.reject("file", {}, path.name, [f"not valid JSON: {error}"])
        return
    if isinstance(data, dict) and ("structures" in data or "services" in data):
        groups = [("structure", data.get("structures") or []), ("service", data.get("services") or [])]
    elif isinstance(data, list):
        kind = "service" if "service" in path.stem else "structure"
        if data and isinstance(data[0], dict):
            kind = "service" if "structure_id" in data[0] else "structure"
        groups = [(kind, data)]
    else:
        bundle.reject("file", {}, path.name, ["expected a list of records or {structures, services}"])
        return
    for kind, items in groups:
        if not isinstance(items, list):
            bundle.reject("file", {}, path.name, [f"{kind}s: expected a list"])
            continue
        for index, item in enumerate(items):
            yield kind, item, f"{path.name}[{index}]" if len(groups) == 1 else f"{path.name}.{kind}s[{index}]"


class DataInclusionImporter(HsdsImporter):
    """Validate with the official models, then write organisations, locations, services, areas and needs."""

    def import_paths(self, paths: Iterable[Path]) -> ImportReport:
        bundle = Bundle()
        structures: dict[str, v1.Structure] = {}
        services: dict[str, v1.Service] = {}
        for path in paths:
            for kind, record, source in _records(Path(path), bundle):
                model = v1.Structure if kind == "structure" else v1.Service
                try:
                    item = model.model_validate(record)
                except pydantic.ValidationError as error:
                    bundle.reject(kind, record, source, _errors(error))
                    continue
                key = our_id(item.source, item.id)
                bundle.sources[(kind, key)] = source
                (structures if kind == "structure" else services)[key] = item
        self.report.rejected.extend(bundle.rejected)
        for rejection in bundle.rejected:
            self.report.counts[rejection.hsds_type].rejected += 1
        self._communes = dict(Territory.objects.filter(country="FR", level=Level.COMMUNE).values_list("code", "pk"))
        self._import_structures(bundle, structures)
        self._import_services(bundle, services)
        if self.refresh_search_index and self.changed_services:
            self._refresh_search_index()
        return self.report

    def _import_structures(self, bundle: Bundle, structures: dict[str, v1.Structure]) -> None:
        wanted = {}
        for key, structure in structures.items():
            fields: dict[str, Any] = {
                "name": structure.nom,
                "description": structure.description or "",
                "street_address": " ".join(filter(None, [structure.adresse, structure.complement_adresse]))[:255],
                "postcode": structure.code_postal or "",
                "locality": structure.commune or "",
                "territory_id": self._communes.get(structure.code_insee or ""),
                "email": str(structure.courriel or ""),
                "phone": (structure.telephone or "")[:40],
                "website": str(structure.site_web or ""),
            }
            if structure.siret:
                fields["identifier_scheme"] = IdentifierScheme.SIRET
                fields["identifier"] = structure.siret
            wanted[key] = fields
        defaults = {"sector": Sector.OTHER, "status": self.organisation_status}
        if self.organisation_status == OrganisationStatus.VALIDATED:
            defaults["validated_at"] = timezone.now()
        changed = self.upsert(bundle, Organisation, "structure", wanted, defaults=defaults)
        self.pks["organization"].update(self.pks["structure"])
        changed_pks = [self.pks["structure"][key] for key in changed if key in self.pks["structure"]]
        self.changed_services.update(
            Service.objects.filter(organisation_id__in=changed_pks).values_list("pk", flat=True)
        )

    def _import_services(self, bundle: Bundle, services: dict[str, v1.Service]) -> None:
        organisations = self.known(
            Organisation, "organization", [our_id(s.source, s.structure_id) for s in services.values()]
        )
        thematiques = defaultdict(set)
        for code, term_pk in TermMapping.objects.filter(scheme=MappingScheme.DATA_INCLUSION).values_list(
            "external_code", "term_id"
        ):
            thematiques[code].add(term_pk)
        wanted, locations, phones = {}, {}, {}
        needs: dict[str, set[int]] = {}
        areas: dict[str, dict[str, Any]] = {}
        for key, service in services.items():
            org_pk = organisations.get(our_id(service.source, service.structure_id))
            if org_pk is None:
                self.reject(bundle, "service", key, [f"unknown structure {service.structure_id}"])
                continue
            mobilisable = _values(service.mobilisable_par)
            hours = service.horaires_accueil or ""
            modes = _values(service.modes_accueil)
            wanted[key] = {
                "organisation_id": org_pk,
                "name": service.nom,
                "description": service.description,
                "url": str(service.lien_source or ""),
                "email": str(service.courriel or ""),
                "fees_description": service.frais_precisions or "",
                "is_free": None if service.frais is None else service.frais == v1.Frais.GRATUIT,
                "eligibility_description": "\n".join(
                    filter(None, [service.conditions_acces, service.publics_precisions])
                ),
                "situations": sorted(
                    {str(s) for public in service.publics or () for s in SITUATIONS_FROM_DI.get(public, [])}
                ),
                "mobilisable_by": sorted(str(MOBILISERS_FROM_DI[m]) for m in mobilisable if m in MOBILISERS_FROM_DI),
                "mobilisation_means": sorted(
                    {str(MEANS_FROM_DI[m]) for m in _values(service.modes_mobilisation) if m in MEANS_FROM_DI}
                ),
                "mobilisation_link": str(service.lien_mobilisation or ""),
                "self_referral": v1.PersonneMobilisatrice.USAGERS.value in mobilisable or not mobilisable,
                "professional_referral": v1.PersonneMobilisatrice.PROFESSIONNELS.value in mobilisable,
                "opening_hours": hours if hours and opening_hours.validate(hours) else "",
                "kinds": [str(KINDS_FROM_DI[service.type])] if service.type in KINDS_FROM_DI else [],
                # Unsaid, a service is delivered where it is (the model's defaults).
                "on_site": v1.ModeAccueil.EN_PRESENTIEL.value in modes or not modes,
                "remote": v1.ModeAccueil.A_DISTANCE.value in modes,
                "residence_required": bool(service.zone_eligibilite)
                and not (set(service.zone_eligibilite) & NATIONAL),
            }
            needs[key] = {pk for t in _values(service.thematiques) for pk in thematiques.get(t, ())}
            if service.adresse or service.code_insee or service.latitude is not None:
                location_key = our_id(service.source, service.id, "location:")
                locations[location_key] = (
                    key,
                    {
                        "organisation_id": org_pk,
                        "name": service.nom[:255],
                        "address_1": (service.adresse or "")[:255],
                        "address_2": (service.complement_adresse or "")[:255],
                        "postcode": service.code_postal or "",
                        "city": service.commune or "",
                        "country": "FR",
                        "commune_id": self._communes.get(service.code_insee or ""),
                        "latitude": service.latitude
                        if service.latitude is not None and -90 <= service.latitude <= 90
                        else None,
                        "longitude": service.longitude
                        if service.longitude is not None and -180 <= service.longitude <= 180
                        else None,
                    },
                )
            if service.telephone:
                phones[our_id(service.source, service.id, "phone:")] = (key, {"number": service.telephone[:40]})
            for code in service.zone_eligibilite or ():
                areas[our_id(service.source, f"{service.id}/{code}", "area:")] = (key, code)
        changed = self.upsert(bundle, Service, "service", wanted)
        self.changed_services |= {self.pks["service"][k] for k in changed if k in self.pks["service"]}
        # Locations and the link to their service.
        location_rows = {k: v for k, (service_key, v) in locations.items() if service_key in self.pks["service"]}
        self.upsert(bundle, Location, "location", location_rows)
        links = {}
        for location_key, (service_key, _fields) in locations.items():
            if service_key in self.pks["service"] and location_key in self.pks["location"]:
                links[our_id("link", location_key)] = {
                    "service_id": self.pks["service"][service_key],
                    "location_id": self.pks["location"][location_key],
                }
        changed_links = self.upsert(bundle, ServiceAtLocation, "service_at_location", links)
        if changed_links:
            self.changed_services |= {row["service_id"] for key, row in links.items() if key in changed_links}
        phone_rows = {
            k: {**v, "service_id": self.pks["service"][s]} for k, (s, v) in phones.items() if s in self.pks["service"]
        }
        self.upsert(bundle, Phone, "phone", phone_rows)
        # zone_eligibilite: INSEE codes as service areas on our territories when we have them.
        territories = self._territories({code for _s, code in areas.values()})
        area_rows = {}
        for area_key, (service_key, code) in areas.items():
            if service_key not in self.pks["service"]:
                continue
            territory = territories.get(code)
            area_rows[area_key] = {
                "service_id": self.pks["service"][service_key],
                "territory_id": territory,
                "name": code if territory is None else "",
                "extent": "" if territory else code,
                "extent_type": "" if territory else "insee",
            }
            if territory is None:
                self.report.warnings.append(
                    f"service {service_key}: territory {code} not in our territories, kept as a code"
                )
        self.upsert(bundle, ServiceArea, "service_area", area_rows)
        self._set_needs({self.pks["service"][k]: v for k, v in needs.items() if k in self.pks["service"]})

    @staticmethod
    def _territories(codes: set[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for code, pk, level in Territory.objects.filter(country="FR", code__in=codes).values_list(
            "code", "pk", "level"
        ):
            if level in (Level.COMMUNE, Level.PROVINCE) or code not in found:
                found[code] = pk
        if codes & NATIONAL:
            country = Territory.objects.filter(country="FR", level=Level.COUNTRY).values_list("pk", flat=True).first()
            if country:
                for code in codes & NATIONAL:
                    found[code] = country
        return found


def import_paths(paths: Iterable[Path], **options: Any) -> ImportReport:
    return DataInclusionImporter(**options).import_paths(paths)


# --- export ------------------------------------------------------------------------------------------------------


def _fit(text: str, low: int, high: int) -> str | None:
    text = (text or "").strip()
    if len(text) < low:
        return None
    return text[:high]


def structure_of(organisation: Organisation) -> dict[str, Any]:
    territory = organisation.territory
    return {
        "source": EXPORT_SOURCE,
        "id": str(organisation.public_id),
        "nom": _fit(organisation.name, 3, 150),
        "date_maj": organisation.updated_at.date(),
        "description": _fit(organisation.description, 5, 10000),
        "siret": organisation.identifier if organisation.identifier_scheme == IdentifierScheme.SIRET else None,
        "commune": organisation.locality or None,
        "code_postal": organisation.postcode
        if len(organisation.postcode) == 5 and organisation.postcode.isdigit()
        else None,
        "code_insee": territory.code
        if territory and territory.country == "FR" and territory.level == Level.COMMUNE
        else None,
        "adresse": organisation.street_address or None,
        "telephone": organisation.phone or None,
        "courriel": organisation.email or None,
        "site_web": organisation.website or None,
    }


def _zone(service: Service) -> list[str] | None:
    codes = []
    for area in service.areas.all():
        territory = area.territory
        if territory and territory.country == "FR":
            if territory.level == Level.COUNTRY:
                codes.append("france")
            elif territory.level in (Level.COMMUNE, Level.PROVINCE):
                codes.append(territory.code)
        elif area.extent_type == "insee" and area.extent:
            codes.append(area.extent)
    return sorted(set(codes)) or None


def service_of(service: Service, thematiques: dict[int, set[str]]) -> dict[str, Any]:
    link = next(iter(service.at_locations.all()), None)
    location = link.location if link else None
    commune = location.commune if location and location.commune_id else None
    publics = sorted({SITUATIONS_TO_DI[s].value for s in service.situations or () if s in SITUATIONS_TO_DI})
    phone = next(iter(service.phones.all()), None)
    codes = sorted({code for term in service.needs.all() for code in thematiques.get(term.pk, ())})
    return {
        "source": EXPORT_SOURCE,
        "structure_id": str(service.organisation.public_id),
        "id": str(service.public_id),
        "nom": _fit(service.name, 3, 150),
        "description": _fit(service.description, 5, 10000)
        or _fit(f"{service.name} — {service.organisation.name}", 5, 10000),
        "date_maj": service.updated_at.date(),
        "lien_source": service.url or None,
        "thematiques": codes or None,
        "frais": None if service.is_free is None else ("gratuit" if service.is_free else "payant"),
        "frais_precisions": service.fees_description or None,
        "publics": publics or (["tous-publics"] if not service.situations else None),
        "conditions_acces": service.eligibility_description or None,
        "commune": (location.city or None) if location else None,
        "code_postal": location.postcode
        if location and len(location.postcode) == 5 and location.postcode.isdigit()
        else None,
        "code_insee": commune.code if commune and commune.country == "FR" else None,
        "adresse": (location.address_1 or None) if location else None,
        "complement_adresse": (location.address_2 or None) if location else None,
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
        "telephone": phone.number if phone else None,
        "courriel": service.email or None,
        "type": next((KINDS_TO_DI[kind].value for kind in ServiceKind if kind in (service.kinds or ())), None),
        "modes_accueil": [
            mode.value
            for mode, offered in (
                (v1.ModeAccueil.A_DISTANCE, service.remote),
                (v1.ModeAccueil.EN_PRESENTIEL, service.on_site and location is not None),
            )
            if offered
        ]
        or None,
        "zone_eligibilite": _zone(service),
        "lien_mobilisation": service.mobilisation_link or None,
        "modes_mobilisation": sorted(
            {MEANS_TO_DI[m].value for m in service.mobilisation_means or () if m in MEANS_TO_DI}
        )
        or None,
        "mobilisable_par": sorted(
            {MOBILISERS_TO_DI[m].value for m in service.mobilisable_by or () if m in MOBILISERS_TO_DI}
        )
        or None,
        "horaires_accueil": service.opening_hours or None,
    }


def _validated(model: type[pydantic.BaseModel], data: dict[str, Any], rejected: list[str]) -> dict[str, Any] | None:
    try:
        item = model.model_validate(data)
    except pydantic.ValidationError as error:
        rejected.append(f"{model.__name__.lower()} {data.get('id')}: {'; '.join(_errors(error))}")
        return None
    dumped = item.model_dump(mode="json", exclude_none=True)
    # The models keep code lists as sets: sorted, so that two exports of the same data are the same file.
    return {
        key: sorted(value) if isinstance(value, list) and key != "zone_eligibilite" else value
        for key, value in dumped.items()
    }


def export(directory: Path) -> tuple[dict[str, int], list[str]]:
    """Write structures.json and services.json; each record is validated with the official models first."""
    from maillage.directory.hsds.exporter import organisations, services_queryset

    directory.mkdir(parents=True, exist_ok=True)
    rejected: list[str] = []
    counts = {"structures": 0, "services": 0}
    thematiques: dict[int, set[str]] = defaultdict(set)
    for term_pk, code in TermMapping.objects.filter(scheme=MappingScheme.DATA_INCLUSION).values_list(
        "term_id", "external_code"
    ):
        thematiques[term_pk].add(code)
    # A need without its own mapping takes its parent's (a sub-term of a mapped life domain).
    for term_pk, parent_pk in TaxonomyTerm.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
        if term_pk not in thematiques and parent_pk in thematiques:
            thematiques[term_pk] = thematiques[parent_pk]
    today = timezone.localdate()
    with (directory / "structures.json").open("w", encoding="utf-8") as handle:
        handle.write("[")
        for batch in batched(organisations().filter(status=OrganisationStatus.VALIDATED).select_related("territory")):
            for organisation in batch:
                data = _validated(v1.Structure, {**structure_of(organisation)}, rejected)
                if data is None:
                    continue
                handle.write(",\n" if counts["structures"] else "\n")
                handle.write(json.dumps(data, ensure_ascii=False))
                counts["structures"] += 1
        handle.write("\n]\n")
    queryset = (
        services_queryset()
        .filter(organisation__status=OrganisationStatus.VALIDATED)
        .prefetch_related("at_locations__location__commune")
    )
    with (directory / "services.json").open("w", encoding="utf-8") as handle:
        handle.write("[")
        for batch in batched(queryset):
            for service in batch:
                data = service_of(service, thematiques)
                data["date_maj"] = min(data["date_maj"], today)
                validated = _validated(v1.Service, data, rejected)
                if validated is None:
                    continue
                handle.write(",\n" if counts["services"] else "\n")
                handle.write(json.dumps(validated, ensure_ascii=False))
                counts["services"] += 1
        handle.write("\n]\n")
    return counts, rejected
