"""Validation of HSDS 3.0 records against the official JSON schemas.

The schemas are read from `settings.HSDS_SCHEMA_DIR` (the reference copy in `../shared/standards/hsds-3.0/schema/`),
never copied into the project. Each schema names the others by file name (`"$ref": "phone.json"`), so they are
registered under those names in one `referencing` registry.

`record_errors` first asks `jsonschema_rs` (the same official schemas, compiled once, about ten times faster
than `jsonschema` on an import of 100,000 services) whether a record is valid; only a record it does not accept
goes through `jsonschema`, which is the judge and words the reasons. Both check the same two formats, uuid and
e-mail; the fast checks are the stricter.
"""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

# HSDS object types handled by the import, export and API, with their schema file.
SCHEMA_FILES = {
    "organization": "organization.json",
    "program": "program.json",
    "service": "service.json",
    "location": "location.json",
    "service_at_location": "service_at_location.json",
    "address": "address.json",
    "phone": "phone.json",
    "schedule": "schedule.json",
    "service_area": "service_area.json",
    "language": "language.json",
    "contact": "contact.json",
    "accessibility": "accessibility.json",
    "cost_option": "cost_option.json",
    "funding": "funding.json",
    "required_document": "required_document.json",
    "organization_identifier": "organization_identifier.json",
    "attribute": "attribute.json",
    "metadata": "metadata.json",
    "meta_table_description": "meta_table_description.json",
    "taxonomy": "taxonomy.json",
    "taxonomy_term": "taxonomy_term.json",
}


def schema_dir() -> Path:
    return Path(getattr(settings, "HSDS_SCHEMA_DIR", settings.BASE_DIR.parent / "shared/standards/hsds-3.0/schema"))


@cache
def _load(directory: Path) -> tuple[dict[str, dict], Registry]:
    if not directory.is_dir():
        raise FileNotFoundError(f"HSDS schema directory not found: {directory}")
    schemas: dict[str, dict] = {}
    resources = []
    for path in sorted(directory.glob("*.json")):
        if path.name == "openapi.json":
            continue
        content = json.loads(path.read_text(encoding="utf-8"))
        schemas[path.name] = content
        resources.append((path.name, Resource.from_contents(content, default_specification=DRAFT202012)))
    return schemas, Registry().with_resources(resources)


def load_schemas(directory: Path | None = None) -> dict[str, dict]:
    """The schemas by file name ("service.json"), with their tabular metadata (`path`, `datapackage_metadata`)."""
    return _load(Path(directory or schema_dir()))[0]


CHECKED_FORMATS = ["uuid", "email"]
# The schemas' other formats (uri, date-time) are not checked: HSDS data in the wild is loose there.
UNCHECKED_FORMATS = ["uri", "uri-reference", "date-time", "date", "time"]
# `jsonschema_rs` needs absolute URIs to resolve "phone.json" against; this base is never fetched.
FAST_BASE_URI = "https://hsds.invalid/schema/"


@cache
def _validator(directory: Path, hsds_type: str) -> Draft202012Validator:
    schemas, registry = _load(directory)
    schema = schemas[SCHEMA_FILES[hsds_type]]
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker(CHECKED_FORMATS))


# Stricter than jsonschema's uuid and e-mail checks (anything they accept, jsonschema accepts): a value they refuse
# only sends the record to jsonschema, which decides.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_FAST_FORMATS = {
    "uuid": lambda value: _UUID.fullmatch(value) is not None,
    "email": lambda value: "@" in value,
}


@cache
def _fast_validator(directory: Path, hsds_type: str) -> jsonschema_rs.Draft202012Validator:
    schemas, _registry = _load(directory)

    def anything(_value: object) -> bool:
        return True

    file_name = SCHEMA_FILES[hsds_type]
    return jsonschema_rs.Draft202012Validator(
        schemas[file_name],
        registry=jsonschema_rs.Registry([(FAST_BASE_URI + name, content) for name, content in schemas.items()]),
        base_uri=FAST_BASE_URI + file_name,
        validate_formats=True,
        formats={
            **_FAST_FORMATS,
            **dict.fromkeys(UNCHECKED_FORMATS, anything),
        },
    )


_default: dict[str, Any] = {"setting": None, "validators": {}, "fast": {}}


def _defaults() -> dict[str, Any]:
    setting = getattr(settings, "HSDS_SCHEMA_DIR", None)
    if _default["setting"] is not setting:  # the setting changed (tests): forget the cached validators
        _default.update(setting=setting, validators={}, fast={})
    return _default


def _accepted_fast(hsds_type: str, record: object, directory: Path | None) -> bool:
    """True when `jsonschema_rs` finds the record valid; any doubt (an error, a value it cannot read) is False."""
    try:
        if directory is not None:
            validator = _fast_validator(Path(directory), hsds_type)
        else:
            fast = _defaults()["fast"]
            validator = fast.get(hsds_type) or fast.setdefault(hsds_type, _fast_validator(schema_dir(), hsds_type))
        return validator.is_valid(record)
    except (ValueError, TypeError, OverflowError):
        return False


def validator_for(hsds_type: str, directory: Path | None = None) -> Draft202012Validator:
    if directory is not None:
        return _validator(Path(directory), hsds_type)
    validators = _defaults()["validators"]
    if hsds_type not in validators:
        validators[hsds_type] = _validator(schema_dir(), hsds_type)
    return validators[hsds_type]


def describe_error(error) -> str:
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{where}: {error.message}" if where else error.message


def record_errors(hsds_type: str, record: object, directory: Path | None = None) -> list[str]:
    """Every reason why `record` is not a valid HSDS `hsds_type`, most relevant first; empty when valid."""
    if _accepted_fast(hsds_type, record, directory):
        return []
    validator = validator_for(hsds_type, directory)
    errors = list(validator.iter_errors(record))
    if not errors:
        return []
    first = best_match(errors)
    others = [describe_error(error) for error in errors if error is not first]
    return [describe_error(first), *others[:4]]
