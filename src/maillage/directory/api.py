"""Directory API under /api/v1/directory/: public search, service detail and the needs taxonomy (no login)."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from maillage.access.door import no_person_data
from maillage.core.api_errors import ErrorOut
from maillage.directory.enums import DeliveryMode, Fees, ServiceKind, Situation
from maillage.directory.search import (
    MAX_PAGE_SIZE,
    MAX_RADIUS_KM,
    ServiceHit,
    ServiceQuery,
    search_services,
    with_locations_and_needs,
)
from maillage.directory.selectors import builtin_terms, public_service

router = Router(auth=None)


class SearchParams(Schema):
    q: str = Field("", max_length=500, description="Free text, French-aware (accents, plurals, synonyms).")
    need: str = Field("", max_length=120, description="Need code (a life domain includes its sub-terms).")
    commune: int | None = Field(None, ge=1, description="Territory id of a commune.")
    postcode: str = Field("", max_length=10)
    place: str = Field("", max_length=150, description="A postcode or a commune's name, as a person types it.")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    radius_km: float | None = Field(None, gt=0, le=MAX_RADIUS_KM)
    age: int | None = Field(None, ge=0, le=130)
    situation: Situation | None = None
    kind: ServiceKind | None = None
    fees: Fees | None = None
    mode: DeliveryMode | None = Field(None, description="'remote': delivered remotely; 'on_site': at its locations.")
    open_now: bool = False
    self_referral: bool = False
    capacity_available: bool = False
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    sort: Literal["", "distance"] = Field("", description="'distance': nearest first (with a place).")


class OrganisationRef(Schema):
    id: UUID
    name: str


class LocationOut(Schema):
    id: UUID
    name: str
    address_1: str
    postcode: str
    city: str
    latitude: float | None
    longitude: float | None
    wheelchair_accessible: bool | None


class TermRef(Schema):
    code: str
    name: str


class ServiceOut(Schema):
    id: UUID
    name: str
    description: str
    status: str
    organisation: OrganisationRef
    needs: list[TermRef]
    minimum_age: int | None
    maximum_age: int | None
    situations: list[str]
    kinds: list[str]
    is_free: bool | None
    on_site: bool
    remote: bool
    self_referral: bool
    appointment_required: bool
    mobilisable_by: list[str]
    mobilisation_means: list[str]
    opening_hours: str
    capacity_status: str
    capacity_is_fresh: bool = Field(description="Declared within the last 30 days; else not to be shown as current.")
    capacity_updated_at: datetime | None
    waiting_time_days: int | None
    updated_at: datetime
    locations: list[LocationOut]


class ServiceHitOut(ServiceOut):
    score: float
    distance_km: float | None
    commune: str = Field(description="Commune of the location nearest the place (or of the first location).")
    is_open: bool | None
    is_stale: bool


class CommuneRef(Schema):
    id: int
    name: str


class SearchOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    place: str | None
    place_not_found: bool = Field(description="The place asked for is unknown, or could be several communes.")
    place_suggestions: list[CommuneRef] = Field(description="The communes a typed place could be.")
    corrected_q: str | None = Field(
        description="When the words of `q` found nothing: the closest words the directory knows, which these "
        "results are for."
    )
    results: list[ServiceHitOut]


class ServiceDetailOut(ServiceOut):
    alternate_name: str
    url: str
    email: str
    eligibility_description: str
    application_process: str
    fees_description: str
    languages: list[str]
    mobilisation_link: str
    areas: list[str]


class TermOut(Schema):
    id: UUID
    code: str
    parent: str | None
    level: int
    name_fr: str
    name_en: str
    synonyms: list[str]
    mappings: dict[str, list[str]]


def _service(service) -> dict:
    return {
        "id": service.public_id,
        "name": service.name,
        "alternate_name": service.alternate_name,
        "description": service.description,
        "status": service.status,
        "organisation": {"id": service.organisation.public_id, "name": service.organisation.name},
        "needs": [{"code": term.code, "name": term.name} for term in service.needs.all()],
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "situations": list(service.situations or []),
        "kinds": list(service.kinds or []),
        "is_free": service.is_free,
        "on_site": service.on_site,
        "remote": service.remote,
        "self_referral": service.self_referral,
        "appointment_required": service.appointment_required,
        "mobilisable_by": list(service.mobilisable_by or []),
        "mobilisation_means": list(service.mobilisation_means or []),
        "opening_hours": service.opening_hours,
        "capacity_status": service.capacity_status,
        "capacity_is_fresh": service.capacity_is_fresh,
        "capacity_updated_at": service.capacity_updated_at,
        "waiting_time_days": service.waiting_time_days,
        "updated_at": service.updated_at,
        "locations": [
            {
                "id": link.location.public_id,
                "name": link.location.name,
                "address_1": link.location.address_1,
                "postcode": link.location.postcode,
                "city": link.location.city,
                "latitude": link.location.latitude,
                "longitude": link.location.longitude,
                "wheelchair_accessible": link.location.wheelchair_accessible,
            }
            for link in service.at_locations.all()
        ],
    }


def _hit(hit: ServiceHit) -> dict:
    return {
        **_service(hit.service),
        "score": hit.score,
        "distance_km": hit.distance_km,
        "commune": hit.commune,
        "is_open": hit.is_open,
        "is_stale": hit.is_stale,
    }


@router.get("/services", response={200: SearchOut, 422: ErrorOut}, summary="Search services")
@no_person_data
def services_search(request: HttpRequest, params: Query[SearchParams]):
    """The same search as the public page: text, need, place, criteria; best first, paginated."""
    results = search_services(
        ServiceQuery(
            text=params.q,
            need=params.need,
            commune_id=params.commune,
            postcode=params.postcode,
            place=params.place,
            latitude=params.lat,
            longitude=params.lon,
            radius_km=params.radius_km,
            age=params.age,
            situation=params.situation.value if params.situation else "",
            kind=params.kind.value if params.kind else "",
            fees=params.fees.value if params.fees else "",
            mode=params.mode.value if params.mode else "",
            open_now=params.open_now,
            self_referral=params.self_referral,
            capacity_available=params.capacity_available,
            page=params.page,
            page_size=params.page_size,
            sort=params.sort,
        )
    )
    return {
        "count": results.total,
        "page": results.page,
        "pages": results.pages,
        "page_size": results.page_size,
        "place": results.place.label if results.place else None,
        "place_not_found": results.place_not_found,
        "place_suggestions": [{"id": commune.id, "name": commune.name} for commune in results.place_suggestions],
        "corrected_q": results.corrected_text or None,
        "results": [_hit(hit) for hit in with_locations_and_needs(results.hits)],
    }


@router.get("/services/{public_id}", response={200: ServiceDetailOut, 404: ErrorOut, 422: ErrorOut})
@no_person_data
def service_get(request: HttpRequest, public_id: UUID):
    service = public_service(public_id)
    if service is None:
        raise Http404
    return {
        **_service(service),
        "url": service.url,
        "email": service.email,
        "eligibility_description": service.eligibility_description,
        "application_process": service.application_process,
        "fees_description": service.fees_description,
        "languages": list(service.languages or []),
        "mobilisation_link": service.mobilisation_link,
        "areas": [str(area) for area in service.areas.all()],
    }


@router.get("/taxonomy", response={200: list[TermOut]}, summary="The built-in needs taxonomy")
@no_person_data
def taxonomy(request: HttpRequest):
    """Life domains and their sub-terms, in French and English, with synonyms and external mappings."""
    terms = list(builtin_terms().select_related("parent").prefetch_related("mappings"))
    out = []
    for term in terms:
        mappings: dict[str, list[str]] = {}
        for mapping in term.mappings.all():
            mappings.setdefault(mapping.scheme, []).append(mapping.external_code)
        out.append(
            {
                "id": term.public_id,
                "code": term.code,
                "parent": term.parent.code if term.parent else None,
                "level": term.level,
                "name_fr": term.name_fr,
                "name_en": term.name_en,
                "synonyms": [str(s) for s in term.synonyms or []],
                "mappings": mappings,
            }
        )
    return out
