"""Search of the directory: one interface, `search_services(query) -> SearchResults`, on SQLite and PostgreSQL.

Text: the typed words go through the same French pipeline as the index (`text.py`: lower case, no accents,
Snowball stems, no stopwords); each word, or run of words, that is a need's name or synonym is widened to
all the names and synonyms of that need ("toxicomanie" → "assuétudes", "addiction", "drogue"...). Words are
ANDed, alternatives ORed. Only `[a-z0-9]` tokens reach the FTS5 / tsquery syntax, so no input can break it.

Place: a commune, a postcode or a point, with an optional radius. Locations are prefiltered by a bounding
box in SQL, then kept when their haversine distance is within the radius. A service matches a place when
one of its locations does, or when one of its service areas covers the place's commune (the area's
territory is the commune or one of its ancestors).

Ranking (higher first), each part in [0, 1]:

    score = 0.6 * relevance + 0.3 * proximity + 0.1 * capacity

- relevance = b / (1 + b), b = -bm25 (SQLite FTS5, weights name 10, keywords 4, body 1) or
  ts_rank (PostgreSQL, weights A 1.0, B 0.4, C 0.1); 0 without text;
- proximity = 1 / (1 + (d / 5 km)²) for the nearest location at distance d; 0.25 for a service reaching the
  place only through its service area; 0 without a place;
- capacity = 1 available, 0.5 waiting list, 0.4 not declared, 0 full.
Ties are broken by the most recently updated service. With a place, `sort="distance"` orders by distance instead
(services reaching the place only through their service area last).

Typos: when the words find nothing, each word the directory does not know is replaced by the closest one it knows
(`spelling.py`) and the search runs again; the results say which words they are for (`corrected_text`).
"""

import json
import math
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Count, Max, Prefetch, prefetch_related_objects
from django.utils import timezone

from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.models import Organisation
from maillage.directory.enums import CapacityStatus, DeliveryMode, Fees, ServiceKind, ServiceStatus, Situation
from maillage.directory.models import CAPACITY_FRESH_FOR, Service, ServiceAtLocation, TaxonomyTerm
from maillage.directory.text import MAX_QUERY_CHARS, MAX_QUERY_TOKENS, STOPWORDS, stem, words
from maillage.territories.models import Level, Territory
from maillage.territories.selectors import communes_named, distance_km, parse_postcode, postcode_place

STALE_AFTER = timedelta(days=183)
MAX_RADIUS_KM = 200.0
MAX_PAGE_SIZE = 100
OPEN_NOW_CANDIDATES = 5000
KM_PER_DEGREE = 111.195
MAX_ALTERNATIVES = 8
LISTED_STATUSES = (ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED)
SORT_DISTANCE = "distance"


@dataclass(frozen=True)
class ServiceQuery:
    """What was asked. Every field is optional; values are bounded by `clean()`."""

    text: str = ""
    need: str = ""  # a taxonomy term code ("housing" or "housing.emergency-shelter") or public id
    commune_id: int | None = None
    postcode: str = ""
    place: str = ""  # as typed: a postcode or a commune's name
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    age: int | None = None
    situation: str = ""
    kind: str = ""  # a `ServiceKind`
    fees: str = ""  # a `Fees`
    mode: str = ""  # a `DeliveryMode`
    open_now: bool = False
    self_referral: bool = False
    capacity_available: bool = False
    page: int = 1
    page_size: int = 20
    at: datetime | None = None  # "now" for open-now, for tests and previews
    sort: str = ""  # "" best first, or SORT_DISTANCE (with a place)


@dataclass
class ServiceHit:
    service: Service
    score: float
    distance_km: float | None
    is_open: bool | None
    is_stale: bool
    commune: str = ""  # of its location nearest the place (or of its first location): what a result card shows

    @property
    def updated_at(self) -> datetime:
        return self.service.updated_at


@dataclass
class Place:
    label: str
    communes: list[Territory] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass
class SearchResults:
    query: ServiceQuery
    hits: list[ServiceHit]
    total: int
    page: int
    page_size: int
    place: Place | None = None
    place_not_found: bool = False
    place_suggestions: list[Territory] = field(default_factory=list)  # when a typed place could be several
    corrected_text: str = ""  # the words these results are for, when the typed ones found nothing
    facets: dict[str, dict[str, int]] | None = None  # `facet_counts`, when asked for

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


# ---------------------------------------------------------------------------------------------- helpers


def _finite(value: float | None, low: float, high: float) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number) or math.isinf(number):
        return None
    return min(high, max(low, number))


def clean(query: ServiceQuery) -> ServiceQuery:
    """The same query with every value in range (API and form validate too; this is the last guard)."""
    age = query.age if query.age is not None and 0 <= query.age <= 130 else None
    radius = _finite(query.radius_km, 0.1, MAX_RADIUS_KM)
    latitude = _finite(query.latitude, -90, 90)
    longitude = _finite(query.longitude, -180, 180)
    return ServiceQuery(
        text=(query.text or "")[:MAX_QUERY_CHARS],
        need=(query.need or "")[:120],
        commune_id=query.commune_id if query.commune_id and query.commune_id > 0 else None,
        postcode=re.sub(r"[^0-9A-Za-z]", "", query.postcode or "")[:10],
        place=(query.place or "").strip()[:150],
        latitude=latitude if longitude is not None else None,
        longitude=longitude if latitude is not None else None,
        radius_km=radius,
        age=age,
        situation=query.situation if query.situation in Situation.values else "",
        kind=query.kind if query.kind in ServiceKind.values else "",
        fees=query.fees if query.fees in Fees.values else "",
        mode=query.mode if query.mode in DeliveryMode.values else "",
        open_now=bool(query.open_now),
        self_referral=bool(query.self_referral),
        capacity_available=bool(query.capacity_available),
        page=max(1, min(int(query.page or 1), 10_000)),
        page_size=max(1, min(int(query.page_size or 20), MAX_PAGE_SIZE)),
        at=query.at,
        sort=SORT_DISTANCE if query.sort == SORT_DISTANCE else "",
    )


# ---------------------------------------------------------------------------------------------- synonyms

Alternative = tuple[str, ...]  # words (lower case, no accents)


@lru_cache(maxsize=4)
def _synonym_table(version: tuple) -> dict[tuple[str, ...], frozenset[Alternative]]:
    """Stems of a need's name or synonym → every name and synonym of that need (as word tuples)."""
    table: dict[tuple[str, ...], set[Alternative]] = {}
    for name_fr, name_en, synonyms in TaxonomyTerm.objects.values_list("name_fr", "name_en", "synonyms"):
        phrases = [name_fr, name_en, *(synonyms if isinstance(synonyms, list) else [])]
        alternatives = {tuple(w for w in words(str(p)) if stem(w)) for p in phrases if p}
        alternatives.discard(())
        for alternative in alternatives:
            key = tuple(stem(w) for w in alternative if w not in STOPWORDS)
            if key:
                table.setdefault(key, set()).update(alternatives)
    return {key: frozenset(value) for key, value in table.items()}


SYNONYMS_TTL_SECONDS = 60.0
_synonyms_state: dict[str, object] = {"checked": -math.inf, "version": None}


def _terms_version() -> tuple:
    """Changes when the terms change (checked at most once a minute, at once after a local edit)."""
    now = time.monotonic()
    if now - _synonyms_state["checked"] > SYNONYMS_TTL_SECONDS:
        aggregate = TaxonomyTerm.objects.aggregate(last=Max("updated_at"), count=Count("id"))
        _synonyms_state.update(checked=now, version=(aggregate["count"], aggregate["last"]))
    return _synonyms_state["version"]


def synonym_table() -> dict[tuple[str, ...], frozenset[Alternative]]:
    """The table, rebuilt when the terms change."""
    return _synonym_table(_terms_version())


def forget_synonyms() -> None:
    """Called when a term is saved or deleted in this process."""
    _synonyms_state["checked"] = -math.inf


def expand(text: str) -> list[list[Alternative]]:
    """The query as AND-groups of OR-alternatives, each alternative a tuple of words."""
    typed = [w for w in words(text[:MAX_QUERY_CHARS]) if w not in STOPWORDS][:MAX_QUERY_TOKENS]
    typed_stems = [stem(w) for w in typed]
    table = synonym_table() if typed else {}
    longest = max((len(key) for key in table), default=1)
    groups: list[list[Alternative]] = []
    position = 0
    while position < len(typed):
        for size in range(min(longest, len(typed) - position), 0, -1):
            key = tuple(typed_stems[position : position + size])
            if key in table:
                original = tuple(typed[position : position + size])
                # Single words only, and a few: phrase alternatives cost much more in the index than they find
                # (a service tagged with the need already carries all its synonyms in its indexed keywords).
                others = sorted(
                    {alt for alt in table[key] if len(alt) == 1 and stem(alt[0]) not in {stem(w) for w in original}}
                )
                groups.append([original, *others][:MAX_ALTERNATIVES])
                position += size
                break
        else:
            word = typed[position]
            group = [(word,)]
            # The Snowball French stemmer keeps the "s" of plurals after i/u ("abris", "bus"): try the singular too.
            if len(word) > 3 and word[-1] in "sx" and stem(word[:-1]) != stem(word):
                group.append((word[:-1],))
            groups.append(group)
            position += 1
    return groups


def _fts5_expression(groups: list[list[Alternative]]) -> str:
    parts = []
    for group in groups:
        options = []
        for alternative in group:
            alternative_stems = [stem(w) for w in alternative if w not in STOPWORDS]
            if alternative_stems:
                options.append('"' + " ".join(alternative_stems) + '"')
        if options:
            parts.append("(" + " OR ".join(dict.fromkeys(options)) + ")")
    return " AND ".join(parts)


def _tsquery_expression(groups: list[list[Alternative]]) -> str:
    parts = []
    for group in groups:
        options = []
        for alternative in group:
            kept = [w for w in alternative if w not in STOPWORDS]
            if kept:
                options.append("(" + " <-> ".join(f"'{w}'" for w in kept) + ")" if len(kept) > 1 else f"'{kept[0]}'")
        if options:
            parts.append("(" + " | ".join(dict.fromkeys(options)) + ")")
    return " & ".join(parts)


# ---------------------------------------------------------------------------------------------- place


def resolve_place(query: ServiceQuery) -> tuple[Place | None, list[Territory]]:
    """The place asked for, from a point, a commune id, a postcode or a typed place (in that order). When it is
    not found, the communes a typed name could be, to offer them (none for the other kinds of place)."""
    if query.latitude is not None and query.longitude is not None:
        commune = nearest_commune(query.latitude, query.longitude)
        point = Place(
            label=commune.name if commune else f"{query.latitude:.4f}, {query.longitude:.4f}",
            communes=[commune] if commune else [],
            latitude=query.latitude,
            longitude=query.longitude,
        )
        return point, []
    if query.commune_id:
        commune = Territory.objects.filter(id=query.commune_id, level=Level.COMMUNE).first()
        if commune:
            return Place(commune.name, [commune], commune.latitude, commune.longitude), []
        return None, []
    as_typed = query.postcode or (
        query.place if parse_postcode(query.place) or looks_like_postcode(query.place) else ""
    )
    if as_typed:
        typed = parse_postcode(as_typed)  # "6800", "B-6800", "F-08000 Charleville"; else another country's form
        found = (
            postcode_place(typed.code, country=typed.country, locality=typed.locality)
            if typed
            else postcode_place(as_typed)
        )
        if found is None:
            return None, []
        return Place(found.label, found.communes, found.latitude, found.longitude), []
    if query.place:
        communes = communes_named(query.place)
        named = {commune.search_name for commune in communes}
        if len(named) != 1:  # none, or a beginning several communes share
            return None, communes
        first = communes[0]
        return Place(first.name, communes, first.latitude, first.longitude), []
    return None, []


def looks_like_postcode(text: str) -> bool:
    """Belgian and French postcodes are digits; a few countries mix in letters, never without a digit."""
    compact = text.replace(" ", "")
    return 0 < len(compact) <= 10 and compact.isalnum() and any(char.isdigit() for char in compact)


def nearest_commune(latitude: float, longitude: float) -> Territory | None:
    for span in (0.1, 0.3, 1.0):
        candidates = Territory.objects.filter(
            level=Level.COMMUNE,
            latitude__range=(latitude - span, latitude + span),
            longitude__range=(longitude - span * 1.6, longitude + span * 1.6),
        ).only("id", "name", "path", "latitude", "longitude")
        best = min(
            candidates,
            key=lambda t: distance_km(latitude, longitude, t.latitude, t.longitude),
            default=None,
        )
        if best:
            return best
    return None


def _ancestor_ids(commune: Territory) -> list[int]:
    ids = [int(part) for part in commune.path.split("/") if part.isdigit()]
    return sorted({*ids, commune.id})


def _place_candidates(place: Place, radius_km: float | None) -> tuple[str, list]:
    """SQL of the place's candidate rows `(sid, latitude, longitude, located)` and its parameters.

    One row per location of a service in the place (`located` 1): with a radius, the locations in its bounding
    box (indexed on latitude/longitude; Python then keeps those within the haversine radius); without, the
    locations in the place's communes, but not those of a service whose eligibility zones (service areas with a
    territory) leave the place out. Plus one row per service whose service area covers the place's commune (the
    area's territory is the commune or one of its ancestors; `located` 0), and one per remote service without
    zones (offered everywhere; `located` 0).
    """
    if radius_km is not None and place.has_point:
        lat, lon = place.latitude, place.longitude
        dlat = radius_km / KM_PER_DEGREE
        dlon = radius_km / (KM_PER_DEGREE * max(0.01, math.cos(math.radians(lat))))
        location_test = "l.latitude BETWEEN %s AND %s AND l.longitude BETWEEN %s AND %s"
        params: list = [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
    else:
        test, value = _id_list(commune.id for commune in place.communes)
        location_test, params = f"l.commune_id {test}", [value]
    area_ids = sorted({i for commune in place.communes for i in _ancestor_ids(commune)})
    zoned = "EXISTS (SELECT 1 FROM directory_servicearea z WHERE z.service_id = {0} AND z.territory_id IS NOT NULL)"
    sql = (
        "SELECT link.service_id AS sid, l.latitude AS lat, l.longitude AS lon, 1 AS located "  # noqa: S608
        "FROM directory_location l JOIN directory_serviceatlocation link ON link.location_id = l.id "
        f"WHERE {location_test}"
    )
    if area_ids:
        test, value = _id_list(area_ids)
        # Eligibility zones: a service with areas is offered only there, even near one of its locations.
        sql += (
            f" AND (NOT {zoned.format('link.service_id')} OR link.service_id IN "  # noqa: S608
            f"(SELECT service_id FROM directory_servicearea WHERE territory_id {test}))"
        )
        params.append(value)
        sql += (
            " UNION ALL SELECT DISTINCT service_id, CAST(NULL AS DOUBLE PRECISION), CAST(NULL AS DOUBLE PRECISION), "  # noqa: S608
            f"0 FROM directory_servicearea WHERE territory_id {test}"
        )
        params.append(value)
    # A remote service without any zone is offered everywhere (one with zones came in through them above).
    sql += (
        " UNION ALL SELECT r.id, CAST(NULL AS DOUBLE PRECISION), CAST(NULL AS DOUBLE PRECISION), 0 "  # noqa: S608
        f"FROM directory_service r WHERE r.remote = %s AND NOT {zoned.format('r.id')}"
    )
    params.append(True)
    return sql, params


# ---------------------------------------------------------------------------------------------- the query


def _need_term_ids(need: str) -> tuple[int, ...] | None:
    """The term and all its descendants; None when the need is unknown."""
    return _need_term_ids_of(need, _terms_version())


@lru_cache(maxsize=1024)
def _need_term_ids_of(need: str, version: tuple) -> tuple[int, ...] | None:
    lookup = {"public_id": need} if re.fullmatch(r"[0-9a-fA-F-]{36}", need) else {"code": need}
    term = TaxonomyTerm.objects.filter(**lookup).order_by("-taxonomy__is_builtin").first()
    if term is None:
        return None
    ids, frontier = [term.id], [term.id]
    while frontier:
        frontier = list(TaxonomyTerm.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids.extend(frontier)
    return tuple(ids)


def hidden_organisations() -> list[int]:
    """Organisations whose services are not public (awaiting validation, deactivated). They are few: the search
    leaves their ids out rather than join every matching service to its organisation (a hash of every
    organisation, built for each search and in each parallel worker)."""
    return list(
        Organisation.objects.exclude(status=OrganisationStatus.VALIDATED).order_by().values_list("id", flat=True)
    )


def _id_list(ids) -> tuple[str, object]:
    """SQL membership test for a list of ids passed as one parameter (no variable-count limit)."""
    values = sorted({int(i) for i in ids})
    if connection.vendor == "postgresql":
        return "= ANY(%s::bigint[])", values
    return "IN (SELECT value FROM json_each(%s))", json.dumps(values)


CAPACITY_WEIGHT = {CapacityStatus.AVAILABLE: 1.0, CapacityStatus.WAITING_LIST: 0.5, CapacityStatus.FULL: 0.0}
CAPACITY_UNDECLARED = 0.4
AREA_ONLY_PROXIMITY = 0.25
POINTLESS_PROXIMITY = 0.5


def proximity(distance: float | None, located: bool) -> float:
    if not located:
        return AREA_ONLY_PROXIMITY
    if distance is None:
        return POINTLESS_PROXIMITY
    return 1.0 / (1.0 + (distance / 5.0) ** 2)


# How PostgreSQL plans the search. Its defaults are for spinning disks and cheap rows. With a random page read at 4,
# it scanned the whole table rather than read the GIN index's matches whenever a word is in a few percent of the
# services, and hashed all 100,000 services-at-locations rather than look up those of a place's locations. Ranking
# costs ~1 us a row, which it does not know: without a place, the ranking of thousands of matches is
# worth splitting between parallel workers (2x to 4x faster on the benchmark's common words); with a place, the
# candidates are few and starting workers only costs time (twice as slow).
# Every search is planned for its own words and place: psycopg prepares statements a connection repeats, and
# PostgreSQL could otherwise settle on one generic plan for all searches of the same shape.
# ts_rank, not ts_rank_cd: the cover density ranking cost ~5 us a matching row against ~1 us, and the order of the
# first page barely differs (both weigh a word in the name far above the same word in the description).
PG_RELEVANCE = "ts_rank('{0.1, 0.1, 0.4, 1.0}', s.search_vector, q, 32)"
SEARCH_PLANNING = {"plan_cache_mode": "force_custom_plan"}
RANDOM_PAGE_COST = {"random_page_cost": "1.1"}
# A text search always reads the GIN index's matches: PostgreSQL overestimates how many services match an OR of
# several words (50,000 for 28,000) and then scanned the whole table, evaluating the query on every row (3x slower).
TEXT_PLANNING = {
    **SEARCH_PLANNING,
    **RANDOM_PAGE_COST,
    "enable_seqscan": "off",
    "parallel_setup_cost": "100",
    "parallel_tuple_cost": "0.01",
}
PLACE_PLANNING = {**SEARCH_PLANNING, **RANDOM_PAGE_COST, "max_parallel_workers_per_gather": "0"}
FACET_PLANNING = {**SEARCH_PLANNING, **RANDOM_PAGE_COST}


@contextmanager
def _cursor(planning: dict[str, str]) -> Iterator:
    """A cursor for the search's main statement; on PostgreSQL, with these planner settings (for it alone)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            yield cursor
            return
        with transaction.atomic():
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(planning)),
                [part for setting in planning.items() for part in setting],
            )
            yield cursor


def search_services(query: ServiceQuery) -> SearchResults:
    """Services matching `query`, best first, one page of them. Never raises on user input.

    When typed words find nothing, the same search for the closest words the directory knows, if it finds some
    (`corrected_text` says which words)."""
    results = _search(query)
    if results.total or not results.query.text or results.place_not_found:
        return results
    from maillage.directory.spelling import corrected

    correction = corrected(results.query.text)
    if correction is None:
        return results
    second = _search(replace(results.query, text=correction))
    if not second.total:
        return results
    second.corrected_text = correction
    second.query = results.query  # as typed: the page and the API show both
    return second


def fresh_since() -> object:
    """The oldest capacity date still shown as declared, as a parameter of raw SQL."""
    return connection.ops.adapt_datetimefield_value(timezone.now() - CAPACITY_FRESH_FOR)


def _conditions(query: ServiceQuery) -> tuple | None:
    """`(joins, join_params, where, where_params, relevance, groups)` of a cleaned query, without its facet
    filters (`_facet_filters`); None when it can match nothing (an unknown need)."""
    vendor = connection.vendor
    joins: list[str] = []
    join_params: list = []
    where: list[str] = ["s.status IN (%s, %s)", "s.awaiting_validation = %s"]
    where_params: list = [*LISTED_STATUSES, False]
    hidden = hidden_organisations()
    if hidden:
        test, value = _id_list(hidden)
        where.append(f"NOT (s.organisation_id {test})")
        where_params.append(value)
    relevance = "0.0"

    groups = expand(query.text) if query.text else []
    if groups:
        if vendor == "postgresql":
            # Filter on the service row itself (GIN index on search_vector), no self-join.
            joins.append("CROSS JOIN to_tsquery('french_unaccent', %s) AS q")
            join_params.append(_tsquery_expression(groups))
            where.insert(0, "s.search_vector @@ q")
            relevance = PG_RELEVANCE
        else:
            joins.append(
                "JOIN (SELECT rowid AS sid, -bm25(directory_service_fts, 10.0, 4.0, 1.0) AS b "
                "FROM directory_service_fts WHERE directory_service_fts MATCH %s) f ON f.sid = s.id"
            )
            join_params.append(_fts5_expression(groups))
            relevance = "(CASE WHEN f.b > 0 THEN f.b / (1.0 + f.b) ELSE 0.0 END)"

    if query.need:
        term_ids = _need_term_ids(query.need)
        if term_ids is None:
            return None
        test, value = _id_list(term_ids)
        needs_sql = f"s.id IN (SELECT n.service_id FROM directory_service_needs n WHERE n.taxonomyterm_id {test})"  # noqa: S608
        where.append(needs_sql)
        where_params.append(value)

    if query.age is not None:
        where.append(
            "(s.minimum_age IS NULL OR s.minimum_age <= %s) AND (s.maximum_age IS NULL OR s.maximum_age >= %s)"
        )
        where_params += [query.age, query.age]

    if query.self_referral:
        where.append("s.self_referral = %s")
        where_params.append(True)

    if query.capacity_available:
        where.append("s.capacity_status = %s AND s.capacity_updated_at >= %s")
        where_params += [CapacityStatus.AVAILABLE, fresh_since()]

    if query.open_now:
        where.append("s.opening_hours <> ''")
    return joins, join_params, where, where_params, relevance, groups


def _json_contains(column: str, value: str) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return f"{column} @> %s::jsonb", [json.dumps([value])]
    return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = %s)", [value]  # noqa: S608


def _facet_filters(query: ServiceQuery) -> dict[str, tuple[str, list]]:
    """The SQL tests of the filters that have counts (`FACETS`), by facet, for those asked."""
    filters: dict[str, tuple[str, list]] = {}
    if query.kind:
        filters["kind"] = _json_contains("s.kinds", query.kind)
    if query.fees:
        filters["fees"] = ("s.is_free = %s", [query.fees == Fees.FREE])
    if query.situation:
        # A service meant for no situation in particular is meant for every one.
        sql, params = _json_contains("s.situations", query.situation)
        empty = EMPTY_JSON_LIST[connection.vendor == "postgresql"]
        filters["situation"] = (f"(s.situations = {empty} OR {sql})", params)
    if query.mode:
        filters["mode"] = ("s.remote = %s" if query.mode == DeliveryMode.REMOTE else "s.on_site = %s", [True])
    return filters


def _search(query: ServiceQuery) -> SearchResults:
    """The search itself, for the words as given.

    Without a place, SQL ranks and pages (relevance and capacity). With a place, the candidates are the
    services located in it or covering it; SQL filters them and returns compact rows, and Python adds
    the distance to the score, sorts and pages.
    """
    query = clean(query)
    vendor = connection.vendor
    empty = SearchResults(query=query, hits=[], total=0, page=query.page, page_size=query.page_size)
    conditions = _conditions(query)
    if conditions is None:
        return empty
    joins, join_params, where, where_params, relevance, groups = conditions
    for sql, params in _facet_filters(query).values():
        where.append(sql)
        where_params += params

    # A capacity not confirmed for `CAPACITY_FRESH_FOR` ranks as undeclared.
    capacity_sql = (
        "(CASE WHEN s.capacity_status = 'AVAILABLE' AND s.capacity_updated_at >= %s THEN 1.0 "
        "WHEN s.capacity_status = 'WAITING_LIST' THEN 0.5 "
        f"WHEN s.capacity_status = 'FULL' THEN 0.0 ELSE {CAPACITY_UNDECLARED} END)"
    )
    capacity_params = [fresh_since()]
    moment = query.at or timezone.now()
    offset = (query.page - 1) * query.page_size

    place = None
    distances: dict[int, float | None] = {}
    if query.commune_id or query.postcode or query.place or query.latitude is not None:
        place, suggestions = resolve_place(query)
        if place is None:
            empty.place_not_found = True
            empty.place_suggestions = suggestions
            return empty
        radius = query.radius_km if place.has_point else None
        candidates_sql, candidates_params = _place_candidates(place, radius)
        base = (
            f"FROM ({candidates_sql}) p JOIN directory_service s ON s.id = p.sid {' '.join(joins)} "
            f"WHERE {' AND '.join(where)}"
        )
        with _cursor(PLACE_PLANNING) as cursor:
            cursor.execute(
                f"SELECT s.id, {relevance} AS rel, {capacity_sql} AS cap, s.updated_at, s.opening_hours, "
                f"p.lat, p.lon, p.located {base}",
                [*capacity_params, *candidates_params, *join_params, *where_params],
            )
            rows = cursor.fetchall()
        matched: dict[int, tuple] = {}
        for sid, rel, cap, updated_at, hours, latitude, longitude, located in rows:
            if located:
                distance = None
                if place.has_point and latitude is not None and longitude is not None:
                    distance = distance_km(place.latitude, place.longitude, latitude, longitude)
                    if radius is not None and distance > radius:
                        continue
                if sid not in distances or (
                    distance is not None and (distances[sid] is None or distance < distances[sid])
                ):
                    distances[sid] = distance
            matched[sid] = (rel, cap, updated_at, hours)
        if query.open_now:
            matched = {sid: row for sid, row in matched.items() if is_open(row[3], moment) is True}
        scored = sorted(
            (
                (
                    0.6 * float(rel) + 0.3 * proximity(distances.get(sid), sid in distances) + 0.1 * float(cap),
                    updated_at,
                    -sid,
                )
                for sid, (rel, cap, updated_at, _hours) in matched.items()
            ),
            reverse=True,
        )
        if query.sort == SORT_DISTANCE and place.has_point:
            # Stable: equal distances keep the best first; no known distance (area only) last.
            scored.sort(key=lambda row: (distances.get(-row[2]) is None, distances.get(-row[2]) or 0.0))
        total = len(scored)
        page_rows = [(-negative_sid, score) for score, _, negative_sid in scored[offset : offset + query.page_size]]
    else:
        score = f"(0.6 * {relevance} + 0.1 * {capacity_sql})"
        base = f"FROM directory_service s {' '.join(joins)} WHERE {' AND '.join(where)}"
        params = [*capacity_params, *join_params, *where_params]
        count_params = [*join_params, *where_params]
        with _cursor(TEXT_PLANNING if groups else SEARCH_PLANNING) as cursor:
            if query.open_now:
                cursor.execute(
                    f"SELECT s.id, {score} AS score, s.opening_hours {base} "
                    f"ORDER BY score DESC, s.updated_at DESC, s.id DESC LIMIT {OPEN_NOW_CANDIDATES}",
                    params,
                )
                open_rows = [(sid, sc) for sid, sc, hours in cursor.fetchall() if is_open(hours, moment) is True]
                total = len(open_rows)
                page_rows = open_rows[offset : offset + query.page_size]
            else:
                if vendor == "postgresql":
                    # Scored in a materialised CTE, so that the count over all matches holds three narrow columns
                    # (over the joined rows, it kept each text vector and spilled them to disk). SQLite is faster
                    # without (it would write the CTE to a temporary table).
                    ranked = (
                        f"WITH m AS MATERIALIZED (SELECT s.id, {score} AS score, s.updated_at {base}) "  # noqa: S608
                        "SELECT id, score, COUNT(*) OVER () AS total FROM m "
                        "ORDER BY score DESC, updated_at DESC, id DESC"
                    )
                else:
                    ranked = (
                        f"SELECT s.id, {score} AS score, COUNT(*) OVER () AS total {base} "
                        "ORDER BY score DESC, s.updated_at DESC, s.id DESC"
                    )
                cursor.execute(f"{ranked} LIMIT %s OFFSET %s", [*params, query.page_size, offset])
                fetched = cursor.fetchall()
                total = fetched[0][2] if fetched else 0
                if not fetched and offset:
                    cursor.execute(f"SELECT COUNT(*) {base}", count_params)
                    total = cursor.fetchone()[0]
                page_rows = [(sid, sc) for sid, sc, _ in fetched]

    hits = _hits(page_rows, distances, place, query)
    return SearchResults(query=query, hits=hits, total=total, page=query.page, page_size=query.page_size, place=place)


FACETS = {"kind": ServiceKind, "fees": Fees, "situation": Situation, "mode": DeliveryMode}


def facet_counts(query: ServiceQuery) -> dict[str, dict[str, int]]:
    """How many services each value of each filter in `FACETS` would find, given the rest of the query.

    A facet's count ignores its own filter (choosing another kind shows how many there are), not the others'.
    One statement over the matches of the query without its facet filters (with a place, over the ids the place's
    candidates matched), each row flagged with whether it passes each facet filter, and one sum per value. Open-now
    is not applied (it is decided in Python). A service meant for no situation in particular counts under every
    situation."""
    query = clean(query)
    conditions = _conditions(query)
    counts: dict[str, dict[str, int]] = {name: dict.fromkeys(enum.values, 0) for name, enum in FACETS.items()}
    if conditions is None:
        return counts
    joins, join_params, where, where_params, _relevance, groups = conditions
    # The counts read every match's row: with the table in memory, index lookups cost little (with the default
    # random_page_cost, a need's matches were found by reading the whole table rather than by their ids).
    planning = TEXT_PLANNING if groups else FACET_PLANNING
    if query.commune_id or query.postcode or query.place or query.latitude is not None:
        place, _suggestions = resolve_place(query)
        if place is None:
            return counts
        # The matches among the place's candidates, as the search finds them (the candidates joined to the
        # services and filtered together: fetched alone, a 30 km radius gave thousands of rows to send back).
        radius = query.radius_km if place.has_point else None
        candidates_sql, candidates_params = _place_candidates(place, radius)
        with _cursor(PLACE_PLANNING) as cursor:
            cursor.execute(
                f"SELECT s.id, p.lat, p.lon, p.located FROM ({candidates_sql}) p "  # noqa: S608
                f"JOIN directory_service s ON s.id = p.sid {' '.join(joins)} WHERE {' AND '.join(where)}",
                [*candidates_params, *join_params, *where_params],
            )
            sids = {
                sid
                for sid, latitude, longitude, located in cursor.fetchall()
                if not located
                or radius is None
                or latitude is None
                or longitude is None
                or distance_km(place.latitude, place.longitude, latitude, longitude) <= radius
            }
        if not sids:
            return counts
        test, value = _id_list(sids)
        joins, join_params, where, where_params, planning = [], [], [f"s.id {test}"], [value], FACET_PLANNING
    filters = _facet_filters(query)
    flags, flag_params = [], []
    for name in FACETS:
        sql, params = filters.get(name, ("1 = 1", []))
        flags.append(f"CASE WHEN {sql} THEN 1 ELSE 0 END AS f_{name}")
        flag_params += params
    counted, count_params = [], []
    for name, _value, test, params in _facet_values():
        others = " AND ".join([f"m.f_{other} = 1" for other in FACETS if other != name] + [test])
        counted.append(f"SUM(CASE WHEN {others} THEN 1 ELSE 0 END)")
        count_params += params
    # One pass over the matches, one sum per value of each facet: unnesting the JSON lists and grouping them
    # (one scan of the matches per facet) cost more than the search itself on PostgreSQL. There, OFFSET 0 keeps
    # the rows of the matches apart from the sums: merged into them, each flag and the test of "no situation in
    # particular" were computed again in every sum that reads them (some twenty times per match).
    postgresql = connection.vendor == "postgresql"
    statement = (
        f"SELECT {', '.join(counted)} FROM (SELECT s.kinds, s.situations, s.is_free, s.remote, s.on_site, "  # noqa: S608
        f"s.situations = {EMPTY_JSON_LIST[postgresql]} AS any_situation, "
        f"{', '.join(flags)} FROM directory_service s {' '.join(joins)} WHERE {' AND '.join(where)}"
        f"{' OFFSET 0' if postgresql else ''}) m"
    )
    with _cursor(planning) as cursor:
        cursor.execute(statement, [*count_params, *flag_params, *join_params, *where_params])
        sums = cursor.fetchone()
    for (name, value, _test, _params), count in zip(_facet_values(), sums, strict=True):
        counts[name][value] = int(count or 0)
    return counts


def _facet_values() -> list[tuple[str, str, str, list]]:
    """`(facet, value, SQL test of a match row m, its parameters)` for each value of each facet in `FACETS`."""
    postgresql = connection.vendor == "postgresql"

    def listed(column: str, value: str) -> tuple[str, list]:
        if postgresql:
            # `?` (is the string an element of the list) costs less than `@>` (does the list contain this list),
            # and the statement runs one per value and per match.
            return f"m.{column} ? %s", [value]
        # SQLite keeps the list as JSON text: a quoted code is found only as a whole element ('"AID"' is not in
        # '"FINANCIAL_AID"'), and instr() is much cheaper than json_each() on every row.
        return f"instr(m.{column}, %s) > 0", [json.dumps(value)]

    values = []
    for value in ServiceKind.values:
        values.append(("kind", value, *listed("kinds", value)))
    values.append(("fees", Fees.FREE, "m.is_free = %s", [True]))
    values.append(("fees", Fees.PAID, "m.is_free = %s", [False]))
    for value in Situation.values:
        # A service meant for no situation in particular counts under every situation.
        sql, params = listed("situations", value)
        values.append(("situation", value, f"(m.any_situation OR {sql})", params))
    values.append(("mode", DeliveryMode.REMOTE, "m.remote = %s", [True]))
    values.append(("mode", DeliveryMode.ON_SITE, "m.on_site = %s", [True]))
    return values


EMPTY_JSON_LIST = ("'[]'", "'[]'::jsonb")


def _hits(rows, distances, place: Place | None, query: ServiceQuery) -> list[ServiceHit]:
    """The page's services, with what a result card shows. Their locations and needs are not loaded: the card
    does not show them, and hydrating them cost a third of a search; `with_locations_and_needs` adds them."""
    ids = [sid for sid, _ in rows]
    services = Service.objects.filter(id__in=ids).defer("search_vector").select_related("organisation").in_bulk()
    # Each service's commune: that of its location nearest the place (or its first one). A service reaching the
    # place through its service area gets the distance to its nearest location.
    distances = dict(distances)
    communes: dict[int, tuple[float, str]] = {}
    if ids:
        test, value = _id_list(ids)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT link.service_id, l.latitude, l.longitude, COALESCE(t.name, l.city, '') "  # noqa: S608
                "FROM directory_serviceatlocation link JOIN directory_location l ON l.id = link.location_id "
                "LEFT JOIN territories_territory t ON t.id = l.commune_id "
                f"WHERE link.service_id {test} ORDER BY link.id",
                [value],
            )
            located = place is not None and place.has_point
            for sid, latitude, longitude, commune in cursor.fetchall():
                distance = math.inf
                if located and latitude is not None and longitude is not None:
                    distance = distance_km(place.latitude, place.longitude, latitude, longitude)
                    if distances.get(sid) is None or distance < distances[sid]:
                        distances[sid] = distance
                if commune and (sid not in communes or distance < communes[sid][0]):
                    communes[sid] = (distance, commune)
    moment = query.at or timezone.now()
    stale_before = timezone.now() - STALE_AFTER
    hits = []
    for sid, score in rows:
        service = services.get(sid)
        if service is None:
            continue
        distance = distances.get(sid)
        hits.append(
            ServiceHit(
                service=service,
                score=round(float(score), 4),
                distance_km=round(distance, 1) if distance is not None else None,
                is_open=is_open(service.opening_hours, moment),
                is_stale=service.updated_at < stale_before,
                commune=communes.get(sid, (0.0, ""))[1],
            )
        )
    return hits


def with_locations_and_needs(hits: list[ServiceHit]) -> list[ServiceHit]:
    """Load the hits' locations and needs in two queries, for the pages that show them (map, API)."""
    prefetch_related_objects(
        [hit.service for hit in hits],
        Prefetch("at_locations", queryset=ServiceAtLocation.objects.select_related("location")),
        "needs",
    )
    return hits


# ---------------------------------------------------------------------------------------------- opening hours


@lru_cache(maxsize=4096)
def _parsed_hours(expression: str):
    import opening_hours

    try:
        return opening_hours.OpeningHours(expression)
    except (SyntaxError, ValueError, opening_hours.ParserError):
        return None


def opening_hours_valid(expression: str) -> bool:
    return bool(expression.strip()) and _parsed_hours(expression.strip()) is not None


def is_open(expression: str, moment: datetime | None = None) -> bool | None:
    """Whether a service with these OSM opening hours is open at `moment` (local time); None if unknown."""
    if not expression or not expression.strip():
        return None
    parsed = _parsed_hours(expression.strip())
    if parsed is None:
        return None
    local = timezone.localtime(moment or timezone.now()).replace(tzinfo=None)
    try:
        if parsed.is_open(local):
            return True
        return False if parsed.is_closed(local) else None
    except (ValueError, OverflowError):
        return None
