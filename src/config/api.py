"""The API under /api/v1/: each app contributes a django-ninja `router` from its `api.py`.

Deny by default: every operation requires a personal access token or a browser session (`api_auth`)
unless it says `auth=None`. Every error has the format of `maillage.core.api_errors`, including the
405 of an unsupported method and the 404 of an unknown path under /api/v1/; each operation's OpenAPI
description lists the error statuses it can answer.
"""

from collections.abc import Callable
from functools import wraps
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from maillage.access.no_store import mark_person_data_operations
from maillage.accounts.api_auth import api_auth
from maillage.core.api_errors import STATUS_DETAILS, error_body, install_error_handlers

ERROR_SCHEMAS = {
    "FieldError": {
        "title": "FieldError",
        "type": "object",
        "properties": {
            "field": {"title": "Field", "type": "string"},
            "message": {"title": "Message", "type": "string"},
        },
        "required": ["field", "message"],
    },
    "ErrorOut": {
        "title": "ErrorOut",
        "type": "object",
        "properties": {
            "detail": {"title": "Detail", "type": "string"},
            "errors": {"title": "Errors", "type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
        },
        "required": ["detail"],
    },
}
# Statuses any operation may answer (malformed body, unknown object, invalid input, throttling); and, for the
# authenticated ones, 401 and 403.
COMMON_ERROR_STATUSES = (400, 404, 422, 429)
AUTH_ERROR_STATUSES = (401, 403)
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def _has_nul(request: HttpRequest) -> bool:
    """PostgreSQL cannot store NUL characters: refuse them at the door rather than fail with a 500."""
    if "\x00" in request.path or any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
        return True
    if request.method not in {"POST", "PUT", "PATCH", "DELETE"}:
        return False
    if request.content_type == "application/json":
        return b"\x00" in request.body or b"\\u0000" in request.body
    if request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        # Form fields only: uploaded files are left to their parser, which streams them.
        return any("\x00" in key + "".join(values) for key, values in request.POST.lists())
    return False


class MaillageAPI(NinjaAPI):
    def _get_urls(self) -> list[Any]:
        urls = [self._wrap(url) for url in super()._get_urls()]
        urls.append(re_path(r"^.*$", csrf_exempt(self._wrap_view(self._unknown_path)), name="unknown-path"))
        return urls

    def _wrap(self, url: Any) -> Any:
        if not isinstance(url, URLPattern):
            return url
        return URLPattern(url.pattern, self._wrap_view(url.callback), url.default_args, url.name)

    def _wrap_view(self, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def api_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                has_nul = _has_nul(request)
            except RequestDataTooBig:
                return self.error_response(request, 400, errors=[("__all__", _("The request body is too large."))])
            except (SuspiciousOperation, MultiPartParserError):
                return self.error_response(request, 400)
            if has_nul:
                return self.error_response(
                    request, 422, errors=[("__all__", _("Null characters are not allowed in a request."))]
                )
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                response = self.error_response(request, 405)
                response["Allow"] = allowed
            return response

        # Authentication is the API's business (tokens, or the session with its own CSRF check), not the pages'.
        return login_not_required(api_view)

    def _unknown_path(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.error_response(request, 404)

    def error_response(self, request: HttpRequest, status: int, errors: Any = ()) -> HttpResponse:
        return self.create_response(request, error_body(STATUS_DETAILS[status], errors), status=status)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> dict:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in ERROR_SCHEMAS.items():
            components.setdefault(name, definition)
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                if method not in HTTP_METHODS:
                    continue
                statuses = COMMON_ERROR_STATUSES + (AUTH_ERROR_STATUSES if operation.get("security") else ())
                responses = operation.setdefault("responses", {})
                declared = {str(code) for code in responses}  # ninja keys them by int: never add "401" beside 401
                for status in statuses:
                    if str(status) in declared:
                        continue
                    responses.setdefault(
                        status,
                        {
                            "description": str(STATUS_DETAILS[status]),
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
                        },
                    )
        return schema


class Docs(Swagger):
    """Swagger UI from django-ninja's local assets, on a page that declares its language (WCAG 3.1.1)."""

    template = "core/api_docs.html"


api = MaillageAPI(
    title="Maillage API",
    version="1",
    description=(
        "Travail en réseau: partner directory, persons and their networks, consent and audit. "
        "Authenticate with a personal access token (`Authorization: Bearer mlg_…`, created on your "
        "account's API tokens page) or, in the browser, with your session. Lists are paginated with "
        "`page` and `page_size`; every error is `{detail, errors: [{field, message}]}`."
    ),
    urls_namespace="api",
    docs_url="/docs",
    docs=Docs(),
    auth=api_auth,
    throttle=[
        AnonRateThrottle(getattr(settings, "API_THROTTLE_ANONYMOUS", "120/m")),
        AuthRateThrottle(getattr(settings, "API_THROTTLE_AUTHENTICATED", "1200/m")),
    ],
)
install_error_handlers(api)
# Every answer of an operation declared @person_data is `Cache-Control: no-store` (before the routers: they
# inherit the API's decorators when added).
api.add_decorator(mark_person_data_operations, mode="view")

for app_config in apps.get_app_configs():
    if not app_config.name.startswith("maillage."):
        continue
    try:
        module = import_module(f"{app_config.name}.api")
    except ModuleNotFoundError as error:
        if error.name != f"{app_config.name}.api":
            raise
        continue
    api.add_router(f"/{app_config.label}/", module.router, tags=[app_config.label])
