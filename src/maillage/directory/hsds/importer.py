"""Import HSDS 3.0 data (JSON API shapes or the tabular data package) into the directory.

- Idempotent: an HSDS `id` is our `public_id`; a record equal to what is stored is skipped, a changed one is
  updated (only its changed fields), a new one is created. The same file twice changes nothing.
- Each rejected record is reported with its reasons: schema errors (read time), unknown references, values
  our models refuse. Records that depend on a rejected one are rejected in turn.
- New organisations wait for the network coordinator's validation (their services with them), unless the
  import publishes them (`organisation_status=VALIDATED`, `hsds_import --publish`).
- A package in an HSDS version before 3.0 is refused as a whole (`Bundle.refused` names the version).
- Never a half-written record: rows are written in bulk batches, each batch in a transaction; when a batch
  fails, its records are written one by one, each in its own savepoint, and the failing ones are reported.
"""

import gc
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, models, transaction
from django.utils import timezone
from tqdm import tqdm

from maillage.accounts.enums import OrganisationStatus, Sector
from maillage.accounts.models import Organisation
from maillage.directory.hsds import mapping
from maillage.directory.hsds.bundle import Bundle, Rejection, read_paths
from maillage.directory.models import (
    Contact,
    Location,
    OrganisationIdentifier,
    Phone,
    RequiredDocument,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    TermMapping,
)
from maillage.territories.models import Level, PostalCode, Territory

BATCH_SIZE = 1000
ANALYZE_AFTER = 5000  # rows created or updated
LOOKUP_CHUNK = 900


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


@dataclass
class ImportReport:
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: str = ""  # why nothing was imported (a whole package refused)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def changed(self) -> int:
        return self.created + self.updated

    def summary_lines(self) -> list[str]:
        lines = [
            f"{name}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged, {c.rejected} rejected"
            for name, c in self.counts.items()
        ]
        lines += [f"warning: {warning}" for warning in self.warnings]
        lines += [f"rejected: {rejection}" for rejection in self.rejected]
        return lines


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def analyze_tables() -> None:
    """Refresh the query planner's statistics after a large load: without them PostgreSQL plans searches over
    100,000 fresh services as if the tables were empty (nested loops that run for minutes).

    On PostgreSQL, outside a transaction, VACUUM too: the search-vector update after the insert leaves a dead
    version of every new service, which each search would read until autovacuum (which may be off, or late)."""
    tables = [
        model._meta.db_table
        for model in (Organisation, Location, Service, ServiceAtLocation, ServiceArea, TaxonomyTerm, Phone)
    ] + [Service.needs.through._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{command} " + ", ".join(connection.ops.quote_name(table) for table in tables))
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _pairs(model: type[models.Model], key: str, value: str, ids: list, lookup: str | None = None) -> dict:
    """{key: value} of the rows whose `lookup` (default: `key`) is in `ids`, queried in chunks."""
    found: dict = {}
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        found.update(model.objects.filter(**{f"{lookup or key}__in": chunk}).values_list(key, value))
    return found


def insert_rows(model: type[models.Model], instances: list[models.Model], *, batch_size: int) -> None:
    """Insert new rows as `bulk_create` would (same `pre_save` and database values), without its SQL compiler:
    COPY on PostgreSQL, one prepared INSERT run many times on SQLite. The compiler and psycopg's client-side
    parameter binding of 30,000-parameter statements were half the import's time. The primary keys are not read
    back: the importer finds them by public id. Raises the database's errors as Django's (e.g. IntegrityError)."""
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.db_returning) and not getattr(field, "generated", False)
    ]
    database = connections[DEFAULT_DB_ALIAS]  # the real connection: the `connection` proxy costs a lookup per value
    if database.vendor not in {"postgresql", "sqlite"} or not instances:
        model.objects.bulk_create(instances, batch_size=batch_size)
        return
    # A text column stores a str or None as it is (CharField/TextField.get_db_prep_save is then the identity).
    text = [field.get_internal_type() in {"CharField", "TextField"} for field in fields]
    rows = [
        [
            value if is_text and (value is None or type(value) is str) else field.get_db_prep_save(value, database)
            for field, is_text, value in zip(
                fields, text, (field.pre_save(instance, True) for field in fields), strict=True
            )
        ]
        for instance in instances
    ]
    for instance in instances:
        instance._state.adding = False
        instance._state.db = database.alias
    table = database.ops.quote_name(model._meta.db_table)
    columns = ", ".join(database.ops.quote_name(field.column) for field in fields)
    with database.cursor() as cursor, database.wrap_database_errors:
        if database.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608


def _same(stored: Any, wanted: Any) -> bool:
    if isinstance(stored, float) or isinstance(wanted, float):
        if stored is None or wanted is None:
            return stored is wanted
        return abs(float(stored) - float(wanted)) < 1e-9
    return stored == wanted


class HsdsImporter:
    """Write a `Bundle` into the directory. `run()` returns the report; nothing is printed unless `progress`."""

    def __init__(
        self,
        *,
        progress: bool = False,
        organisation_status: str = OrganisationStatus.PENDING,
        updated_by=None,
        batch_size: int = BATCH_SIZE,
        refresh_search_index: bool = True,
    ) -> None:
        self.progress = progress
        self.organisation_status = organisation_status
        self.updated_by = updated_by
        self.batch_size = batch_size
        self.refresh_search_index = refresh_search_index
        self.report = ImportReport()
        self.now = timezone.now()
        # public_id (str) -> pk, per type, filled as rows are written or found.
        self.pks: dict[str, dict[str, int]] = defaultdict(dict)
        self.changed_services: set[int] = set()

    # --- plumbing --------------------------------------------------------------------------------------------

    def _bar(self, iterable: Iterable, total: int, label: str) -> Iterable:
        if not self.progress:
            return iterable
        return tqdm(iterable, total=total, desc=f"import {label}", unit="rec", leave=False, mininterval=0.5)

    def reject(self, bundle: Bundle, hsds_type: str, record_id: str, reasons: list[str]) -> None:
        self.report.rejected.append(Rejection(hsds_type, record_id, bundle.source_of(hsds_type, record_id), reasons))
        self.report.counts[hsds_type].rejected += 1

    def known(self, model: type[models.Model], hsds_type: str, public_ids: Iterable[str]) -> dict[str, int]:
        """pk of each public id, from what this import wrote or from the database."""
        found = self.pks[hsds_type]
        missing = list({pid for pid in public_ids if pid and pid not in found and _uuid(pid)})
        for start in range(0, len(missing), LOOKUP_CHUNK):
            chunk = [_uuid(pid) for pid in missing[start : start + LOOKUP_CHUNK]]
            for pk, public_id in model.objects.filter(public_id__in=chunk).values_list("pk", "public_id"):
                found[str(public_id)] = pk
        return found

    def upsert(
        self,
        bundle: Bundle,
        model: type[models.Model],
        hsds_type: str,
        wanted: dict[str, dict[str, Any]],
        *,
        defaults: dict[str, Any] | None = None,
        record_defaults: dict[str, dict[str, Any]] | None = None,
    ) -> set[str]:
        """Create, update or skip each row (public id -> field values); returns the ids created or updated."""
        counts = self.report.counts[hsds_type]
        changed: set[str] = set()
        ids = list(wanted)
        fields = sorted({name for values in wanted.values() for name in values})
        has_tracking = any(f.name == "updated_at" for f in model._meta.fields)
        clean_exclude_base = [f.name for f in model._meta.fields if f.name not in fields]
        for start in self._bar(range(0, len(ids), self.batch_size), -(-len(ids) // self.batch_size), hsds_type):
            chunk = ids[start : start + self.batch_size]
            existing = {
                str(row["public_id"]): row
                for row in model.objects.filter(public_id__in=[uuid.UUID(pid) for pid in chunk]).values(
                    "pk", "public_id", *fields
                )
            }
            to_create: list[tuple[str, models.Model]] = []
            to_update: list[tuple[str, models.Model, list[str]]] = []
            for public_id in chunk:
                values = wanted[public_id]
                row = existing.get(public_id)
                if row is not None:
                    self.pks[hsds_type][public_id] = row["pk"]
                    diff = [name for name, value in values.items() if not _same(row[name], value)]
                    if not diff:
                        counts.unchanged += 1
                        continue
                    stored = {k: v for k, v in row.items() if k not in {"pk", "public_id"}}
                    instance = model(pk=row["pk"], public_id=uuid.UUID(public_id), **{**stored, **values})
                    update_fields = diff
                    if has_tracking:
                        instance.updated_at = self.now
                        instance.updated_by = self.updated_by
                        update_fields = [*diff, "updated_at", "updated_by"]
                    candidate = (public_id, instance, update_fields)
                else:
                    initial = {**(defaults or {}), **(record_defaults or {}).get(public_id, {}), **values}
                    instance = model(public_id=uuid.UUID(public_id), **initial)
                    if has_tracking:
                        instance.updated_by = self.updated_by
                    candidate = (public_id, instance, [])
                errors = self._field_errors(instance, clean_exclude_base)
                if errors:
                    self.reject(bundle, hsds_type, public_id, errors)
                    continue
                (to_update if row is not None else to_create).append(candidate)
            for public_id, instance in self._write(bundle, hsds_type, to_create, create=True):
                self.pks[hsds_type][public_id] = instance.pk
                counts.created += 1
                changed.add(public_id)
            for public_id, _instance in self._write(bundle, hsds_type, to_update, create=False):
                counts.updated += 1
                changed.add(public_id)
        return changed

    @staticmethod
    def _field_errors(instance: models.Model, exclude: list[str]) -> list[str]:
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            return [f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in error.message_dict.items()]
        return []

    def _write(self, bundle: Bundle, hsds_type: str, items: list, *, create: bool) -> list:
        if not items:
            return []
        model = type(items[0][1])
        try:
            with transaction.atomic():
                if create:
                    insert_rows(model, [item[1] for item in items], batch_size=self.batch_size)
                else:
                    by_fields: dict[tuple[str, ...], list[models.Model]] = defaultdict(list)
                    for _public_id, instance, update_fields in items:
                        by_fields[tuple(update_fields)].append(instance)
                    for update_fields, instances in by_fields.items():
                        model.objects.bulk_update(instances, list(update_fields), batch_size=self.batch_size)
            if create and any(item[1].pk is None for item in items):
                self.known(model, hsds_type, [item[0] for item in items])
                for public_id, instance, _update_fields in items:
                    instance.pk = self.pks[hsds_type].get(public_id)
            return [(item[0], item[1]) for item in items]
        except (IntegrityError, DatabaseError):
            pass
        written = []
        with transaction.atomic():
            for item in items:
                public_id, instance = item[0], item[1]
                try:
                    with transaction.atomic():
                        if create:
                            instance.save(force_insert=True)
                        else:
                            instance.save(update_fields=item[2])
                except (IntegrityError, DatabaseError) as error:
                    if create:
                        instance.pk = None
                    self.reject(bundle, hsds_type, public_id, [f"refused by the database: {error}"])
                    continue
                written.append((public_id, instance))
        return written

    # --- the import, type by type ---------------------------------------------------------------------------

    def run(self, bundle: Bundle) -> ImportReport:
        if bundle.refused:
            self.report.refused = bundle.refused
            return self.report
        self.report.rejected.extend(bundle.rejected)
        for rejection in bundle.rejected:
            self.report.counts[rejection.hsds_type].rejected += 1
        self.report.warnings.extend(bundle.warnings)
        self._postcodes = None
        self.import_taxonomies(bundle)
        self.import_terms(bundle)
        self.import_organisations(bundle)
        self.import_locations(bundle)
        self.import_services(bundle)
        self.import_service_at_locations(bundle)
        self.import_service_areas(bundle)
        self.import_phones_contacts_documents(bundle)
        self.import_needs(bundle)
        if self.refresh_search_index and self.changed_services:
            self._refresh_search_index()
        if self.report.changed >= ANALYZE_AFTER:
            analyze_tables()
        return self.report

    def import_taxonomies(self, bundle: Bundle) -> None:
        wanted = {tid: mapping.taxonomy_fields(record) for tid, record in bundle.records.get("taxonomy", {}).items()}
        self.upsert(bundle, Taxonomy, "taxonomy", wanted)

    def _taxonomy_for_term(self, bundle: Bundle, record: dict[str, Any]) -> tuple[int | None, str]:
        taxonomy_id = str(record.get("taxonomy_id") or "")
        if taxonomy_id:
            pk = self.known(Taxonomy, "taxonomy", [taxonomy_id]).get(taxonomy_id)
            if pk:
                return pk, ""
        name = mapping.text(record.get("taxonomy"))
        if not name:
            return None, f"unknown taxonomy {taxonomy_id}" if taxonomy_id else "no taxonomy"
        # A taxonomy named but not given (the tabular example): a placeholder with that id, or one per name.
        placeholder_id = taxonomy_id if _uuid(taxonomy_id) else mapping.derived_id("taxonomy", "name", name)
        pk = self.known(Taxonomy, "taxonomy", [placeholder_id]).get(placeholder_id)
        if pk is None:
            taxonomy = Taxonomy.objects.create(public_id=uuid.UUID(placeholder_id), name=name[:255])
            pk = self.pks["taxonomy"][placeholder_id] = taxonomy.pk
            self.report.counts["taxonomy"].created += 1
            self.report.warnings.append(f"taxonomy {placeholder_id} ({name}) was not in the file: created empty")
        return pk, ""

    def import_terms(self, bundle: Bundle) -> None:
        records = bundle.records.get("taxonomy_term", {})
        wanted, creation = {}, {}
        for term_id, record in records.items():
            taxonomy_pk, problem = self._taxonomy_for_term(bundle, record)
            if taxonomy_pk is None:
                self.reject(bundle, "taxonomy_term", term_id, [problem])
                continue
            fields, creation[term_id] = mapping.term_fields(record)
            wanted[term_id] = {**fields, "taxonomy_id": taxonomy_pk}
        self.upsert(bundle, TaxonomyTerm, "taxonomy_term", wanted, record_defaults=creation)
        # Parents once every term exists; a parent missing from the file and the database is dropped.
        parents = self.known(TaxonomyTerm, "taxonomy_term", [str(r.get("parent_id") or "") for r in records.values()])
        links = {}
        for term_id in wanted:
            parent_id = str(records[term_id].get("parent_id") or "")
            parent_pk = parents.get(parent_id)
            if parent_id and parent_pk is None:
                self.report.warnings.append(
                    f"taxonomy_term {term_id}: parent {parent_id} unknown, left without parent"
                )
            if term_id in self.pks["taxonomy_term"]:
                links[term_id] = parent_pk
        stored = dict(
            TaxonomyTerm.objects.filter(pk__in=[self.pks["taxonomy_term"][t] for t in links]).values_list(
                "pk", "parent_id"
            )
        )
        changed = []
        for term_id, parent_pk in links.items():
            pk = self.pks["taxonomy_term"][term_id]
            if stored.get(pk) != parent_pk and parent_pk != pk:
                changed.append(TaxonomyTerm(pk=pk, parent_id=parent_pk))
        if changed:
            levels = dict(
                TaxonomyTerm.objects.filter(pk__in=[t.parent_id for t in changed]).values_list("pk", "level")
            )
            for term in changed:
                term.level = levels.get(term.parent_id, 0) + 1
            TaxonomyTerm.objects.bulk_update(changed, ["parent", "level"], batch_size=self.batch_size)

    def import_organisations(self, bundle: Bundle) -> None:
        wanted = {}
        for org_id, record in bundle.records.get("organization", {}).items():
            phones = bundle.children_of("phone", "organization_id", org_id)
            identifiers = bundle.children_of("organization_identifier", "organization_id", org_id)
            wanted[org_id] = mapping.organisation_fields(record, phones, identifiers)
        defaults = {"sector": Sector.OTHER, "status": self.organisation_status}
        if self.organisation_status == OrganisationStatus.VALIDATED:
            defaults["validated_at"] = self.now
        changed = self.upsert(bundle, Organisation, "organization", wanted, defaults=defaults)
        # The organisation's name is in its services' search documents.
        changed_pks = [self.pks["organization"][oid] for oid in changed if oid in self.pks["organization"]]
        self.changed_services.update(_pairs(Service, "pk", "pk", changed_pks, "organisation_id"))

    def _commune_for(self, postcode: str, city: str, country: str) -> int | None:
        if self._postcodes is None:
            self._postcodes: dict[str, set[int]] = defaultdict(set)
            for code, commune_id in PostalCode.objects.values_list("code", "commune_id"):
                self._postcodes[code.replace(" ", "").upper()].add(commune_id)
            self._communes: dict[str, set[int]] = defaultdict(set)
            for name, pk in Territory.objects.filter(level=Level.COMMUNE).values_list("name", "pk"):
                self._communes[name.casefold()].add(pk)
        by_code = self._postcodes.get(postcode.replace(" ", "").upper(), set())
        if len(by_code) == 1:
            return next(iter(by_code))
        by_name = self._communes.get(city.casefold(), set())
        candidates = by_name & by_code if by_code else by_name
        return next(iter(candidates)) if len(candidates) == 1 else None

    def _organisation_pk(self, bundle: Bundle, organization_id: str) -> int | None:
        return self.known(Organisation, "organization", [organization_id]).get(organization_id)

    def import_locations(self, bundle: Bundle) -> None:
        records = bundle.records.get("location", {})
        services = bundle.records.get("service", {})
        wanted = {}
        org_ids = [str(r.get("organization_id") or "") for r in records.values()] + [
            str(s.get("organization_id") or "") for s in services.values()
        ]
        organisations = self.known(Organisation, "organization", org_ids)
        unresolved = [lid for lid, r in records.items() if str(r.get("organization_id") or "") not in organisations]
        existing_orgs = _pairs(Location, "public_id", "organisation_id", [u for u in map(_uuid, unresolved) if u])
        for location_id, record in records.items():
            org_pk = organisations.get(str(record.get("organization_id") or ""))
            if org_pk is None:
                # HSDS allows a location without its organisation: take the one of a service delivered there.
                for link in bundle.children_of("service_at_location", "location_id", location_id):
                    service = services.get(str(link.get("service_id") or ""), {})
                    org_pk = organisations.get(str(service.get("organization_id") or ""))
                    if org_pk:
                        break
                org_pk = org_pk or existing_orgs.get(_uuid(location_id))
                if org_pk is None and record.get("organization_id"):
                    self.reject(bundle, "location", location_id, [f"unknown organization {record['organization_id']}"])
                    continue
                if org_pk is None:
                    self.report.warnings.append(
                        f"location {location_id}: no organization, kept without one until an import names it"
                    )
                elif record.get("organization_id"):
                    self.report.warnings.append(
                        f"location {location_id}: organization {record['organization_id']} unknown, "
                        "attached to the organisation of its services"
                    )
            fields = mapping.location_fields(
                record,
                bundle.children_of("address", "location_id", location_id),
                bundle.children_of("schedule", "location_id", location_id),
                bundle.children_of("accessibility", "location_id", location_id),
                bundle.children_of("language", "location_id", location_id),
            )
            fields["organisation_id"] = org_pk
            fields["commune_id"] = self._commune_for(fields["postcode"], fields["city"], fields["country"])
            wanted[location_id] = fields
        changed = self.upsert(bundle, Location, "location", wanted)
        # The city and commune are in the search documents of the services delivered there.
        changed_pks = [self.pks["location"][lid] for lid in changed if lid in self.pks["location"]]
        self.changed_services.update(
            _pairs(ServiceAtLocation, "pk", "service_id", changed_pks, "location_id").values()
        )

    def import_services(self, bundle: Bundle) -> None:
        records = bundle.records.get("service", {})
        organisations = self.known(
            Organisation, "organization", [str(r.get("organization_id") or "") for r in records.values()]
        )
        unresolved = [sid for sid, r in records.items() if str(r.get("organization_id") or "") not in organisations]
        existing_orgs = _pairs(Service, "public_id", "organisation_id", [u for u in map(_uuid, unresolved) if u])
        wanted = {}
        for service_id, record in records.items():
            org_pk = organisations.get(str(record.get("organization_id") or "")) or existing_orgs.get(
                _uuid(service_id)
            )
            if org_pk is None:
                self.reject(
                    bundle,
                    "service",
                    service_id,
                    [f"unknown organization {record.get('organization_id') or '(none)'}"],
                )
                continue
            fields = mapping.service_fields(
                record,
                bundle.children_of("schedule", "service_id", service_id),
                bundle.children_of("language", "service_id", service_id),
                bundle.children_of("attribute", "link_id", service_id),
            )
            if (
                fields["minimum_age"] is not None
                and fields["maximum_age"] is not None
                and fields["minimum_age"] > fields["maximum_age"]
            ):
                self.reject(bundle, "service", service_id, ["minimum_age is greater than maximum_age"])
                continue
            fields["organisation_id"] = org_pk
            wanted[service_id] = fields
        # A new service waits for the coordinator, as a new organisation does, unless the import publishes.
        waiting = self.organisation_status != OrganisationStatus.VALIDATED
        changed = self.upsert(bundle, Service, "service", wanted, defaults={"awaiting_validation": waiting})
        self.changed_services |= {self.pks["service"][sid] for sid in changed if sid in self.pks["service"]}

    def _linked(
        self,
        bundle: Bundle,
        hsds_type: str,
        model: type[models.Model],
        build: Callable[[str, dict[str, Any]], dict[str, Any] | str | None],
    ) -> set[str]:
        """Rows of a linked type: `build` gives their fields, a reason to reject, or None to leave them out."""
        wanted = {}
        for record_id, record in bundle.records.get(hsds_type, {}).items():
            fields = build(record_id, record)
            if fields is None:
                continue
            if isinstance(fields, str):
                self.reject(bundle, hsds_type, record_id, [fields])
                continue
            wanted[record_id] = fields
        return self.upsert(bundle, model, hsds_type, wanted)

    def import_service_at_locations(self, bundle: Bundle) -> None:
        records = bundle.records.get("service_at_location", {})
        services = self.known(Service, "service", [str(r.get("service_id") or "") for r in records.values()])
        locations = self.known(Location, "location", [str(r.get("location_id") or "") for r in records.values()])

        def build(record_id: str, record: dict[str, Any]) -> dict[str, Any] | str:
            service_pk = services.get(str(record.get("service_id") or ""))
            location_pk = locations.get(str(record.get("location_id") or ""))
            if service_pk is None:
                return f"unknown service {record.get('service_id') or '(none)'}"
            if location_pk is None:
                return f"unknown location {record.get('location_id') or '(none)'}"
            return {
                "service_id": service_pk,
                "location_id": location_pk,
                "description": mapping.text(record.get("description")),
            }

        changed = self._linked(bundle, "service_at_location", ServiceAtLocation, build)
        self.changed_services.update(
            service_pk
            for sal_id in changed
            if (service_pk := services.get(str(records[sal_id].get("service_id") or ""))) is not None
        )

    def _territory_for_area(self, record: dict[str, Any]) -> int | None:
        candidates = [mapping.text(record.get("extent"))]
        if record.get("extent_type") != mapping.TERRITORY_EXTENT:
            candidates.append(mapping.text(record.get("name")))
        for candidate in candidates:
            if candidate and len(candidate) <= 20:
                matches = list(Territory.objects.filter(code=candidate).values_list("pk", flat=True)[:2])
                if len(matches) == 1:
                    return matches[0]
        return None

    def import_service_areas(self, bundle: Bundle) -> None:
        records = bundle.records.get("service_area", {})
        services = self.known(Service, "service", [str(r.get("service_id") or "") for r in records.values()])

        def build(record_id: str, record: dict[str, Any]) -> dict[str, Any] | str:
            service_pk = services.get(str(record.get("service_id") or ""))
            if service_pk is None:
                return f"unknown service {record.get('service_id') or '(none)'}"
            territory = self._territory_for_area(record)
            return {**mapping.service_area_fields(record), "service_id": service_pk, "territory_id": territory}

        self._linked(bundle, "service_area", ServiceArea, build)

    def import_phones_contacts_documents(self, bundle: Bundle) -> None:
        def refs(hsds_type: str, key: str) -> list[str]:
            return [str(r.get(key) or "") for r in bundle.records.get(hsds_type, {}).values()]

        services = self.known(Service, "service", refs("phone", "service_id") + refs("contact", "service_id"))
        locations = self.known(Location, "location", refs("phone", "location_id") + refs("contact", "location_id"))
        organisations = self.known(
            Organisation, "organization", refs("phone", "organization_id") + refs("contact", "organization_id")
        )

        def phone(record_id: str, record: dict[str, Any]) -> dict[str, Any] | str | None:
            links = {
                "service_id": services.get(str(record.get("service_id") or "")),
                "location_id": locations.get(str(record.get("location_id") or "")),
                "organisation_id": organisations.get(str(record.get("organization_id") or "")),
            }
            if not links["service_id"] and not links["location_id"]:
                if record.get("contact_id") or record.get("service_at_location_id"):
                    return None  # kept as the phone of the contact, or of the service
                if not links["organisation_id"]:
                    return "belongs to no known service, location or organization"
                if record_id == mapping.derived_id(str(record.get("organization_id")), "phone"):
                    return None  # the one number an organisation keeps itself, as we export it
            return {**mapping.phone_fields(record), **links}

        # Our contacts belong to a service or an organisation: a location's contact goes to the location's
        # organisation (and keeps its location), a service-at-location's contact to its service.
        contact_locations = dict(
            Location.objects.filter(
                public_id__in=[u for u in map(_uuid, refs("contact", "location_id")) if u]
            ).values_list("public_id", "organisation_id")
        )
        contact_links = dict(
            ServiceAtLocation.objects.filter(
                public_id__in=[u for u in map(_uuid, refs("contact", "service_at_location_id")) if u]
            ).values_list("public_id", "service_id")
        )

        def contact(record_id: str, record: dict[str, Any]) -> dict[str, Any] | str:
            links = {
                "service_id": services.get(str(record.get("service_id") or ""))
                or contact_links.get(_uuid(record.get("service_at_location_id"))),
                "organisation_id": organisations.get(str(record.get("organization_id") or ""))
                or contact_locations.get(_uuid(record.get("location_id"))),
                "location_id": locations.get(str(record.get("location_id") or "")),
            }
            if not any(links.values()):
                return "belongs to no known service, organization or location"
            return {**mapping.contact_fields(record, bundle.children_of("phone", "contact_id", record_id)), **links}

        documents = bundle.records.get("required_document", {})
        document_services = self.known(
            Service, "service", [str(r.get("service_id") or "") for r in documents.values()]
        )

        def document(record_id: str, record: dict[str, Any]) -> dict[str, Any] | str:
            service_pk = document_services.get(str(record.get("service_id") or ""))
            if service_pk is None:
                return f"unknown service {record.get('service_id') or '(none)'}"
            return {
                "service_id": service_pk,
                "document": mapping.text(record.get("document"), 255),
                "uri": mapping.text(record.get("uri")),
            }

        identifier_records = bundle.records.get("organization_identifier", {})
        identifier_orgs = self.known(
            Organisation, "organization", [str(r.get("organization_id") or "") for r in identifier_records.values()]
        )

        def identifier(record_id: str, record: dict[str, Any]) -> dict[str, Any] | str | None:
            organisation_pk = identifier_orgs.get(str(record.get("organization_id") or ""))
            if organisation_pk is None:
                return f"unknown organization {record.get('organization_id') or '(none)'}"
            if record_id == mapping.derived_id(str(record.get("organization_id")), "identifier"):
                return None  # the organisation's own identifier, as we export it
            if not record.get("identifier") or not record.get("identifier_type"):
                return "an identifier needs its type and its value"
            return {**mapping.identifier_fields(record), "organisation_id": organisation_pk}

        self._linked(bundle, "phone", Phone, phone)
        self._linked(bundle, "organization_identifier", OrganisationIdentifier, identifier)
        self._linked(bundle, "contact", Contact, contact)
        self._linked(bundle, "required_document", RequiredDocument, document)

    def import_needs(self, bundle: Bundle) -> None:
        """Service attributes that carry a taxonomy term become the service's needs, plus our mapped terms."""
        attributes = bundle.records.get("attribute", {})
        service_ids = set(bundle.records.get("service", {}))
        terms = self.known(
            TaxonomyTerm, "taxonomy_term", [str(a.get("taxonomy_term_id") or "") for a in attributes.values()]
        )
        wanted: dict[int, set[int]] = defaultdict(set)
        for attribute_id, attribute in attributes.items():
            link_id = str(attribute.get("link_id") or "")
            if link_id not in service_ids:
                continue  # attributes of other objects: nothing to keep them in
            term_pk = terms.get(str(attribute.get("taxonomy_term_id") or ""))
            if term_pk is None:
                self.reject(
                    bundle, "attribute", attribute_id, [f"unknown taxonomy term {attribute.get('taxonomy_term_id')}"]
                )
                continue
            service_pk = self.pks["service"].get(link_id)
            if service_pk is not None:
                wanted[service_pk].add(term_pk)
        for service_id in service_ids:
            service_pk = self.pks["service"].get(service_id)
            if service_pk is not None:
                wanted.setdefault(service_pk, set())
        mapped: dict[int, set[int]] = defaultdict(set)
        all_terms = {t for ts in wanted.values() for t in ts}
        for external_pk, term_pk in TermMapping.objects.filter(external_term_id__in=all_terms).values_list(
            "external_term_id", "term_id"
        ):
            mapped[external_pk].add(term_pk)
        for term_set in wanted.values():
            term_set |= {m for t in list(term_set) for m in mapped.get(t, ())}
        self._set_needs(wanted)

    def _set_needs(self, wanted: dict[int, set[int]]) -> None:
        through = Service.needs.through
        service_pks = list(wanted)
        stored: dict[int, set[int]] = defaultdict(set)
        for start in range(0, len(service_pks), LOOKUP_CHUNK):
            for service_pk, term_pk in through.objects.filter(
                service_id__in=service_pks[start : start + LOOKUP_CHUNK]
            ).values_list("service_id", "taxonomyterm_id"):
                stored[service_pk].add(term_pk)
        to_add, to_remove = [], []
        for service_pk, term_pks in wanted.items():
            current = stored.get(service_pk, set())
            to_add += [through(service_id=service_pk, taxonomyterm_id=t) for t in term_pks - current]
            to_remove += [(service_pk, t) for t in current - term_pks]
            if term_pks != current:
                self.changed_services.add(service_pk)
        with transaction.atomic():
            through.objects.bulk_create(to_add, batch_size=self.batch_size, ignore_conflicts=True)
            for service_pk, term_pk in to_remove:
                through.objects.filter(service_id=service_pk, taxonomyterm_id=term_pk).delete()

    def _refresh_search_index(self) -> None:
        from maillage.directory.search_index import index_services

        index_services(sorted(self.changed_services))


def import_paths(paths: Iterable[Path], **options: Any) -> ImportReport:
    """Read HSDS files (JSON, CSV, a data package directory) and import them."""
    hsds_type = options.pop("hsds_type", None)
    # Hundreds of thousands of small acyclic dicts and rows: the cyclic garbage collector would scan them again
    # and again (a third of the time on a large package); reference counting frees them anyway.
    collecting = gc.isenabled()
    gc.disable()
    try:
        bundle = read_paths(paths, hsds_type=hsds_type, progress=options.get("progress", False))
        return HsdsImporter(**options).run(bundle)
    finally:
        if collecting:
            gc.enable()
