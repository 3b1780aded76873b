"""The HSDS tabular data package: one CSV file per object type, described by a `datapackage.json`.

The file names, columns and column types come from the official schemas (`path`, `properties`,
`datapackage_metadata`), so the reader and the writer follow the standard rather than a copy of it.
"""

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tqdm import tqdm

from maillage.directory.hsds.bundle import Bundle
from maillage.directory.hsds.validation import SCHEMA_FILES, load_schemas, record_errors

# Names met in the wild for the same table.
ALIASES = {"service_at_locations.csv": "service_at_location"}


def table_types() -> dict[str, str]:
    """CSV file name -> HSDS type, from the schemas' `path`."""
    schemas = load_schemas()
    names = {schemas[file_name]["path"]: hsds_type for hsds_type, file_name in SCHEMA_FILES.items()}
    return {**names, **ALIASES}


def schema_of(hsds_type: str) -> dict[str, Any]:
    return load_schemas()[SCHEMA_FILES[hsds_type]]


def columns_of(hsds_type: str) -> list[str]:
    """The scalar properties of a type, in the order of its schema: the columns of its CSV file."""
    properties = schema_of(hsds_type)["properties"]
    return [name for name, spec in properties.items() if spec.get("type") not in {"array", "object", None}]


def _coerce(value: Any, spec: dict[str, Any]) -> Any:
    """A table cell takes the type of its column (the tabular example in JSON writes "1234567" as 1234567)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and spec.get("type") == "string":
        return str(value)
    if not isinstance(value, str):
        return value
    if spec.get("type") in {"number", "integer"}:
        try:
            number = float(value.strip())
        except ValueError:
            return value  # left as text: the schema check reports it
        return int(number) if number.is_integer() else number
    return value


def _row_record(row: Mapping[str, Any], properties: dict[str, Any], required: set[str]) -> dict[str, Any]:
    """An empty cell is an absent value, except in a required text column (a CSV cannot tell "" from nothing)."""
    record: dict[str, Any] = {}
    for key, value in row.items():
        if key is None:
            continue
        key = key.strip()
        if value in (None, ""):
            if value == "" and key in required and key != "id" and properties.get(key, {}).get("type") == "string":
                record[key] = ""
            continue
        record[key] = _coerce(value, properties.get(key, {}))
    return record


def read_table(
    bundle: Bundle, name: str, rows: Iterable[Mapping[str, Any]], header: list[str] | None, *, progress: bool = False
) -> None:
    hsds_type = table_types().get(name)
    if hsds_type is None:
        bundle.warnings.append(f"{name}: not an HSDS table, skipped")
        return
    schema = schema_of(hsds_type)
    properties = schema["properties"]
    required = [*schema.get("required", []), *schema.get("tabular_required", [])]
    missing = [column for column in required if header is not None and column not in header]
    if header is not None:
        unknown = [column for column in header if column and column.strip() not in properties]
        if unknown:
            bundle.warnings.append(f"{name}: unknown columns ignored: {', '.join(unknown)}")
    rows = tqdm(rows, desc=f"read {name}", unit="row", disable=not progress, leave=False, mininterval=0.5)
    for line, row in enumerate(rows, start=2):
        source = f"{name} line {line}"
        if not isinstance(row, Mapping):
            bundle.reject(hsds_type, {}, source, ["expected a row of named values"])
            continue
        record = _row_record(row, properties, set(schema.get("required", [])))
        if missing:
            bundle.reject(hsds_type, record, source, [f"missing column: {', '.join(missing)}"])
            continue
        if None in row:  # csv.DictReader puts surplus cells under None
            bundle.reject(hsds_type, record, source, ["more cells than columns"])
            continue
        errors = record_errors(hsds_type, record)
        errors += [f"{column} is required in the tabular format" for column in required if column not in record]
        if errors:
            bundle.reject(hsds_type, record, source, list(dict.fromkeys(errors)))
            continue
        # Only the scalar columns: nested values have no place in a table.
        bundle.add(hsds_type, {k: v for k, v in record.items() if not isinstance(v, list | dict)}, source)


def read_tables(bundle: Bundle, tables: Mapping[str, Iterable[Mapping[str, Any]]], source: str) -> None:
    """The tabular shape already parsed (e.g. the `tabular.json` example: file name -> rows)."""
    for name, rows in tables.items():
        if not isinstance(rows, list):
            bundle.reject("file", {}, f"{source}: {name}", ["expected a list of rows"])
            continue
        read_table(bundle, name, rows, header=None)


def _resource_paths(directory: Path, bundle: Bundle) -> list[str]:
    descriptor = directory / "datapackage.json"
    names = sorted(table_types())
    if not descriptor.is_file():
        return names
    try:
        package = json.loads(descriptor.read_text(encoding="utf-8"))
        paths = [resource["path"] for resource in package["resources"]]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
        bundle.warnings.append(
            f"datapackage.json cannot be read ({error.__class__.__name__}); "
            "the CSV files are read by their standard names"
        )
        return names
    return [path for path in paths if isinstance(path, str) and "/" not in path and "\\" not in path]


def read_package(bundle: Bundle, directory: Path, only: list[str] | None = None, *, progress: bool = False) -> None:
    """Read a data package directory: the CSV files its descriptor lists, or every standard file present."""
    names = only or _resource_paths(directory, bundle)
    found = False
    for name in names:
        path = directory / name
        if not path.is_file():
            continue
        found = True
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                header = [column.strip() for column in reader.fieldnames or []]
                read_table(bundle, name, reader, header, progress=progress)
        except (UnicodeDecodeError, csv.Error) as error:
            bundle.reject("file", {}, name, [f"not a readable CSV file: {error}"])
    if not found:
        bundle.reject("file", {}, str(directory), ["no HSDS CSV file found"])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _field_descriptor(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    descriptor: dict[str, Any] = {"name": name, "type": spec.get("type", "string")}
    for key in ("title", "description", "format", "constraints"):
        if key in spec:
            descriptor[key] = spec[key]
    return descriptor


class PackageWriter:
    """Write a data package row by row: one CSV per type, opened on its first row; `close()` writes the descriptor."""

    def __init__(self, directory: Path, *, name: str = "maillage-directory") -> None:
        self.directory = directory
        self.name = name
        self.counts: dict[str, int] = {}
        self._files: dict[str, tuple[Any, Any, list[str]]] = {}
        directory.mkdir(parents=True, exist_ok=True)

    def write(self, hsds_type: str, row: Mapping[str, Any]) -> None:
        if hsds_type not in self._files:
            columns = columns_of(hsds_type)
            handle = (self.directory / schema_of(hsds_type)["path"]).open("w", encoding="utf-8", newline="")
            writer = csv.writer(handle)
            writer.writerow(columns)
            self._files[hsds_type] = (handle, writer, columns)
            self.counts[hsds_type] = 0
        _handle, writer, columns = self._files[hsds_type]
        writer.writerow([_cell(row.get(column)) for column in columns])
        self.counts[hsds_type] += 1

    def close(self) -> Path:
        resources = []
        for hsds_type, (handle, _writer, columns) in sorted(
            self._files.items(), key=lambda item: schema_of(item[0]).get("datapackage_metadata", {}).get("order", 99)
        ):
            handle.close()
            schema = schema_of(hsds_type)
            properties = schema["properties"]
            metadata = schema.get("datapackage_metadata", {})
            resources.append(
                {
                    "name": schema["name"],
                    "path": schema["path"],
                    "profile": metadata.get("profile", "tabular-data-resource"),
                    "format": metadata.get("format", "csv"),
                    "mediatype": metadata.get("mediatype", "text/csv"),
                    "encoding": "utf-8",
                    "description": schema.get("description", ""),
                    "schema": {
                        "fields": [_field_descriptor(column, properties[column]) for column in columns],
                        "primaryKey": ["id"],
                    },
                }
            )
        self._files = {}
        package = {
            "name": self.name,
            "profile": "tabular-data-package",
            "title": "HSDS 3.0 export",
            "resources": resources,
        }
        descriptor = self.directory / "datapackage.json"
        descriptor.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
        return descriptor
