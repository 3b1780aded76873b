"""Reads for territories: communes under an area, postcodes, distances.

There is no PostGIS: distances are computed in Python (haversine), and "within a radius" queries
first narrow rows with a bounding box that both SQLite and PostgreSQL evaluate on plain float
columns, then keep the rows whose exact distance fits.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from maillage.core.text import fold
from maillage.territories.models import Level, PostalCode, Territory

EARTH_RADIUS_KM = 6371.0088


def communes_in(territory: Territory) -> QuerySet[Territory]:
    """Every commune inside `territory` (the territory itself when it is a commune), by name."""
    return Territory.objects.filter(level=Level.COMMUNE, path__startswith=territory.path).order_by("name")


def territories_in(territory: Territory) -> QuerySet[Territory]:
    """The territory and everything under it, at any level."""
    return Territory.objects.filter(path__startswith=territory.path)


def ancestors_of(territory: Territory) -> list[Territory]:
    """From the country down to the territory's parent (one query, through `path`)."""
    ids = [int(part) for part in territory.path.strip("/").split("/") if part][:-1]
    by_id = Territory.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def communes_with_code(code: str, *, country: str | None = None) -> list[Territory]:
    """The communes with this official code (NIS/INS, INSEE), in `country` if given: one, or one per country
    where two countries' codes coincide."""
    communes = Territory.objects.filter(level=Level.COMMUNE, code=code.strip())
    if country:
        communes = communes.filter(country=country.strip().upper())
    return list(communes.order_by("country")[:3])


def communes_for_postcode(code: str, *, country: str = "BE") -> QuerySet[Territory]:
    """The communes a postcode serves (usually one; a few postcodes straddle two communes)."""
    return (
        Territory.objects.filter(level=Level.COMMUNE, country=country, postal_codes__code=code.strip())
        .distinct()
        .order_by("name")
    )


def territory_for_postcode(code: str, *, country: str = "BE") -> Territory | None:
    """The commune of a postcode: the one with the most localities under that postcode, then by name."""
    postcodes = PostalCode.objects.filter(country=country, code=code.strip()).select_related("commune")
    counts: dict[int, tuple[int, Territory]] = {}
    for postcode in postcodes:
        count, commune = counts.get(postcode.commune_id, (0, postcode.commune))
        counts[postcode.commune_id] = (count + 1, commune)
    if not counts:
        return None
    return min(counts.values(), key=lambda item: (-item[0], item[1].name))[1]


# How people shorten the saints of place names: "St-Hubert", "Ste-Ode", "Sts-Pierre".
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def place_names(text: str) -> list[str]:
    """The folded forms a typed place name may stand for: with "St"/"Ste" written out, and as typed ("ste" may
    also begin "Stembert")."""
    folded = fold(text)[:150]
    if not folded:
        return []
    parts = folded.split(" ")
    expanded = " ".join(ABBREVIATIONS.get(part, part) for part in parts)
    return list(dict.fromkeys([expanded, folded]))


def communes_named(text: str, *, limit: int = 8) -> list[Territory]:
    """Communes whose name is `text`, accents, case, hyphens and "St"/"Ste" aside ("st hubert" finds Saint-Hubert);
    when none is, the communes of the villages (localities of a postcode) of that name ("Recogne" and "Bras" are
    Libramont-Chevigny); when none is, those whose name starts with it. A name two communes share gives both."""
    names = place_names(text)
    if not names:
        return []
    exact = list(Territory.objects.filter(level=Level.COMMUNE, search_name__in=names).order_by("name", "id")[:limit])
    return exact or communes_of_localities(names, limit=limit) or communes_starting_with(text, limit=limit)


def communes_of_localities(names: list[str], *, limit: int = 8) -> list[Territory]:
    """The communes with a village (a postcode's locality) whose folded name is one of `names`, by name."""
    return list(
        Territory.objects.filter(level=Level.COMMUNE, postal_codes__search_locality__in=names)
        .distinct()
        .order_by("name", "id")[:limit]
    )


def communes_starting_with(text: str, *, limit: int = 8) -> list[Territory]:
    """Communes whose name starts with `text` (folded like `communes_named`), by name: the place field's hints."""
    names = place_names(text)
    if not names:
        return []
    starts = Q()
    for name in names:
        starts |= Q(search_name__startswith=name)
    return list(
        Territory.objects.filter(starts, level=Level.COMMUNE)
        .prefetch_related("postal_codes")
        .order_by("name", "id")[:limit]
    )


# A postcode as Belgians and French write it: "6800", "B-6800", "BE 6800", "F-08000", "FR08000", maybe followed by
# the locality ("B-6800 Libramont"). The country prefix is the old European postal one (B, F) or ISO (BE, FR).
_POSTCODE = re.compile(r"^(?:(?P<country>BE|FR|B|F)\s*-?\s*)?(?P<code>\d{4,5})(?:[\s,]+(?P<locality>\D.*))?$", re.I)
POSTAL_PREFIXES = {"B": "BE", "BE": "BE", "F": "FR", "FR": "FR"}


@dataclass(frozen=True)
class TypedPostcode:
    code: str
    country: str = ""  # "" when the prefix did not say
    locality: str = ""


def parse_postcode(text: str) -> TypedPostcode | None:
    """The postcode in a typed place, or None when it does not look like one of ours."""
    match = _POSTCODE.match(text.strip())
    if not match:
        return None
    country = POSTAL_PREFIXES.get((match.group("country") or "").upper(), "")
    return TypedPostcode(match.group("code"), country, (match.group("locality") or "").strip())


@dataclass(frozen=True)
class PostcodePlace:
    """A postcode resolved to its commune(s): `label` names the commune a postcode of several villages serves."""

    label: str
    communes: list[Territory]
    latitude: float | None
    longitude: float | None


def postcode_place(code: str, *, country: str = "", locality: str = "") -> PostcodePlace | None:
    """Where a postcode is: its commune ("6800" is Libramont-Chevigny, whatever village of it comes first), at the
    commune's centre. A postcode straddling communes gives them all, the locality typed after it choosing."""
    postcodes = PostalCode.objects.filter(code__iexact=code.replace(" ", "")).select_related("commune")
    if country:
        postcodes = postcodes.filter(country=country)
    postcodes = list(postcodes[:50])
    if not postcodes:
        return None
    if locality:
        wanted = set(place_names(locality))
        chosen = [pc for pc in postcodes if fold(pc.locality) in wanted or pc.commune.search_name in wanted]
        postcodes = chosen or postcodes
    communes = sorted({pc.commune_id: pc.commune for pc in postcodes}.values(), key=lambda c: (c.search_name, c.id))
    code = postcodes[0].code
    if len(communes) == 1:
        commune = communes[0]
        if commune.latitude is not None and commune.longitude is not None:
            return PostcodePlace(f"{code} {commune.name}", communes, commune.latitude, commune.longitude)
    first = postcodes[0]
    latitude = first.latitude if first.latitude is not None else first.commune.latitude
    longitude = first.longitude if first.longitude is not None else first.commune.longitude
    return PostcodePlace(f"{code} {' / '.join(c.name for c in communes)}", communes, latitude, longitude)


def postcodes_in(territory: Territory) -> QuerySet[PostalCode]:
    return PostalCode.objects.filter(commune__path__startswith=territory.path).order_by("code", "locality")


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in kilometres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    delta_phi = math.radians(lat2 - lat1)
    delta_lambda = math.radians(lon2 - lon1)
    a = math.sin(delta_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(delta_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class BoundingBox:
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float

    def contains(self, latitude: float, longitude: float) -> bool:
        return (
            self.min_latitude <= latitude <= self.max_latitude
            and self.min_longitude <= longitude <= self.max_longitude
        )

    def q(self, latitude_field: str = "latitude", longitude_field: str = "longitude") -> Q:
        """A filter any database evaluates on two float columns (with an index on them, a range scan)."""
        return Q(
            **{
                f"{latitude_field}__gte": self.min_latitude,
                f"{latitude_field}__lte": self.max_latitude,
                f"{longitude_field}__gte": self.min_longitude,
                f"{longitude_field}__lte": self.max_longitude,
            }
        )


def bounding_box(latitude: float, longitude: float, radius_km: float) -> BoundingBox:
    """The smallest latitude/longitude box that holds every point within `radius_km` of the centre.

    A prefilter only: corners of the box are farther than the radius, so keep the exact check after.
    """
    delta_latitude = math.degrees(radius_km / EARTH_RADIUS_KM)
    min_latitude, max_latitude = latitude - delta_latitude, latitude + delta_latitude
    if min_latitude <= -90 or max_latitude >= 90:
        # The circle reaches a pole: every longitude.
        return BoundingBox(max(min_latitude, -90), min(max_latitude, 90), -180, 180)
    delta_longitude = math.degrees(
        math.asin(min(1.0, math.sin(radius_km / EARTH_RADIUS_KM) / math.cos(math.radians(latitude))))
    )
    min_longitude, max_longitude = longitude - delta_longitude, longitude + delta_longitude
    if min_longitude < -180 or max_longitude > 180:
        # Crossing the antimeridian: keep it simple and correct, every longitude.
        min_longitude, max_longitude = -180, 180
    return BoundingBox(min_latitude, max_latitude, min_longitude, max_longitude)


def within_radius_q(
    latitude: float,
    longitude: float,
    radius_km: float,
    *,
    latitude_field: str = "latitude",
    longitude_field: str = "longitude",
) -> Q:
    """SQL prefilter for "within `radius_km` of a point"; refine with `distance_km` (see `within_radius`)."""
    return bounding_box(latitude, longitude, radius_km).q(latitude_field, longitude_field)


def within_radius[T](
    rows: QuerySet[T] | Iterable[T],
    latitude: float,
    longitude: float,
    radius_km: float,
    *,
    latitude_field: str = "latitude",
    longitude_field: str = "longitude",
) -> list[tuple[T, float]]:
    """The rows within `radius_km` of a point, nearest first, each with its distance in km.

    A queryset is first narrowed in SQL by the bounding box; rows without coordinates are left out.
    `latitude_field` may follow a relation ("location__latitude") for the SQL filter; the Python
    check then reads it through the same path.
    """
    if isinstance(rows, QuerySet):
        rows = rows.filter(
            within_radius_q(
                latitude, longitude, radius_km, latitude_field=latitude_field, longitude_field=longitude_field
            )
        )
    found: list[tuple[T, float]] = []
    for row in rows:
        row_latitude, row_longitude = _get(row, latitude_field), _get(row, longitude_field)
        if row_latitude is None or row_longitude is None:
            continue
        distance = distance_km(latitude, longitude, row_latitude, row_longitude)
        if distance <= radius_km:
            found.append((row, distance))
    found.sort(key=lambda item: item[1])
    return found


def _get(row: object, path: str) -> float | None:
    value: object = row
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value  # type: ignore[return-value]
