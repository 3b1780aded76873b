"""Read HSDS 3.0 files into one flat `Bundle` of records, whatever their shape.

HSDS data comes nested (the API shapes: an organization with its services and locations, a fully nested
service, pages of services) or flat (the tabular data package: one CSV per object type, joined by ids).
Both become the same thing here: for each object type, its records by id, with every link written as an
id field (`service.organization_id`, `phone.location_id`, `attribute.link_id`...). Each record is validated
against the official schema of its type first; an invalid record is set aside with the reasons, never
half-read.
"""

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from maillage.directory.hsds.validation import record_errors

# For each type, its nested collections: key -> (child type, the child's field that points back, many?).
# A `None` link field means the parent points to the child instead (e.g. `service.organization_id`).
NESTED: dict[str, dict[str, tuple[str, str | None, bool]]] = {
    "organization": {
        "funding": ("funding", "organization_id", True),
        "contacts": ("contact", "organization_id", True),
        "phones": ("phone", "organization_id", True),
        "locations": ("location", "organization_id", True),
        "programs": ("program", "organization_id", True),
        "organization_identifiers": ("organization_identifier", "organization_id", True),
        "services": ("service", "organization_id", True),  # in the API's organization shape
    },
    "service": {
        "phones": ("phone", "service_id", True),
        "schedules": ("schedule", "service_id", True),
        "service_areas": ("service_area", "service_id", True),
        "service_at_locations": ("service_at_location", "service_id", True),
        "languages": ("language", "service_id", True),
        "funding": ("funding", "service_id", True),
        "cost_options": ("cost_option", "service_id", True),
        "required_documents": ("required_document", "service_id", True),
        "contacts": ("contact", "service_id", True),
        "organization": ("organization", None, False),
        "program": ("program", None, False),
    },
    "location": {
        "languages": ("language", "location_id", True),
        "addresses": ("address", "location_id", True),
        "contacts": ("contact", "location_id", True),
        "accessibility": ("accessibility", "location_id", True),
        "phones": ("phone", "location_id", True),
        "schedules": ("schedule", "location_id", True),
    },
    "service_at_location": {
        "contacts": ("contact", "service_at_location_id", True),
        "phones": ("phone", "service_at_location_id", True),
        "schedules": ("schedule", "service_at_location_id", True),
        "location": ("location", None, False),
        "service": ("service", None, False),  # in the API's service_at_location shape
    },
    "contact": {"phones": ("phone", "contact_id", True)},
    "phone": {"languages": ("language", "phone_id", True)},
    "attribute": {"taxonomy_term": ("taxonomy_term", None, False)},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", None, False)},
}
# Where a parent points to a nested single child: parent field.
POINTER_FIELDS = {
    ("service", "organization"): "organization_id",
    ("service", "program"): "program_id",
    ("service_at_location", "location"): "location_id",
    ("service_at_location", "service"): "service_id",
    ("attribute", "taxonomy_term"): "taxonomy_term_id",
    ("taxonomy_term", "taxonomy_detail"): "taxonomy_id",
}
# Nested keys that are not in the official schema of their parent: validated on their own.
EXTRA_NESTED = {("organization", "services"), ("service_at_location", "service")}
# Fields that link a child to its parents, used to find a record's phones, schedules, addresses...
LINK_FIELDS = (
    "organization_id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "contact_id",
    "phone_id",
    "link_id",
)
# Types whose records become rows of their own in the directory, in the order they are imported.
ROOT_TYPES = ("taxonomy", "taxonomy_term", "organization", "location", "service", "service_at_location")
PAGE_KEYS = {"total_items", "total_pages", "page_number", "contents"}


@dataclass
class Rejection:
    hsds_type: str
    record_id: str
    source: str
    reasons: list[str]

    def __str__(self) -> str:
        label = f"{self.hsds_type} {self.record_id}" if self.record_id else self.hsds_type
        return f"{self.source}: {label} rejected: {'; '.join(self.reasons)}"


@dataclass
class Bundle:
    """Records by type and id, the links between them, and what was set aside on reading."""

    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    sources: dict[tuple[str, str], str] = field(default_factory=dict)
    children: dict[str, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: str = ""  # the whole package is refused (an older HSDS version): why

    def add(self, hsds_type: str, record: dict[str, Any], source: str) -> None:
        record_id = str(record["id"])
        existing = self.records[hsds_type].get(record_id)
        if existing is None:
            self.records[hsds_type][record_id] = record
            self.sources[(hsds_type, record_id)] = source
        else:
            # The same object met twice (e.g. a phone under a service and under its contact): one record,
            # with every link it was given.
            for key, value in record.items():
                if existing.get(key) in (None, "") and value not in (None, ""):
                    existing[key] = value
        target = self.records[hsds_type][record_id]
        for link in LINK_FIELDS:
            parent_id = target.get(link)
            if parent_id and record_id not in self.children[hsds_type].get(f"{link}:{parent_id}", ()):
                self.children[hsds_type][f"{link}:{parent_id}"].append(record_id)

    def reject(self, hsds_type: str, record: object, source: str, reasons: list[str]) -> None:
        record_id = str(record.get("id") or "") if isinstance(record, dict) else ""
        self.rejected.append(Rejection(hsds_type, record_id, source, reasons))

    def source_of(self, hsds_type: str, record_id: str) -> str:
        return self.sources.get((hsds_type, record_id), "")

    def children_of(self, child_type: str, link: str, parent_id: str) -> list[dict[str, Any]]:
        ids = self.children.get(child_type, {}).get(f"{link}:{parent_id}", ())
        return [self.records[child_type][child_id] for child_id in ids]

    def count(self, hsds_type: str) -> int:
        return len(self.records.get(hsds_type, {}))


def guess_type(record: dict[str, Any]) -> str | None:
    """The HSDS type of an object met alone (a file or a page of unknown kind)."""
    keys = set(record)
    if "status" in keys or "service_at_locations" in keys or "service_areas" in keys:
        return "service"
    if "location_type" in keys or "addresses" in keys:
        return "location"
    if keys & {"taxonomy_detail", "taxonomy_id", "parent_id", "term_uri", "code"}:
        return "taxonomy_term"
    if keys & {"services", "locations", "organization_identifiers", "programs", "tax_status", "website"}:
        return "organization"
    if keys & {"location_id", "service_id", "location", "service"} and "name" not in keys:
        return "service_at_location"
    if keys >= {"name", "description"} and keys & {"version", "uri"}:
        return "taxonomy"
    if keys >= {"name", "description"}:
        return "organization"
    return None


def _strip(record: dict[str, Any], hsds_type: str) -> dict[str, Any]:
    nested = NESTED.get(hsds_type, {})
    return {
        key: value
        for key, value in record.items()
        if key not in nested and key not in {"attributes", "metadata"} and not isinstance(value, list | dict)
    }


def flatten(bundle: Bundle, hsds_type: str, record: dict[str, Any], source: str) -> None:
    """Add an already validated object and everything nested in it to the bundle."""
    flat = _strip(record, hsds_type)
    for key, (child_type, back_link, many) in NESTED.get(hsds_type, {}).items():
        value = record.get(key)
        if value in (None, [], {}):
            continue
        items = value if many and isinstance(value, list) else [value]
        for index, child in enumerate(items):
            if not isinstance(child, dict) or not child.get("id"):
                continue
            where = f"{source}.{key}[{index}]" if many else f"{source}.{key}"
            if (hsds_type, key) in EXTRA_NESTED:
                errors = record_errors(child_type, child)
                if errors:
                    bundle.reject(child_type, child, where, errors)
                    continue
            child = dict(child)
            if back_link:
                child.setdefault(back_link, record["id"])
            else:
                flat.setdefault(POINTER_FIELDS[(hsds_type, key)], child["id"])
            flatten(bundle, child_type, child, where)
    for index, attribute in enumerate(record.get("attributes") or []):
        if isinstance(attribute, dict) and attribute.get("id"):
            attribute = dict(attribute)
            attribute.setdefault("link_id", record["id"])
            attribute.setdefault("link_entity", hsds_type)
            flatten(bundle, "attribute", attribute, f"{source}.attributes[{index}]")
    bundle.add(hsds_type, flat, source)


def add_object(bundle: Bundle, hsds_type: str | None, record: object, source: str) -> None:
    """Validate one top-level object against its schema and add it, or set it aside with the reasons."""
    if not isinstance(record, dict):
        bundle.reject(hsds_type or "record", record, source, [f"expected an object, found {type(record).__name__}"])
        return
    hsds_type = hsds_type or guess_type(record)
    if hsds_type is None:
        bundle.reject("record", record, source, ["cannot tell which HSDS object this is"])
        return
    errors = record_errors(hsds_type, record)
    if errors:
        bundle.reject(hsds_type, record, source, errors)
        return
    flatten(bundle, hsds_type, record, source)


def _objects(data: Any, source: str) -> Iterator[tuple[object, str]]:
    if isinstance(data, list):
        for index, item in enumerate(data):
            yield item, f"{source}[{index}]"
    elif isinstance(data, dict) and PAGE_KEYS & set(data) and isinstance(data.get("contents"), list):
        for index, item in enumerate(data["contents"]):
            yield item, f"{source}.contents[{index}]"
    else:
        yield data, source


def read_json_data(
    bundle: Bundle, data: Any, source: str, hsds_type: str | None = None, *, progress: bool = False
) -> None:
    """Add an HSDS JSON document: one object, a list of objects, a page, or the tabular shape in JSON."""
    if isinstance(data, dict) and data and all(str(key).endswith(".csv") for key in data):
        from maillage.directory.hsds.tabular import read_tables  # the tabular data package, as JSON

        read_tables(bundle, dict(data.items()), source)
        return
    if isinstance(data, dict) and data.get("version") and "openapi_url" in data:
        bundle.warnings.append(f"{source}: API description, nothing to import")
        return
    total = len(data) if isinstance(data, list) else len(data.get("contents") or []) if isinstance(data, dict) else 1
    items = tqdm(_objects(data, source), total=total, desc=f"read {source}", disable=not progress, leave=False)
    for item, where in items:
        add_object(bundle, hsds_type, item, where)


# File names that tell the type of the objects inside (ours, the examples', and the API's paths).
FILE_TYPES = {
    "taxonomies": "taxonomy",
    "taxonomy_list": "taxonomy",
    "taxonomy": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "taxonomy_term_list": "taxonomy_term",
    "taxonomy_term": "taxonomy_term",
    "organizations": "organization",
    "organization_list": "organization",
    "organization_full": "organization",
    "organization": "organization",
    "services": "service",
    "service_list": "service",
    "service_full": "service",
    "service": "service",
    "locations": "location",
    "location": "location",
    "service_at_locations": "service_at_location",
    "service_at_location_list": "service_at_location",
    "service_at_location_full": "service_at_location",
    "service_at_location": "service_at_location",
}


def read_json_file(bundle: Bundle, path: Path, hsds_type: str | None = None, *, progress: bool = False) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        bundle.reject("file", {}, path.name, [f"not valid JSON: {error}"])
        return
    older = older_version_in_json(data)
    if older:
        bundle.refused = refusal(path.name, older)
        return
    read_json_data(bundle, data, path.name, hsds_type or FILE_TYPES.get(path.stem.lower()), progress=progress)


# --- older versions ----------------------------------------------------------------------------------------------

# Tables and fields of HSDS 1.x (and of the 2.0 API built on it) that 3.0 renamed or merged: physical and postal
# addresses became `address`, regular and holiday schedules `schedule`, service_taxonomy became `attribute`...
OLDER_TABLES = {
    "physical_address",
    "physical_addresses",
    "postal_address",
    "postal_addresses",
    "regular_schedule",
    "regular_schedules",
    "holiday_schedule",
    "holiday_schedules",
    "service_taxonomy",
    "services_taxonomy",
    "accessibility_for_disabilities",
    "payment_accepted",
    "payments_accepted",
    "eligibility",
}
OLDER_ARE_REFUSED = "only HSDS 3.0 is imported; convert it to 3.0 first. Nothing was imported."


def refusal(source: str, version: str) -> str:
    return f"{source}: this is an HSDS {version} package, {OLDER_ARE_REFUSED}"


def _declared_version(value: object) -> str:
    """A version an HSDS document declares ("1.1", "v1.2"...), if it is before 3.0."""
    match = re.match(r"^v?\s*([12])(\.\d+)*\b", str(value or "").strip(), re.I)
    return match.group(0).lstrip("vV ").strip() if match else ""


def older_version_in_package(directory: Path) -> str:
    """The HSDS version before 3.0 a data package directory is in, or "". Told by its tables (a package's own
    `version` is the data's, not the standard's): "1.x", or the version it declares when it has older tables."""
    descriptor = directory / "datapackage.json"
    names = {path.stem.lower() for path in directory.glob("*.csv")}
    declared = ""
    if descriptor.is_file():
        try:
            package = json.loads(descriptor.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            package = {}
        if isinstance(package, dict):
            declared = _declared_version(package.get("hsds_version")) or _declared_version(package.get("version"))
            for resource in package.get("resources") or []:
                if isinstance(resource, dict):
                    for key in ("name", "path"):
                        names.add(Path(str(resource.get(key) or "")).stem.lower())
    return (declared or "1.x") if names & OLDER_TABLES else ""


def older_version_in_json(data: Any) -> str:
    """The same for a JSON document, by the 1.x names in its first objects (or what they nest)."""
    return "1.x" if any(_has_older_keys(item) for item, _where in list(_objects(data, ""))[:20]) else ""


def _has_older_keys(value: Any, depth: int = 3) -> bool:
    if depth == 0:
        return False
    if isinstance(value, list):
        return any(_has_older_keys(item, depth) for item in value[:20])
    if not isinstance(value, dict):
        return False
    return bool(set(value) & OLDER_TABLES) or any(
        _has_older_keys(child, depth - 1) for child in value.values() if isinstance(child, list | dict)
    )


def _export_directory(path: Path) -> Path | None:
    """What `hsds_export` writes: json/ (read first: it is complete) and tabular/ (the same data)."""
    for name in ("json", "tabular"):
        if (path / name).is_dir():
            return path / name
    return None


def _read_directory(bundle: Bundle, path: Path, *, progress: bool) -> None:
    from maillage.directory.hsds.tabular import read_package

    exported = _export_directory(path)
    if exported is not None:
        if exported.name == "json" and (path / "tabular").is_dir():
            bundle.warnings.append(f"{path / 'tabular'}: skipped, the same data as {exported}")
        _read_directory(bundle, exported, progress=progress)
        return
    older = older_version_in_package(path)
    if older:
        bundle.refused = refusal(str(path), older)
        return
    json_files = sorted(path.glob("*.json"), key=_json_order)
    if not (path / "datapackage.json").is_file() and not any(path.glob("*.csv")) and json_files:
        for json_file in json_files:
            read_json_file(bundle, json_file, progress=progress)
            if bundle.refused:
                return
        return
    read_package(bundle, path, progress=progress)


def _json_order(path: Path) -> tuple[int, str]:
    """Taxonomies, terms, organisations, locations, then services: each file's links point to earlier ones."""
    order = ["taxonomy", "taxonomy_term", "organization", "location", "service", "service_at_location"]
    hsds_type = FILE_TYPES.get(path.stem.lower())
    return (order.index(hsds_type) if hsds_type in order else len(order), path.name)


def read_paths(paths: Iterable[Path], hsds_type: str | None = None, *, progress: bool = False) -> Bundle:
    """Read JSON files, tabular data packages (a directory or its datapackage.json), single CSV files, and the
    directory `hsds_export` writes. A package in an HSDS version before 3.0 is refused whole (`Bundle.refused`)."""
    from maillage.directory.hsds.tabular import read_package

    bundle = Bundle()
    for path in paths:
        path = Path(path)
        if path.is_dir() or path.name == "datapackage.json":
            _read_directory(bundle, path if path.is_dir() else path.parent, progress=progress)
        elif path.suffix.lower() == ".csv":
            older = older_version_in_package(path.parent)
            if older:
                bundle.refused = refusal(str(path.parent), older)
            else:
                read_package(bundle, path.parent, only=[path.name], progress=progress)
        elif path.is_file():
            read_json_file(bundle, path, hsds_type, progress=progress)
        else:
            bundle.reject("file", {}, str(path), ["file not found"])
        if bundle.refused:
            return Bundle(refused=bundle.refused)  # nothing of a package with an older part
    return bundle
