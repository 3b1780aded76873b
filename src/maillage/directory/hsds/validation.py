"""Validation of HSDS 3.0 records against the official JSON schemas.

The schemas are read from `settings.HSDS_SCHEMA_DIR` (the reference copy in `../shared/standards/hsds-3.0/schema/`),
never copied into the project. Each schema names the others by file name (`"$ref": "phone.json"`), so they are
registered under those names in one `referencing` registry.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

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


@cache
def _validator(directory: Path, hsds_type: str) -> Draft202012Validator:
    schemas, registry = _load(directory)
    schema = schemas[SCHEMA_FILES[hsds_type]]
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker(["uuid", "email"]))


_default: dict[str, Any] = {"setting": None, "validators": {}}


def validator_for(hsds_type: str, directory: Path | None = None) -> Draft202012Validator:
    if directory is not None:
        return _validator(Path(directory), hsds_type)
    setting = getattr(settings, "HSDS_SCHEMA_DIR", None)
    if _default["setting"] is not setting:  # the setting changed (tests): forget the cached validators
        _default.update(setting=setting, validators={})
    validators = _default["validators"]
    if hsds_type not in validators:
        validators[hsds_type] = _validator(schema_dir(), hsds_type)
    return validators[hsds_type]


def describe_error(error) -> str:
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{where}: {error.message}" if where else error.message


def record_errors(hsds_type: str, record: object, directory: Path | None = None) -> list[str]:
    """Every reason why `record` is not a valid HSDS `hsds_type`, most relevant first; empty when valid."""
    validator = validator_for(hsds_type, directory)
    errors = list(validator.iter_errors(record))
    if not errors:
        return []
    first = best_match(errors)
    others = [describe_error(error) for error in errors if error is not first]
    return [describe_error(first), *others[:4]]
