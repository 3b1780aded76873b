"""Export the directory as HSDS 3.0: JSON (the API shapes) or the tabular data package.

Rows are read in primary-key batches and written as they come, so 100,000 services never sit in memory.
The same functions build the API's responses (`api.py`), so what the API serves and what the export writes
are one thing.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from maillage.accounts.models import Organisation
from maillage.directory.hsds import mapping
from maillage.directory.hsds.bundle import Bundle, flatten
from maillage.directory.hsds.tabular import PackageWriter
from maillage.directory.models import (
    Contact,
    Location,
    OrganisationIdentifier,
    Phone,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

BATCH_SIZE = 1000


def batched(queryset: QuerySet, batch_size: int = BATCH_SIZE) -> Iterator[list]:
    """The queryset in primary-key order, one batch at a time (keyset paging: no growing OFFSET)."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page[:batch_size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


# --- taxonomy ------------------------------------------------------------------------------------------------


def taxonomies() -> QuerySet[Taxonomy]:
    return Taxonomy.objects.order_by("name", "pk")


def taxonomy_terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related("taxonomy", "parent")


def term_to_hsds(term: TaxonomyTerm) -> dict[str, Any]:
    return mapping.term_to_hsds(
        term, taxonomy=term.taxonomy, parent_public_id=term.parent.public_id if term.parent_id else None
    )


# --- organisations -------------------------------------------------------------------------------------------


def organisations() -> QuerySet[Organisation]:
    """What the directory publishes: organisations with at least one service or location."""
    return Organisation.objects.filter(
        Q(pk__in=Service.objects.values("organisation_id")) | Q(pk__in=Location.objects.values("organisation_id"))
    )


def own_phones(**owner) -> QuerySet[Phone]:
    """Phones of organisations or locations as such (a service's phones go with the service)."""
    return Phone.objects.filter(service__isnull=True, **owner).order_by("pk")


def _phones_by(field: str, phones: Iterable[Phone]) -> dict[int, list[Phone]]:
    grouped: dict[int, list[Phone]] = defaultdict(list)
    for phone in phones:
        grouped[getattr(phone, field)].append(phone)
    return grouped


def organisation_full(organisation: Organisation, *, services: str = "none") -> dict[str, Any]:
    """An organization with its locations; `services` is "none", "ids" (the API default) or "full"."""
    data = mapping.organisation_to_hsds(
        organisation,
        phones=list(own_phones(organisation=organisation, location__isnull=True)),
        identifiers=list(OrganisationIdentifier.objects.filter(organisation=organisation).order_by("pk")),
    )
    locations = Location.objects.filter(organisation=organisation).order_by("pk")
    if locations:
        phones = _phones_by("location_id", own_phones(location__in=locations))
        data["locations"] = [
            mapping.location_to_hsds(
                location, organisation_public_id=organisation.public_id, phones=phones.get(location.pk, [])
            )
            for location in locations
        ]
    mapping._put(
        data,
        "contacts",
        _organisation_contacts(organisation, organisation_contacts().filter(organisation=organisation)),
    )
    if services != "none":
        queryset = services_queryset().filter(organisation=organisation)
        if services == "full":
            data["services"] = [service_full(service) for service in queryset]
        else:
            data["services"] = [
                mapping.service_to_hsds(service, organisation_public_id=organisation.public_id) for service in queryset
            ]
    return data


def organisation_contacts() -> QuerySet[Contact]:
    """The contacts of organisations as such (a service's contacts go with the service)."""
    return Contact.objects.filter(service__isnull=True).select_related("location").order_by("pk")


def _organisation_contacts(organisation: Organisation, contacts: Iterable[Contact]) -> list[dict[str, Any]]:
    oid = str(organisation.public_id)
    return [
        mapping.contact_to_hsds(contact, organization_id=oid, location_id=_public_id(contact.location))
        for contact in contacts
    ]


def _public_id(instance) -> str:
    return str(instance.public_id) if instance is not None else ""


# --- services ------------------------------------------------------------------------------------------------


def services_queryset() -> QuerySet[Service]:
    return Service.objects.select_related("organisation").prefetch_related(
        Prefetch("needs", queryset=TaxonomyTerm.objects.select_related("taxonomy", "parent")),
        Prefetch(
            "at_locations", queryset=ServiceAtLocation.objects.select_related("location__organisation").order_by("pk")
        ),
        "areas__territory",
        Prefetch("phones", queryset=Phone.objects.select_related("location").order_by("pk")),
        Prefetch("contacts", queryset=Contact.objects.select_related("location").order_by("pk")),
        "required_documents",
    )


def attributes_of(service: Service) -> list[dict[str, Any]]:
    sid = str(service.public_id)
    return [
        {
            "id": mapping.nested_id(service.hsds_ids, "attribute", sid, term.public_id),
            "link_id": sid,
            "link_type": "need",
            "link_entity": "service",
            "taxonomy_term_id": str(term.public_id),
            "value": term.code,
            "taxonomy_term": term_to_hsds(term),
        }
        for term in sorted(service.needs.all(), key=lambda t: t.pk)
    ]


def service_at_location_to_hsds(link: ServiceAtLocation, *, service_public_id, nested_location: bool) -> dict:
    data: dict[str, Any] = {
        "id": str(link.public_id),
        "service_id": str(service_public_id),
        "location_id": str(link.location.public_id),
    }
    mapping._put(data, "description", link.description)
    if nested_location:
        data["location"] = mapping.location_to_hsds(
            link.location, organisation_public_id=_public_id(link.location.organisation)
        )
    return data


def service_full(service: Service, *, nested: bool = True) -> dict[str, Any]:
    """A fully nested service. `nested=False` leaves the organization and locations as ids (for exports)."""
    sid = str(service.public_id)
    data = mapping.service_to_hsds(service, organisation_public_id=service.organisation.public_id)
    data.update(mapping.service_nested_fields(service))
    phones = [
        mapping.phone_to_hsds(phone, service_id=sid, location_id=_public_id(phone.location))
        for phone in service.phones.all()
    ]
    mapping._put(data, "phones", phones)
    areas = []
    for area in service.areas.all():
        item = {"id": str(area.public_id), "service_id": sid}
        mapping._put(item, "name", area.name or (area.territory.name if area.territory_id else ""))
        mapping._put(item, "description", area.description)
        if area.territory_id and not area.extent:
            item["extent"], item["extent_type"] = area.territory.code, mapping.TERRITORY_EXTENT
        else:
            mapping._put(item, "extent", area.extent)
            mapping._put(item, "extent_type", area.extent_type)
        mapping._put(item, "uri", area.uri)
        areas.append(item)
    mapping._put(data, "service_areas", areas)
    links = [
        service_at_location_to_hsds(link, service_public_id=sid, nested_location=nested)
        for link in service.at_locations.all()
    ]
    mapping._put(data, "service_at_locations", links)
    contacts = [
        mapping.contact_to_hsds(contact, service_id=sid, location_id=_public_id(contact.location))
        for contact in service.contacts.all()
    ]
    mapping._put(data, "contacts", contacts)
    documents = []
    for document in service.required_documents.all():
        item = {"id": str(document.public_id), "service_id": sid, "document": document.document}
        mapping._put(item, "uri", document.uri)
        documents.append(item)
    mapping._put(data, "required_documents", documents)
    mapping._put(data, "attributes", attributes_of(service))
    if nested:
        data["organization"] = mapping.organisation_to_hsds(service.organisation)
    return data


def iter_services(*, nested: bool = False, batch_size: int = BATCH_SIZE) -> Iterator[dict[str, Any]]:
    for batch in batched(services_queryset(), batch_size):
        for service in batch:
            yield service_full(service, nested=nested)


def iter_organisations(batch_size: int = BATCH_SIZE) -> Iterator[dict[str, Any]]:
    # Locations are read per batch of organisations, not per organisation.
    for batch in batched(organisations(), batch_size):
        by_org: dict[int, list[Location]] = defaultdict(list)
        for location in Location.objects.filter(organisation__in=batch).order_by("pk"):
            by_org[location.organisation_id].append(location)
        contacts_by_org: dict[int, list[Contact]] = defaultdict(list)
        for contact in organisation_contacts().filter(organisation__in=batch):
            contacts_by_org[contact.organisation_id].append(contact)
        organisation_phones = _phones_by("organisation_id", own_phones(organisation__in=batch, location__isnull=True))
        identifiers_by_org: dict[int, list[OrganisationIdentifier]] = defaultdict(list)
        for row in OrganisationIdentifier.objects.filter(organisation__in=batch).order_by("pk"):
            identifiers_by_org[row.organisation_id].append(row)
        location_phones = _phones_by(
            "location_id", own_phones(location__in=[loc for locs in by_org.values() for loc in locs])
        )
        for organisation in batch:
            data = mapping.organisation_to_hsds(
                organisation,
                phones=organisation_phones.get(organisation.pk),
                identifiers=identifiers_by_org.get(organisation.pk, ()),
            )
            mapping._put(
                data,
                "locations",
                [
                    mapping.location_to_hsds(
                        location,
                        organisation_public_id=organisation.public_id,
                        phones=location_phones.get(location.pk, []),
                    )
                    for location in by_org.get(organisation.pk, [])
                ],
            )
            mapping._put(
                data, "contacts", _organisation_contacts(organisation, contacts_by_org.get(organisation.pk, []))
            )
            yield data


def lone_locations() -> QuerySet[Location]:
    return Location.objects.filter(organisation__isnull=True).order_by("pk")


def iter_lone_locations() -> Iterator[dict[str, Any]]:
    for location in lone_locations().prefetch_related("contacts"):
        data = mapping.location_to_hsds(location, phones=list(own_phones(location=location)))
        lid = str(location.public_id)
        contacts = [
            mapping.contact_to_hsds(contact, location_id=lid)
            for contact in location.contacts.all()
            if not (contact.organisation_id or contact.service_id)  # the others go with their organisation or service
        ]
        mapping._put(data, "contacts", contacts)
        yield data


# --- files ---------------------------------------------------------------------------------------------------


def _write_json_list(path: Path, items: Iterable[dict[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        for item in items:
            handle.write(",\n" if count else "\n")
            handle.write(json.dumps(item, ensure_ascii=False))
            count += 1
        handle.write("\n]\n")
    return count


def export_json(directory: Path, *, progress=None) -> dict[str, int]:
    """Write taxonomies.json, taxonomy_terms.json, organizations.json and services.json (lists of objects), and
    locations.json for the locations of no organisation (the others are nested in theirs)."""
    directory.mkdir(parents=True, exist_ok=True)
    wrap = progress or (lambda iterable, label, total: iterable)
    counts = {
        "taxonomies": _write_json_list(
            directory / "taxonomies.json", (mapping.taxonomy_to_hsds(t) for t in taxonomies())
        ),
        "taxonomy_terms": _write_json_list(
            directory / "taxonomy_terms.json", (term_to_hsds(t) for t in taxonomy_terms().order_by("pk").iterator())
        ),
        "organizations": _write_json_list(
            directory / "organizations.json",
            wrap(iter_organisations(), "organizations", organisations().count()),
        ),
        "services": _write_json_list(
            directory / "services.json", wrap(iter_services(), "services", Service.objects.count())
        ),
    }
    if lone_locations().exists():
        counts["locations"] = _write_json_list(directory / "locations.json", iter_lone_locations())
    return counts


def _rows(hsds_type: str, item: dict[str, Any], skip: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """One exported object and what is nested in it, as table rows (type, flat row)."""
    bundle = Bundle()
    flatten(bundle, hsds_type, item, "")
    for row_type, records in bundle.records.items():
        if row_type in skip:
            continue
        yield from ((row_type, record) for record in records.values())


def export_tabular(directory: Path, *, progress=None) -> dict[str, int]:
    """Write the tabular data package: one CSV per type and datapackage.json."""
    wrap = progress or (lambda iterable, label, total: iterable)
    writer = PackageWriter(directory)
    try:
        for taxonomy in taxonomies():
            writer.write("taxonomy", mapping.taxonomy_to_hsds(taxonomy))
        for term in taxonomy_terms().order_by("pk").iterator():
            writer.write("taxonomy_term", {k: v for k, v in term_to_hsds(term).items() if k != "taxonomy_detail"})
        for organisation in wrap(iter_organisations(), "organizations", organisations().count()):
            for row_type, row in _rows("organization", organisation, skip=set()):
                writer.write(row_type, row)
        for location in iter_lone_locations():
            for row_type, row in _rows("location", location, skip=set()):
                writer.write(row_type, row)
        skip = {"taxonomy", "taxonomy_term", "organization", "location"}
        for service in wrap(iter_services(), "services", Service.objects.count()):
            for row_type, row in _rows("service", service, skip=skip):
                writer.write(row_type, row)
    finally:
        writer.close()
    return dict(writer.counts)
