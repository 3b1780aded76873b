"""The API's one pagination: `?page=1&page_size=50`, answered with `count`, `next`, `previous` and `items`.

Set as NINJA_PAGINATION_CLASS, so `@paginate` on a list operation uses it without arguments.
"""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class Pagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
        page_size: int = Field(
            getattr(settings, "API_PAGE_SIZE", 50), ge=1, le=getattr(settings, "API_MAX_PAGE_SIZE", 200)
        )

    class Output(Schema):
        count: int
        next: str | None = None
        previous: str | None = None
        items: list[Any]

    items_attribute = "items"

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any) -> dict:
        count = self._items_count(queryset)
        offset = (pagination.page - 1) * pagination.page_size
        items = list(queryset[offset : offset + pagination.page_size]) if offset < count else []
        last_page = max(1, -(-count // pagination.page_size))
        return {
            "count": count,
            "next": _page_url(request, pagination.page + 1) if pagination.page < last_page else None,
            "previous": _page_url(request, min(pagination.page - 1, last_page)) if pagination.page > 1 else None,
            "items": items,
        }
