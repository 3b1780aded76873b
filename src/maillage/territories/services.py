"""Writes for territories: the import of an official list of communes.

Territories beyond the demo are never written in code: they come from a CSV file (NIS/INS codes in
Belgium, INSEE in France, ...), one row per commune, with its parents' codes and names:

    country, country_name, region_code, region_name, province_code, province_name,
    district_code, district_name, code, name, postcodes, latitude, longitude

`postcodes` lists "CODE Locality" pairs separated by "|" ("6800 Libramont-Chevigny|6800 Bras").
Region, province and district may be empty (the commune then hangs from the nearest parent given).
The import is idempotent: the same file twice changes nothing, a changed row updates the commune,
its postcodes and its parents. Each batch of rows is one transaction; a bad row is reported with its
line number and skipped, the other rows of its batch are kept.
"""

import csv
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from maillage.core.text import fold
from maillage.territories.models import Level, PostalCode, Territory

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("country", "code", "name")
OPTIONAL_COLUMNS = (
    "country_name",
    "region_code",
    "region_name",
    "province_code",
    "province_name",
    "district_code",
    "district_name",
    "postcodes",
    "latitude",
    "longitude",
)
PARENT_LEVELS = (
    (Level.REGION, "region_code", "region_name"),
    (Level.PROVINCE, "province_code", "province_name"),
    (Level.DISTRICT, "district_code", "district_name"),
)
COUNTRY_NAMES = {"BE": "Belgique", "FR": "France", "LU": "Luxembourg", "CH": "Suisse", "CA": "Canada"}
DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    postcodes_created: int = 0
    postcodes_updated: int = 0
    postcodes_deleted: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.errors)

    @property
    def changed(self) -> bool:
        return bool(
            self.created or self.updated or self.postcodes_created or self.postcodes_updated or self.postcodes_deleted
        )


@dataclass(frozen=True)
class CommuneRow:
    """One valid line of the file."""

    line: int
    country: str
    parents: tuple[tuple[int, str, str], ...]  # (level, code, name) from the country down, the commune excluded
    code: str
    name: str
    latitude: float | None
    longitude: float | None
    postcodes: tuple[tuple[str, str], ...]


class TerritoryImportError(ValueError):
    """The file itself cannot be read (missing columns, wrong encoding)."""


def _float(value: str, low: float, high: float, label: str) -> float | None:
    value = value.strip().replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(_("%(field)s is not a number: %(value)s") % {"field": label, "value": value}) from None
    if not low <= number <= high:
        raise ValueError(_("%(field)s is out of range: %(value)s") % {"field": label, "value": value})
    return number


def parse_row(line: int, raw: dict[str, str | None]) -> CommuneRow:
    """Validate one CSV row; raises ValueError with a translated message."""
    row = {key.strip().lower(): (value or "").strip() for key, value in raw.items() if key}
    country = row.get("country", "").upper()
    if len(country) != 2 or not country.isalpha():
        raise ValueError(_("country must be a two-letter ISO code, got %(value)r") % {"value": country})
    code, name = row.get("code", ""), row.get("name", "")
    if not code:
        raise ValueError(_("the commune code is empty"))
    if not name:
        raise ValueError(_("the commune name is empty"))
    if len(code) > 20 or len(name) > 150:
        raise ValueError(_("the commune code or name is too long"))
    parents: list[tuple[int, str, str]] = [
        (Level.COUNTRY, country, row.get("country_name") or COUNTRY_NAMES.get(country, country))
    ]
    for level, code_column, name_column in PARENT_LEVELS:
        parent_code, parent_name = row.get(code_column, ""), row.get(name_column, "")
        if parent_code and not parent_name:
            raise ValueError(
                _("%(column)s is empty while %(code)s is given") % {"column": name_column, "code": code_column}
            )
        if parent_code:
            parents.append((level, parent_code, parent_name))
    latitude = _float(row.get("latitude", ""), -90, 90, "latitude")
    longitude = _float(row.get("longitude", ""), -180, 180, "longitude")
    if (latitude is None) != (longitude is None):
        raise ValueError(_("give both latitude and longitude, or neither"))
    postcodes: list[tuple[str, str]] = []
    for item in filter(None, (part.strip() for part in row.get("postcodes", "").split("|"))):
        postcode, _space, locality = item.partition(" ")
        if not postcode or not locality.strip() or len(postcode) > 10:
            raise ValueError(_("postcode %(value)r is not of the form 'CODE Locality'") % {"value": item})
        if (postcode, locality.strip()) not in postcodes:
            postcodes.append((postcode, locality.strip()))
    return CommuneRow(line, country, tuple(parents), code, name, latitude, longitude, tuple(postcodes))


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str | None]]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise TerritoryImportError(_("cannot open %(path)s: %(error)s") % {"path": path, "error": error}) from error
    with handle:
        sample = handle.read(4096)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(handle, dialect=dialect)
        columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
        missing = [column for column in REQUIRED_COLUMNS if column not in columns]
        if missing:
            raise TerritoryImportError(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        try:
            for raw in reader:
                yield reader.line_num, raw
        except UnicodeDecodeError as error:
            raise TerritoryImportError(_("the file is not UTF-8: %(error)s") % {"error": error}) from error


def _count_lines(path: Path) -> int | None:
    try:
        with path.open("rb") as handle:
            return max(sum(1 for _line in handle) - 1, 0)
    except OSError:
        return None


class _Importer:
    """Keeps the territories already known in memory so that most rows cost no query."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.known: dict[tuple[str, int, str], Territory] = {}

    def load(self, countries: Iterable[str]) -> None:
        for territory in Territory.objects.filter(country__in=set(countries)).exclude(level=Level.COMMUNE):
            self.known[(territory.country, territory.level, territory.code)] = territory

    def parent_for(self, row: CommuneRow) -> Territory:
        parent: Territory | None = None
        for level, code, name in row.parents:
            key = (row.country, level, code)
            territory = self.known.get(key)
            if territory is None:
                territory = Territory.objects.filter(country=row.country, level=level, code=code).first()
            if territory is None:
                territory = Territory.objects.create(
                    country=row.country, level=level, code=code, name=name, parent=parent
                )
                territory.path = f"{parent.path if parent else '/'}{territory.pk}/"
                territory.save(update_fields=["path"])
            else:
                changed = []
                if territory.name != name:
                    territory.name = name
                    changed.append("name")
                if territory.parent_id != (parent.pk if parent else None):
                    territory.parent = parent
                    changed.append("parent")
                if changed:
                    territory.save(update_fields=changed)
                    if "parent" in changed:
                        rebuild_paths(territory)
            self.known[key] = territory
            parent = territory
        if parent is None:  # parse_row always puts the country first
            raise ValueError(_("the row has no country"))
        return parent

    def import_batch(self, rows: list[CommuneRow]) -> None:
        parents = {row.line: self.parent_for(row) for row in rows}
        existing = {
            (territory.country, territory.code): territory
            for territory in Territory.objects.filter(
                level=Level.COMMUNE,
                country__in={row.country for row in rows},
                code__in=[row.code for row in rows],
            )
        }
        to_create: list[Territory] = []
        to_update: list[Territory] = []
        new_paths: list[Territory] = []
        communes: dict[int, Territory] = {}
        for row in rows:
            parent = parents[row.line]
            commune = existing.get((row.country, row.code))
            if commune is None:
                commune = Territory(
                    country=row.country,
                    level=Level.COMMUNE,
                    code=row.code,
                    name=row.name,
                    search_name=fold(row.name),
                    parent=parent,
                    latitude=row.latitude,
                    longitude=row.longitude,
                )
                to_create.append(commune)
                existing[(row.country, row.code)] = commune
            else:
                values = {
                    "name": row.name,
                    "search_name": fold(row.name),
                    "parent_id": parent.pk,
                    "latitude": row.latitude,
                    "longitude": row.longitude,
                    "path": f"{parent.path}{commune.pk}/",
                }
                if any(getattr(commune, key) != value for key, value in values.items()):
                    for key, value in values.items():
                        setattr(commune, key, value)
                    to_update.append(commune)
                    self.report.updated += 1
                else:
                    self.report.unchanged += 1
            communes[row.line] = commune
        if to_create:
            Territory.objects.bulk_create(to_create)
            for commune in to_create:
                commune.path = f"{commune.parent.path}{commune.pk}/"
                new_paths.append(commune)
            self.report.created += len(to_create)
        if to_update or new_paths:
            Territory.objects.bulk_update(
                [*to_update, *new_paths],
                ["name", "search_name", "parent", "latitude", "longitude", "path"],
                batch_size=500,
            )
        self._sync_postcodes(rows, communes)

    def _sync_postcodes(self, rows: list[CommuneRow], communes: dict[int, Territory]) -> None:
        current: dict[int, dict[tuple[str, str], PostalCode]] = {}
        for postcode in PostalCode.objects.filter(commune__in=[commune.pk for commune in communes.values()]):
            current.setdefault(postcode.commune_id, {})[(postcode.code, postcode.locality)] = postcode
        to_create: list[PostalCode] = []
        to_update: list[PostalCode] = []
        to_delete: list[int] = []
        for row in rows:
            commune = communes[row.line]
            have = current.get(commune.pk, {})
            wanted = set(row.postcodes)
            for code, locality in row.postcodes:
                postcode = have.get((code, locality))
                if postcode is None:
                    to_create.append(
                        PostalCode(
                            country=row.country,
                            code=code,
                            locality=locality,
                            commune=commune,
                            latitude=row.latitude,
                            longitude=row.longitude,
                        )
                    )
                elif (postcode.latitude, postcode.longitude) != (row.latitude, row.longitude):
                    postcode.latitude, postcode.longitude = row.latitude, row.longitude
                    to_update.append(postcode)
            to_delete.extend(postcode.pk for key, postcode in have.items() if key not in wanted)
        if to_create:
            PostalCode.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            PostalCode.objects.bulk_update(to_update, ["latitude", "longitude"], batch_size=500)
        if to_delete:
            PostalCode.objects.filter(pk__in=to_delete).delete()
        self.report.postcodes_created += len(to_create)
        self.report.postcodes_updated += len(to_update)
        self.report.postcodes_deleted += len(to_delete)


def rebuild_paths(territory: Territory) -> None:
    """Recompute `path` for a territory whose parent changed, and for everything under it."""
    old = territory.path
    new = f"{territory.parent.path if territory.parent else '/'}{territory.pk}/"
    if old == new:
        return
    descendants = list(Territory.objects.filter(path__startswith=old).exclude(pk=territory.pk)) if old else []
    territory.path = new
    territory.save(update_fields=["path"])
    for descendant in descendants:
        descendant.path = new + descendant.path[len(old) :]
    Territory.objects.bulk_update(descendants, ["path"], batch_size=500)


def _batches(iterator: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(iterator, size)):
        yield batch


def territories_import(
    path: Path | str, *, batch_size: int = DEFAULT_BATCH_SIZE, progress: bool = False
) -> ImportReport:
    """Import (or update) the communes of a CSV file; see the module docstring for the format.

    A command-line and demo operation (no actor): the list of communes is reference data, not
    anyone's personal data. Raises `TerritoryImportError` when the file cannot be read at all.
    """
    path = Path(path)
    report = ImportReport()
    importer = _Importer(report)
    rows = read_rows(path)
    bar = tqdm(total=_count_lines(path), unit=_("communes"), disable=not progress, desc=path.name)
    loaded_countries: set[str] = set()
    with bar:
        for raw_batch in _batches(rows, batch_size):
            valid: list[CommuneRow] = []
            for line, raw in raw_batch:
                try:
                    valid.append(parse_row(line, raw))
                except ValueError as error:
                    report.errors.append(RowError(line, str(error)))
            seen: set[tuple[str, str]] = set()
            unique: list[CommuneRow] = []
            for row in valid:
                if (row.country, row.code) in seen:
                    report.errors.append(RowError(row.line, _("commune %(code)s appears twice") % {"code": row.code}))
                else:
                    seen.add((row.country, row.code))
                    unique.append(row)
            if new_countries := {row.country for row in unique} - loaded_countries:
                importer.load(new_countries)
                loaded_countries |= new_countries
            before = replace(report, errors=report.errors)
            try:
                with transaction.atomic():
                    importer.import_batch(unique)
            except DatabaseError as error:
                # The whole batch rolled back: report each of its rows, forget cached parents made in it.
                report = replace(before, errors=report.errors)
                importer.report = report
                importer.known.clear()
                loaded_countries.clear()
                logger.warning("territories import: batch ending at line %s failed", raw_batch[-1][0])
                report.errors.extend(
                    RowError(row.line, _("database error: %(error)s") % {"error": error}) for row in unique
                )
            bar.update(len(raw_batch))
    return report
