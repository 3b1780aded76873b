"""One error format for the whole API: `{"detail": str, "errors": [{"field": str, "message": str}]}`.

Every error the API answers (400, 401, 403, 404, 405, 409, 422, 429) has this shape, with translated
messages: ninja's own validation errors, malformed JSON bodies, authentication and scope failures, Django's
`PermissionDenied`, `Http404` and the `ValidationError` that services raise. A 409 (`ConflictOut`) also
says what changed since the version the client read (`StaleWrite`, ADR 5), or that the first request with
the same `Idempotency-Key` is still running.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from maillage.core.idempotency import RequestInProgress
from maillage.core.versioning import StaleWrite

NON_FIELD = "__all__"


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class ChangeOut(Schema):
    field: str
    label: str
    then: str = Field(description="The value at the version you read.")
    now: str = Field(description="The value now.")


class ConflictOut(ErrorOut):
    current_version: int | None = Field(
        None, description="The version to send with the next write, once you have checked what changed."
    )
    changes: list[ChangeOut] = Field([], description="What changed since the version you read.")


# What each status says by default, in the reader's language.
STATUS_DETAILS = {
    400: gettext_lazy("The request could not be read: send a valid JSON body."),
    401: gettext_lazy("Authentication required: send a valid API token."),
    403: gettext_lazy("You are not allowed to do this."),
    404: gettext_lazy("Not found."),
    405: gettext_lazy("This method is not allowed here."),
    409: gettext_lazy("This changed since you read it: nothing was saved."),
    422: gettext_lazy("The request is not valid."),
    429: gettext_lazy("Too many requests: slow down and try again later."),
}

# ninja's own English messages, replaced by the translated default of their status.
_NINJA_MESSAGES = {
    "Cannot parse request body",
    "CSRF check Failed",
    "Unauthorized",
    "Forbidden",
    "Too many requests.",
    "Method not allowed",
    "Not Found",
}

# pydantic error types, with a translated message for the most frequent ones.
_PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "float_type": gettext_lazy("Enter a number."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "bool_type": gettext_lazy("Enter true or false."),
    "string_type": gettext_lazy("Enter a text."),
    "string_too_short": gettext_lazy("This text is too short."),
    "string_too_long": gettext_lazy("This text is too long."),
    "too_short": gettext_lazy("Too few items."),
    "too_long": gettext_lazy("Too many items."),
    "greater_than": gettext_lazy("This value is too small."),
    "greater_than_equal": gettext_lazy("This value is too small."),
    "less_than": gettext_lazy("This value is too large."),
    "less_than_equal": gettext_lazy("This value is too large."),
    "uuid_parsing": gettext_lazy("Enter a valid identifier (UUID)."),
    "uuid_type": gettext_lazy("Enter a valid identifier (UUID)."),
    "datetime_parsing": gettext_lazy("Enter a valid date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Enter a valid date and time (ISO 8601)."),
    "datetime_type": gettext_lazy("Enter a valid date and time (ISO 8601)."),
    "datetime_future": gettext_lazy("Enter a date and time in the future."),
    "date_parsing": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "date_type": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "enum": gettext_lazy("Choose one of the allowed values."),
    "literal_error": gettext_lazy("Choose one of the allowed values."),
    "list_type": gettext_lazy("Send a list."),
    "dict_type": gettext_lazy("Send an object."),
    "model_type": gettext_lazy("Send an object."),
    "model_attributes_type": gettext_lazy("Send an object."),
    "json_invalid": gettext_lazy("Send valid JSON."),
    "json_type": gettext_lazy("Send valid JSON."),
    "url_parsing": gettext_lazy("Enter a valid URL."),
    "url_type": gettext_lazy("Enter a valid URL."),
    "url_scheme": gettext_lazy("Enter a valid URL."),
    "extra_forbidden": gettext_lazy("This field is not expected."),
    "value_error": gettext_lazy("This value is not valid."),
}


def error_body(detail: str, errors: Iterable[tuple[str, str]] = ()) -> dict:
    return {"detail": str(detail), "errors": [{"field": field, "message": str(message)} for field, message in errors]}


def _field_name(location: Iterable) -> str:
    # ninja reports ("body", "payload", "name"); clients want "name".
    parts = [str(part) for part in location if part not in {"body", "query", "path", "payload", "form", "header"}]
    return ".".join(parts) or NON_FIELD


def _pydantic_message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "value_error":
        # Our own validators raise ValueError(gettext(...)): keep their translated text.
        message = str(error.get("msg", ""))
        return message.removeprefix("Value error, ") or str(_PYDANTIC_MESSAGES["value_error"])
    if kind in {"enum", "literal_error"} and (expected := (error.get("ctx") or {}).get("expected")):
        return _("Choose one of: %(expected)s.") % {"expected": expected}
    if kind in _PYDANTIC_MESSAGES:
        return str(_PYDANTIC_MESSAGES[kind])
    return str(error.get("msg", _PYDANTIC_MESSAGES["value_error"]))


def validation_errors(exc: ValidationError) -> list[tuple[str, str]]:
    return [(_field_name(error.get("loc", ())), _pydantic_message(error)) for error in exc.errors]


def django_validation_errors(exc: DjangoValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(field, message) for field, messages in exc.message_dict.items() for message in messages]
    return [(NON_FIELD, message) for message in exc.messages]


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, detail: str | None = None, errors=()) -> HttpResponse:
        return api.create_response(request, error_body(detail or STATUS_DETAILS[status], errors), status=status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, 422, errors=validation_errors(exc))

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return respond(request, 422, errors=django_validation_errors(exc))

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = str(exc)
        response = respond(request, 401, None if message in _NINJA_MESSAGES else message)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, str(exc) or None)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404)

    @api.exception_handler(StaleWrite)
    def stale_write(request: HttpRequest, exc: StaleWrite) -> HttpResponse:
        body = error_body(STATUS_DETAILS[409], [("version", exc.message)])
        body["current_version"] = exc.current_version
        body["changes"] = [{"field": c.field, "label": c.label, "then": c.then, "now": c.now} for c in exc.changes]
        return api.create_response(request, body, status=409)

    @api.exception_handler(RequestInProgress)
    def request_in_progress(request: HttpRequest, exc: RequestInProgress) -> HttpResponse:
        response = respond(request, 409, str(exc))
        response["Retry-After"] = "1"
        return response

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = respond(request, 429)
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        message = str(exc)
        if message in _NINJA_MESSAGES or not message:
            message = str(STATUS_DETAILS.get(status, message))
        return respond(request, status, message)
