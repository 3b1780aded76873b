"""The read-only HSDS 3.0 API under /api/hsds/: the public directory in the Open Referral shapes.

Public by design (the directory is public, like the search page): no authentication, and every view is
marked `login_required = False` for Django's LoginRequiredMiddleware. Only organisations validated by the
network coordinator, and their services and locations, are served. Paging follows HSDS (`page`, `per_page`;
`total_items`, `total_pages`, `page_number`, `size`, `first_page`, `last_page`, `empty`, `contents`).
Bad parameters answer 422 in the API's common error format, unknown ids 404; never a 500.
"""

import math
import uuid
from datetime import datetime
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from pydantic import Field

from maillage.access.door import no_person_data
from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.models import Organisation
from maillage.core.api_errors import ErrorOut, install_error_handlers
from maillage.core.db_routing import lag_tolerant_view
from maillage.directory.hsds import exporter, mapping
from maillage.directory.models import Service, ServiceAtLocation, Taxonomy
from maillage.directory.search import MAX_PAGE_SIZE, ServiceQuery, search_services

HSDS_VERSION = "3.0"
PROFILE_URL = "https://docs.openreferral.org/en/latest/hsds/profiles.html"
MAX_PER_PAGE = 100
MAX_SEARCH_RESULTS = 500

api = NinjaAPI(
    title="Maillage HSDS 3.0 API",
    version=HSDS_VERSION,
    description="Read-only Open Referral HSDS 3.0 API of the Maillage partner directory (public data only).",
    urls_namespace="hsds",
    docs_url=None,  # the interactive docs would load Swagger from a CDN; the OpenAPI description is served
)
install_error_handlers(api)

Responses = {200: dict[str, Any], 404: ErrorOut, 422: ErrorOut}


class PageParams(Schema):
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    per_page: int = Field(20, ge=1, le=MAX_PER_PAGE, description="Items per page (at most 100).")


class ListParams(PageParams):
    search: str = Field("", max_length=500, description="Full-text search (French-aware).")


class ServiceParams(ListParams):
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: datetime | None = None
    full: bool = False


class OrganisationParams(ListParams):
    full: bool = False
    full_service: bool = False


class TermParams(PageParams):
    search: str = Field("", max_length=500)
    taxonomy_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    top_only: bool = False


def page_of(queryset: QuerySet, params: PageParams, render, load=None) -> dict[str, Any]:
    """One HSDS page. `load` (optional) turns the page's primary keys into full objects, in the same order."""
    total = queryset.count()
    pages = max(1, math.ceil(total / params.per_page))
    start = (params.page - 1) * params.per_page
    items: list = []
    if start < total:
        if load is None:
            items = list(queryset[start : start + params.per_page])
        else:
            pks = list(queryset.values_list("pk", flat=True)[start : start + params.per_page])
            loaded = load().in_bulk(pks)
            items = [loaded[pk] for pk in pks if pk in loaded]
    contents = [render(item) for item in items]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": params.page,
        "size": len(contents),
        "first_page": params.page == 1,
        "last_page": params.page >= pages,
        "empty": total == 0,
        "contents": contents,
    }


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise Http404 from error


def public_services() -> QuerySet[Service]:
    return Service.objects.filter(organisation__status=OrganisationStatus.VALIDATED, awaiting_validation=False)


def public_organisations() -> QuerySet[Organisation]:
    return exporter.organisations().filter(status=OrganisationStatus.VALIDATED)


def searched_service_ids(text: str) -> list[int]:
    """The best matches of the directory search, best first (at most `MAX_SEARCH_RESULTS`)."""
    ids: list[int] = []
    for page in range(1, MAX_SEARCH_RESULTS // MAX_PAGE_SIZE + 1):
        results = search_services(ServiceQuery(text=text, page=page, page_size=MAX_PAGE_SIZE))
        ids += [hit.service.pk for hit in results.hits]
        if not results.has_next:
            break
    return ids


def _ranked(queryset: QuerySet, ids: list[int], field: str = "pk") -> QuerySet:
    """Restrict to `ids`, keeping their order (the search ranking)."""
    if not ids:
        return queryset.none()
    order = Case(*[When(**{field: pk}, then=Value(i)) for i, pk in enumerate(ids)], output_field=IntegerField())
    return queryset.filter(**{f"{field}__in": ids}).annotate(search_rank=order).order_by("search_rank")


def _filtered_services(params: ServiceParams) -> QuerySet[Service]:
    queryset = public_services()
    if params.taxonomy_term_id:
        queryset = queryset.filter(needs__public_id=params.taxonomy_term_id)
    if params.taxonomy_id:
        queryset = queryset.filter(needs__taxonomy__public_id=params.taxonomy_id)
    if params.organization_id:
        queryset = queryset.filter(organisation__public_id=params.organization_id)
    if params.modified_after:
        moment = params.modified_after
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        queryset = queryset.filter(updated_at__gte=moment)
    if params.taxonomy_term_id or params.taxonomy_id:
        queryset = public_services().filter(pk__in=queryset.values("pk"))  # one row per service despite the joins
    return queryset


# --- operations ------------------------------------------------------------------------------------------------


@api.get("/", response={200: dict[str, Any]}, summary="About this API and its relationship with HSDS")
@no_person_data
def about(request: HttpRequest) -> dict[str, Any]:
    return {
        "version": HSDS_VERSION,
        "profile": PROFILE_URL,
        "openapi_url": request.build_absolute_uri(reverse("hsds:openapi-json")),
    }


@api.get("/services", response=Responses, summary="Paginated list of services")
@no_person_data
def list_services(request: HttpRequest, params: Query[ServiceParams]) -> dict[str, Any]:
    queryset = _filtered_services(params)
    if params.search.strip():
        queryset = _ranked(queryset, searched_service_ids(params.search))
    else:
        queryset = queryset.order_by("name", "pk")
    if params.full:
        return page_of(queryset, params, exporter.service_full, load=exporter.services_queryset)
    queryset = queryset.select_related("organisation")
    return page_of(
        queryset,
        params,
        lambda s: mapping.service_to_hsds(s, organisation_public_id=s.organisation.public_id),
    )


@api.get("/services/{id}", response=Responses, summary="A fully nested service")
@no_person_data
def get_service(request: HttpRequest, id: str) -> dict[str, Any]:
    service = exporter.services_queryset().filter(pk__in=public_services().values("pk"))
    service = service.filter(public_id=_uuid_or_404(id)).first()
    if service is None:
        raise Http404
    return exporter.service_full(service)


@api.get("/organizations", response=Responses, summary="Paginated list of organizations")
@no_person_data
def list_organisations(request: HttpRequest, params: Query[OrganisationParams]) -> dict[str, Any]:
    queryset = public_organisations()
    if params.search.strip():
        organisation_ids = list(
            dict.fromkeys(
                Service.objects.filter(pk__in=searched_service_ids(params.search)).values_list(
                    "organisation_id", flat=True
                )
            )
        )
        by_name = queryset.filter(name__icontains=params.search.strip()[:100]).values_list("pk", flat=True)
        queryset = _ranked(queryset, list(dict.fromkeys([*by_name[:MAX_SEARCH_RESULTS], *organisation_ids])))
    else:
        queryset = queryset.order_by("name", "pk")
    if params.full or params.full_service:
        services = "full" if params.full_service else "ids"
        return page_of(queryset, params, lambda o: exporter.organisation_full(o, services=services))
    return page_of(queryset, params, mapping.organisation_to_hsds)


@api.get("/organizations/{id}", response=Responses, summary="A fully nested organization")
@no_person_data
def get_organisation(request: HttpRequest, id: str, full_service: bool = False) -> dict[str, Any]:
    organisation = public_organisations().filter(public_id=_uuid_or_404(id)).first()
    if organisation is None:
        raise Http404
    return exporter.organisation_full(organisation, services="full" if full_service else "ids")


def _link_to_hsds(link: ServiceAtLocation, *, full: bool) -> dict[str, Any]:
    data = exporter.service_at_location_to_hsds(link, service_public_id=link.service.public_id, nested_location=True)
    if full:
        data["service"] = exporter.service_full(link.service, nested=True)
    else:
        data["service"] = mapping.service_to_hsds(
            link.service, organisation_public_id=link.service.organisation.public_id
        )
    return data


@api.get("/service_at_locations", response=Responses, summary="Paginated list of services at locations")
@no_person_data
def list_service_at_locations(request: HttpRequest, params: Query[ServiceParams]) -> dict[str, Any]:
    services = _filtered_services(params)
    queryset = ServiceAtLocation.objects.filter(service__in=services.values("pk")).select_related(
        "service__organisation", "location__organisation"
    )
    if params.search.strip():
        ids = searched_service_ids(params.search)
        queryset = _ranked(queryset, ids, field="service_id")
    else:
        queryset = queryset.order_by("service__name", "pk")
    return page_of(queryset, params, lambda link: _link_to_hsds(link, full=params.full))


@api.get("/service_at_locations/{id}", response=Responses, summary="A fully nested service at location")
@no_person_data
def get_service_at_location(request: HttpRequest, id: str) -> dict[str, Any]:
    link = (
        ServiceAtLocation.objects.filter(service__in=public_services().values("pk"), public_id=_uuid_or_404(id))
        .select_related("service__organisation", "location__organisation")
        .first()
    )
    if link is None:
        raise Http404
    return _link_to_hsds(link, full=True)


@api.get("/taxonomies", response=Responses, summary="Paginated list of taxonomies")
@no_person_data
def list_taxonomies(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    queryset = exporter.taxonomies()
    if params.search.strip():
        queryset = queryset.filter(name__icontains=params.search.strip())
    return page_of(queryset, params, mapping.taxonomy_to_hsds)


@api.get("/taxonomies/{id}", response=Responses, summary="A taxonomy")
@no_person_data
def get_taxonomy(request: HttpRequest, id: str) -> dict[str, Any]:
    taxonomy = Taxonomy.objects.filter(public_id=_uuid_or_404(id)).first()
    if taxonomy is None:
        raise Http404
    return mapping.taxonomy_to_hsds(taxonomy)


@api.get("/taxonomy_terms", response=Responses, summary="Paginated list of taxonomy terms")
@no_person_data
def list_taxonomy_terms(request: HttpRequest, params: Query[TermParams]) -> dict[str, Any]:
    queryset = exporter.taxonomy_terms().order_by("taxonomy__name", "position", "code", "pk")
    if params.taxonomy_id:
        queryset = queryset.filter(taxonomy__public_id=params.taxonomy_id)
    if params.parent_id:
        queryset = queryset.filter(parent__public_id=params.parent_id)
    if params.top_only:
        queryset = queryset.filter(parent__isnull=True)
    text = params.search.strip()
    if text:
        queryset = queryset.filter(Q(name_fr__icontains=text) | Q(name_en__icontains=text) | Q(code__icontains=text))
    return page_of(queryset, params, exporter.term_to_hsds)


@api.get("/taxonomy_terms/{id}", response=Responses, summary="A taxonomy term")
@no_person_data
def get_taxonomy_term(request: HttpRequest, id: str) -> dict[str, Any]:
    term = exporter.taxonomy_terms().filter(public_id=_uuid_or_404(id)).first()
    if term is None:
        raise Http404
    return exporter.term_to_hsds(term)


def _public(urls: tuple) -> tuple:
    """Mark every view public for LoginRequiredMiddleware: the HSDS API is open data; its reads tolerate lag
    (a read replica may answer them, maillage.core.db_routing)."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        callback = getattr(pattern, "callback", None)
        if callback is not None:
            callback.login_required = False
            pattern.callback = lag_tolerant_view(callback)
    return patterns, app_name, namespace


def urls() -> tuple:
    return _public(api.urls)
