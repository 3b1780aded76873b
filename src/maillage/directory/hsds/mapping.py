"""HSDS 3.0 ↔ directory: how each HSDS field lands in our models, and back.

Import side: pure functions from flat HSDS records (see `bundle.py`) to model field values.
Export side: pure functions from model rows to HSDS objects that validate against the official schemas.
Ids: an HSDS `id` is our `public_id`. HSDS objects we keep as plain fields (addresses, schedules, languages,
accessibility, a contact's phone, a service's attributes) keep the ids they were imported with in their owner's
`hsds_ids` (see `nested_ids`); those we made get stable uuid5 ids derived from their owner, so that exports are
the same run after run.
"""

import re
import uuid
from datetime import datetime
from typing import Any

import opening_hours

from maillage.accounts.enums import IdentifierScheme
from maillage.directory.enums import LocationType, PhoneType, ServiceStatus

HSDS_NAMESPACE = uuid.UUID("4f6c7a52-8d0e-4b0c-9f0e-6d1f3f3b2a11")

SERVICE_STATUS_FROM_HSDS = {
    "active": ServiceStatus.ACTIVE,
    "inactive": ServiceStatus.INACTIVE,
    "defunct": ServiceStatus.DEFUNCT,
    "temporarily closed": ServiceStatus.TEMPORARILY_CLOSED,
}
SERVICE_STATUS_TO_HSDS = {value: key for key, value in SERVICE_STATUS_FROM_HSDS.items()}
LOCATION_TYPE_FROM_HSDS = {
    "physical": LocationType.PHYSICAL,
    "postal": LocationType.POSTAL,
    "virtual": LocationType.VIRTUAL,
}
LOCATION_TYPE_TO_HSDS = {value: key for key, value in LOCATION_TYPE_FROM_HSDS.items()}
PHONE_TYPES = {choice.value for choice in PhoneType}
IDENTIFIER_SCHEMES = {choice.value for choice in IdentifierScheme}

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
OSM_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
OSM_PREFIX = "opening_hours: "
# A service area that is one of our territories travels as its official code (INSEE, NIS...).
TERRITORY_EXTENT = "territory_code"


def derived_id(owner: uuid.UUID | str, kind: str, key: object = "") -> str:
    """A stable id for an HSDS object that we store as a field of its owner."""
    return str(uuid.uuid5(HSDS_NAMESPACE, f"{owner}:{kind}:{key}"))


def nested_id(ids: dict[str, Any] | None, kind: str, owner: uuid.UUID | str, key: object = "") -> str:
    """The id an owner's nested object was imported with, else the derived one."""
    kept = (ids or {}).get(kind)
    if isinstance(kept, dict):
        kept = kept.get(str(key))
    return str(kept) if kept else derived_id(owner, kind, key)


def schedule_key(byday: Any, opens: Any, closes: Any) -> str:
    """What identifies a weekly schedule once it is OSM opening hours: its days and hours ("MO,TU|09:00|12:00")."""
    days = [day.strip().upper()[-2:] for day in str(byday or "").split(",") if day.strip()]
    ordered = ",".join(day for day in DAYS if day in days)
    return f"{ordered}|{_hhmm(opens) or ''}|{_hhmm(closes) or ''}"


def language_code(record: dict[str, Any]) -> str:
    return text(record.get("code")).lower()[:3]


def nested_ids(
    owner: object,
    *,
    addresses: list[dict] = (),
    accessibility: list[dict] = (),
    languages: list[dict] = (),
    schedules: list[dict] = (),
    attributes: list[dict] = (),
) -> dict[str, Any]:
    """The ids of the nested objects an owner keeps as fields, to give them back on export; not those an export
    derives anyway (our own export imported back changes nothing)."""

    def kept(kind: str, record: dict, key: object = "") -> str | None:
        found = str(record.get("id") or "")
        return found if found and found != derived_id(str(owner), kind, key) else None

    ids: dict[str, Any] = {}
    if address_id := kept("address", _chosen_address(list(addresses))):
        ids["address"] = address_id
    if accessibility and (accessibility_id := kept("accessibility", accessibility[0])):
        ids["accessibility"] = accessibility_id
    by_code: dict[str, str] = {}
    for language in languages:
        if language_code(language) and (language_id := kept("language", language, language_code(language))):
            by_code.setdefault(language_code(language), language_id)
    by_key: dict[str, str] = {}
    for schedule in schedules:
        description = str(schedule.get("description") or "")
        opens, closes = _hhmm(schedule.get("opens_at")), _hhmm(schedule.get("closes_at"))
        if description.startswith(OSM_PREFIX):
            key, derived = "osm", "osm"
        else:
            key, derived = schedule_key(schedule.get("byday"), opens, closes), f"{description}/{opens}-{closes}"
        if schedule_id := kept("schedule", schedule, derived):
            by_key.setdefault(key, schedule_id)
    by_term: dict[str, str] = {}
    for attribute in attributes:
        term_id = str(attribute.get("taxonomy_term_id") or "")
        if term_id and (attribute_id := kept("attribute", attribute, term_id)):
            by_term[term_id] = attribute_id
    for kind, value in (("language", by_code), ("schedule", by_key), ("attribute", by_term)):
        if value:
            ids[kind] = value
    return ids


def _chosen_address(addresses: list[dict]) -> dict:
    return next((a for a in addresses if a.get("address_type") == "physical"), addresses[0] if addresses else {})


def text(value: Any, limit: int | None = None) -> str:
    if value is None:
        return ""
    value = str(value).strip()
    return value[:limit] if limit else value


def first(records: list[dict[str, Any]], field: str) -> str:
    for record in records:
        if record.get(field):
            return text(record[field])
    return ""


def age(value: Any) -> int | None:
    if isinstance(value, int | float) and 0 <= value <= 150:
        return int(value)
    return None


def coordinate(value: Any, bound: float) -> float | None:
    if isinstance(value, int | float) and -bound <= value <= bound:
        return float(value)
    return None


def waiting_days(value: Any) -> int | None:
    """HSDS `wait_time` is free text ("2 weeks", "10 days"); keep a number of days when one is clear."""
    match = re.fullmatch(r"\s*(\d{1,4})\s*(d|day|days|jours?|j|w|week|weeks|semaines?)?\s*", str(value or ""), re.I)
    if not match:
        return None
    number = int(match.group(1))
    unit = (match.group(2) or "d").lower()
    days = number * 7 if unit[0] in {"w", "s"} else number
    return min(days, 32767)


# --- schedules <-> OpenStreetMap opening_hours ---------------------------------------------------------------


def _hhmm(value: Any) -> str | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(:\d{2})?", str(value or "").strip())
    if not match or int(match.group(1)) > 24 or int(match.group(2)) > 59:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def schedules_to_osm(schedules: list[dict[str, Any]]) -> str:
    """Weekly HSDS schedules (byday + opens_at/closes_at) as one OSM `opening_hours` value; "" when none fit."""
    for schedule in schedules:
        # Our own export keeps rules HSDS cannot express whole, in a description: take them back as they were.
        description = str(schedule.get("description") or "")
        if description.startswith(OSM_PREFIX) and opening_hours.validate(description[len(OSM_PREFIX) :]):
            return description[len(OSM_PREFIX) :]
    rules: dict[str, list[str]] = {}
    for schedule in schedules:
        if schedule.get("freq") not in (None, "WEEKLY"):
            continue
        opens, closes = _hhmm(schedule.get("opens_at")), _hhmm(schedule.get("closes_at"))
        days = [day.strip().upper()[-2:] for day in str(schedule.get("byday") or "").split(",") if day.strip()]
        days = [day for day in days if day in DAYS]
        if not (opens and closes and days):
            continue
        key = _day_ranges(days)
        rules.setdefault(key, []).append(f"{opens}-{closes}")
    value = "; ".join(f"{days} {','.join(sorted(set(spans)))}" for days, spans in rules.items())
    return value if value and opening_hours.validate(value) else ""


def _day_ranges(days: list[str]) -> str:
    """["MO", "TU", "WE", "FR"] -> "Mo-We,Fr": runs of three days or more as ranges, as people write them."""
    indexes = sorted({DAYS.index(day) for day in days})
    parts, start = [], 0
    while start < len(indexes):
        end = start
        while end + 1 < len(indexes) and indexes[end + 1] == indexes[end] + 1:
            end += 1
        run = [OSM_DAYS[i] for i in indexes[start : end + 1]]
        parts.append(f"{run[0]}-{run[-1]}" if len(run) >= 3 else ",".join(run))
        start = end + 1
    return ",".join(parts)


_RULE = re.compile(
    r"^(?P<days>[A-Z][a-z](?:[-,][A-Z][a-z])*)\s+(?P<spans>\d{2}:\d{2}-\d{2}:\d{2}(?:,\d{2}:\d{2}-\d{2}:\d{2})*)$"
)


def _expand_days(spec: str) -> list[str] | None:
    days: list[str] = []
    for part in spec.split(","):
        if "-" in part:
            start, end = part.split("-")
            if start not in OSM_DAYS or end not in OSM_DAYS:
                return None
            i, j = OSM_DAYS.index(start), OSM_DAYS.index(end)
            days += [DAYS[k % 7] for k in range(i, (j if j >= i else j + 7) + 1)]
        elif part in OSM_DAYS:
            days.append(DAYS[OSM_DAYS.index(part)])
        else:
            return None
    return days


def osm_to_schedules(
    value: str, *, owner: uuid.UUID, owner_field: str, ids: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """An OSM `opening_hours` value as HSDS weekly schedules; rules too rich for HSDS stay as a description.
    A schedule keeps the id it was imported with (`ids["schedule"]`, by days and hours)."""
    kept = (ids or {}).get("schedule") or {}
    value = (value or "").strip()
    if not value:
        return []
    schedules: list[dict[str, Any]] = []
    rest: list[str] = []
    for rule in [part.strip() for part in value.split(";") if part.strip()]:
        match = _RULE.match(rule)
        days = _expand_days(match.group("days")) if match else None
        if not match or not days:
            rest.append(rule)
            continue
        for span in match.group("spans").split(","):
            opens, closes = span.split("-")
            key = schedule_key(",".join(days), opens, closes)
            schedules.append(
                {
                    "id": kept.get(key) or derived_id(owner, "schedule", f"{rule}/{span}"),
                    owner_field: str(owner),
                    "freq": "WEEKLY",
                    "byday": ",".join(days),
                    "opens_at": f"{opens}:00",
                    "closes_at": f"{closes}:00",
                    "description": rule,
                }
            )
    if rest:
        schedules.append(
            {
                "id": kept.get("osm") or derived_id(owner, "schedule", "osm"),
                owner_field: str(owner),
                "description": f"{OSM_PREFIX}{value}",
            }
        )
    return schedules


# --- import: HSDS record -> model fields ----------------------------------------------------------------------


def organisation_fields(record: dict[str, Any], phones: list[dict], identifiers: list[dict]) -> dict[str, Any]:
    fields = {
        "name": text(record.get("name")),
        "alternate_name": text(record.get("alternate_name")),
        "description": text(record.get("description")),
        "email": text(record.get("email")),
        "website": text(record.get("website")),
        "phone": first(phones, "number")[:40],
    }
    for identifier in identifiers:
        scheme = text(identifier.get("identifier_type")).upper()
        if scheme in IDENTIFIER_SCHEMES and identifier.get("identifier"):
            fields["identifier_scheme"] = scheme
            fields["identifier"] = text(identifier["identifier"])
            break
    return fields


def service_fields(
    record: dict[str, Any], schedules: list[dict], languages: list[dict], attributes: list[dict] = ()
) -> dict[str, Any]:
    fees = text(record.get("fees_description")) or text(record.get("fees"))
    return {
        "name": text(record.get("name")),
        "alternate_name": text(record.get("alternate_name")),
        "description": text(record.get("description")),
        "url": text(record.get("url")),
        "email": text(record.get("email")),
        "status": SERVICE_STATUS_FROM_HSDS.get(text(record.get("status")).lower(), ServiceStatus.ACTIVE),
        "interpretation_services": text(record.get("interpretation_services")),
        "application_process": text(record.get("application_process")),
        "fees_description": fees,
        "accreditations": text(record.get("accreditations")),
        "minimum_age": age(record.get("minimum_age")),
        "maximum_age": age(record.get("maximum_age")),
        "eligibility_description": text(record.get("eligibility_description")),
        "languages": list(dict.fromkeys(language_code(lang) for lang in languages if language_code(lang))),
        "opening_hours": schedules_to_osm(schedules),
        "waiting_time_days": waiting_days(record.get("wait_time")),
        "hsds_ids": nested_ids(record["id"], languages=languages, schedules=schedules, attributes=list(attributes)),
    }


def location_fields(
    record: dict[str, Any],
    addresses: list[dict],
    schedules: list[dict],
    accessibility: list[dict],
    languages: list[dict] = (),
) -> dict[str, Any]:
    address = _chosen_address(addresses)
    latitude, longitude = coordinate(record.get("latitude"), 90), coordinate(record.get("longitude"), 180)
    if latitude is None or longitude is None:
        latitude = longitude = None
    country = text(address.get("country")).upper()
    access = [" ".join(filter(None, [text(a.get("description")), text(a.get("details"))])) for a in accessibility]
    return {
        "location_type": LOCATION_TYPE_FROM_HSDS.get(text(record.get("location_type")), LocationType.PHYSICAL),
        "name": text(record.get("name")),
        "description": text(record.get("description")),
        "address_1": text(address.get("address_1")),
        "address_2": text(address.get("address_2")),
        "postcode": text(address.get("postal_code")),
        "city": text(address.get("city")),
        "state_province": text(address.get("state_province"), 120),
        "region": text(address.get("region"), 120),
        "country": country if len(country) == 2 else "",
        "latitude": latitude,
        "longitude": longitude,
        "opening_hours": schedules_to_osm(schedules),
        "accessibility": "\n".join(filter(None, access)),
        "transportation": text(record.get("transportation")),
        "url": text(record.get("url")),
        "languages": list(dict.fromkeys(language_code(lang) for lang in languages if language_code(lang))),
        "hsds_ids": nested_ids(
            record["id"],
            addresses=addresses,
            accessibility=accessibility,
            languages=list(languages),
            schedules=schedules,
        ),
    }


def phone_fields(record: dict[str, Any]) -> dict[str, Any]:
    kind = text(record.get("type")).lower()
    extension = record.get("extension")
    return {
        "number": text(record.get("number")).strip('"'),
        "extension": int(extension) if isinstance(extension, int | float) and 0 <= extension < 2**31 else None,
        "type": kind if kind in PHONE_TYPES else PhoneType.VOICE,
        "description": text(record.get("description"), 255),
    }


def contact_fields(record: dict[str, Any], phones: list[dict]) -> dict[str, Any]:
    return {
        "name": text(record.get("name")),
        "title": text(record.get("title")),
        "department": text(record.get("department")),
        "email": text(record.get("email")),
        "phone": first(phones, "number").strip('"')[:40],
        "hsds_ids": _contact_ids(record, phones),
    }


def _contact_ids(record: dict[str, Any], phones: list[dict]) -> dict[str, Any]:
    phone_id = str(phones[0].get("id") or "") if phones else ""
    return {"phone": phone_id} if phone_id and phone_id != derived_id(str(record["id"]), "phone") else {}


def service_area_fields(record: dict[str, Any]) -> dict[str, Any]:
    by_code = record.get("extent_type") == TERRITORY_EXTENT
    return {
        "name": text(record.get("name"), 255),
        "description": text(record.get("description")),
        "extent": "" if by_code else text(record.get("extent")),
        "extent_type": "" if by_code else text(record.get("extent_type"), 40),
        "uri": text(record.get("uri")),
    }


def taxonomy_fields(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": text(record.get("name")),
        "description": text(record.get("description")),
        "uri": text(record.get("uri")),
        "version": text(record.get("version"), 40),
    }


def term_fields(record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(fields, defaults on creation): an HSDS term has one name in one language; the other name is kept."""
    name = text(record.get("name"))
    description = text(record.get("description"))
    fields = {"code": text(record.get("code"), 120) or str(record["id"]), "term_uri": text(record.get("term_uri"))}
    if text(record.get("language")).lower() in {"en", "eng", "english"}:
        return {**fields, "name_en": name, "description_en": description}, {"name_fr": name}
    return {**fields, "name_fr": name, "description_fr": description}, {}


# --- export: model rows -> HSDS objects ------------------------------------------------------------------------


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, "", []):
        target[key] = value


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def taxonomy_to_hsds(taxonomy) -> dict[str, Any]:
    data = {"id": str(taxonomy.public_id), "name": taxonomy.name, "description": taxonomy.description or ""}
    _put(data, "uri", taxonomy.uri)
    _put(data, "version", taxonomy.version)
    return data


def term_to_hsds(term, *, taxonomy=None, parent_public_id=None) -> dict[str, Any]:
    data = {
        "id": str(term.public_id),
        "code": term.code,
        "name": term.name_fr,
        "description": term.description_fr or "",
        "language": "fr",
    }
    _put(data, "parent_id", str(parent_public_id) if parent_public_id else None)
    _put(data, "term_uri", term.term_uri)
    if taxonomy is not None:
        data["taxonomy"] = taxonomy.name
        data["taxonomy_id"] = str(taxonomy.public_id)
        data["taxonomy_detail"] = taxonomy_to_hsds(taxonomy)
    return data


def identifier_fields(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "identifier_scheme": text(record.get("identifier_scheme"), 255),
        "identifier_type": text(record.get("identifier_type"), 255),
        "identifier": text(record.get("identifier"), 255),
    }


def identifiers_to_hsds(organisation, identifiers) -> list[dict[str, Any]]:
    """The organisation's identifiers as imported, then its own one when none of them is it (derived id)."""
    oid = str(organisation.public_id)
    out = [
        {
            "id": str(row.public_id),
            "organization_id": oid,
            **({"identifier_scheme": row.identifier_scheme} if row.identifier_scheme else {}),
            "identifier_type": row.identifier_type,
            "identifier": row.identifier,
        }
        for row in identifiers
    ]
    if organisation.identifier and organisation.identifier not in {row["identifier"] for row in out}:
        out.append(
            {
                "id": derived_id(oid, "identifier"),
                "organization_id": oid,
                "identifier_scheme": organisation.identifier_scheme or "",
                "identifier_type": organisation.identifier_scheme or "OTHER",
                "identifier": organisation.identifier,
            }
        )
    return out


def organisation_to_hsds(organisation, *, phones=None, identifiers=()) -> dict[str, Any]:
    """An organisation; its phones as imported when given, else the one number it keeps; its identifiers as
    imported, and its own."""
    oid = str(organisation.public_id)
    data = {"id": oid, "name": organisation.name, "description": organisation.description or ""}
    _put(data, "alternate_name", organisation.alternate_name)
    _put(data, "email", organisation.email)
    _put(data, "website", organisation.website)
    if phones:
        data["phones"] = [phone_to_hsds(phone, organization_id=oid) for phone in phones]
    elif organisation.phone:
        data["phones"] = [{"id": derived_id(oid, "phone"), "organization_id": oid, "number": organisation.phone}]
    _put(data, "organization_identifiers", identifiers_to_hsds(organisation, identifiers))
    return data


def languages_to_hsds(codes: list[str], *, owner: str, owner_field: str, ids: dict[str, Any]) -> list[dict]:
    return [{"id": nested_id(ids, "language", owner, code), owner_field: owner, "code": code} for code in codes]


def location_to_hsds(location, *, organisation_public_id=None, phones=None) -> dict[str, Any]:
    """A location; its own phones (not a service's) when given."""
    lid = str(location.public_id)
    ids = location.hsds_ids or {}
    data: dict[str, Any] = {"id": lid, "location_type": LOCATION_TYPE_TO_HSDS.get(location.location_type, "physical")}
    _put(data, "organization_id", str(organisation_public_id) if organisation_public_id else None)
    for key in ("name", "description", "transportation", "url"):
        _put(data, key, getattr(location, key))
    _put(data, "latitude", location.latitude)
    _put(data, "longitude", location.longitude)
    if location.address_1 or location.city:
        data["addresses"] = [
            {
                "id": nested_id(ids, "address", lid),
                "location_id": lid,
                "address_1": location.address_1,
                "city": location.city,
                "state_province": location.state_province,
                "postal_code": location.postcode,
                "country": location.country,
                "address_type": "physical",
            }
        ]
        _put(data["addresses"][0], "address_2", location.address_2)
        _put(data["addresses"][0], "region", location.region)
    if location.accessibility:
        data["accessibility"] = [
            {"id": nested_id(ids, "accessibility", lid), "location_id": lid, "description": location.accessibility}
        ]
    _put(data, "languages", languages_to_hsds(location.languages or [], owner=lid, owner_field="location_id", ids=ids))
    _put(data, "phones", [phone_to_hsds(phone, location_id=lid) for phone in phones or []])
    _put(
        data,
        "schedules",
        osm_to_schedules(location.opening_hours, owner=location.public_id, owner_field="location_id", ids=ids),
    )
    return data


def phone_to_hsds(phone, **links: str) -> dict[str, Any]:
    data = {"id": str(phone.public_id), "number": phone.number, "type": phone.type}
    _put(data, "extension", phone.extension)
    _put(data, "description", phone.description)
    for key, value in links.items():
        _put(data, key, value)
    return data


def contact_to_hsds(contact, **links: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(contact.public_id)}
    for key in ("name", "title", "department", "email"):
        _put(data, key, getattr(contact, key))
    for key, value in links.items():
        _put(data, key, value)
    if contact.phone:
        data["phones"] = [{"id": nested_id(contact.hsds_ids, "phone", contact.public_id), "number": contact.phone}]
    return data


def service_to_hsds(service, *, organisation_public_id=None) -> dict[str, Any]:
    """The one-to-one fields of a service (the API's list shape); the exporter adds the nested parts."""
    sid = str(service.public_id)
    data: dict[str, Any] = {
        "id": sid,
        "name": service.name,
        "status": SERVICE_STATUS_TO_HSDS.get(service.status, "active"),
    }
    _put(data, "organization_id", str(organisation_public_id) if organisation_public_id else None)
    for key in (
        "alternate_name",
        "description",
        "url",
        "email",
        "interpretation_services",
        "application_process",
        "fees_description",
        "accreditations",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
    ):
        _put(data, key, getattr(service, key))
    if service.waiting_time_days is not None:
        data["wait_time"] = f"{service.waiting_time_days} days"
    _put(data, "last_modified", iso(service.updated_at))
    return data


def service_nested_fields(service) -> dict[str, Any]:
    """The parts of a full service kept as fields of the service: languages and schedules."""
    sid = str(service.public_id)
    ids = service.hsds_ids or {}
    data: dict[str, Any] = {}
    _put(data, "languages", languages_to_hsds(service.languages or [], owner=sid, owner_field="service_id", ids=ids))
    _put(
        data,
        "schedules",
        osm_to_schedules(service.opening_hours, owner=service.public_id, owner_field="service_id", ids=ids),
    )
    return data
