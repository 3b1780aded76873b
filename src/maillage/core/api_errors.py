"""One error format for the whole API: `{"detail": str, "errors": [{"field", "message"}]}`."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


def _field_name(location: tuple) -> str:
    # ninja reports ("body", "payload", "name"); clients want "name".
    parts = [str(part) for part in location if part not in {"body", "query", "path", "payload", "form"}]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [{"field": _field_name(tuple(e.get("loc", ()))), "message": e.get("msg", "")} for e in exc.errors]
        return api.create_response(request, {"detail": _("The request is not valid."), "errors": errors}, status=422)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, {"detail": _("Authentication required."), "errors": []}, status=401)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("Not found."), "errors": []}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc), "errors": []}, status=exc.status_code)
