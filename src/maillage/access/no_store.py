"""Responses that carry person data are never stored: `Cache-Control: no-store`, decided here only.

A view or API operation declared `@person_data` (`maillage.access.door`) has every response marked, whatever
its status: the page or file, a fragment, an export, an error (the 404 of an unknown or forbidden person
included) or a redirect. A browser's back button, a shared computer's disk cache or a proxy then keep
nothing. Views declared `@no_person_data` keep their own headers, so the public directory stays cacheable.

Two hooks read the declaration and mark the request; the middleware writes the header:
- pages: `PersonDataNoStoreMiddleware.process_view`, from the view function's declaration;
- the API: `mark_person_data_operations`, a django-ninja "view" decorator the API applies to every
  operation (`config.api`), from the operation's function (ninja's view under the URL serves several).
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase

from maillage.access.door import PERSON_DATA_ATTRIBUTE

NO_STORE = "no-store"
REQUEST_MARK = "maillage_serves_person_data"


def serves_person_data(view: Any) -> bool:
    return getattr(view, PERSON_DATA_ATTRIBUTE, None) is not None


def mark(request: HttpRequest) -> None:
    setattr(request, REQUEST_MARK, True)


class PersonDataNoStoreMiddleware:
    """Placed right after WhiteNoise (static files never carry person data): no outer middleware rewrites the
    header after it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if getattr(request, REQUEST_MARK, False):
            response["Cache-Control"] = NO_STORE
            # HTTP/1.0 caches know only Pragma; `Expires` from an earlier decorator would contradict no-store.
            response["Pragma"] = "no-cache"
            del response["Expires"]
        return response

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        if serves_person_data(view_func):
            mark(request)


def mark_person_data_operations(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A django-ninja "view" decorator: wraps an operation's `run` (auth, validation, the function, errors)."""
    operation = getattr(run, "__self__", None)
    if not serves_person_data(getattr(operation, "view_func", None)):
        return run

    def run_marked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        mark(request)
        return run(request, *args, **kwargs)

    return run_marked
