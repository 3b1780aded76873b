"""Request ids and structured logs (no personal data): each request carries an id, from the proxy's
`X-Request-ID` when it is a plain token, else a new one; it is sent back in `X-Request-ID` and written in every
log line of that request, so that one request is followed across the proxy, the application servers and logs.

Log lines hold what the code logs, which is ids and codes, never a name (the test run's privacy scanner checks
every log line); the JSON formatter adds the time, level, logger and request id, and nothing of the request.
Imported by the logging configuration: no models here.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("maillage_request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request.request_id = given if ACCEPTED.fullmatch(given) else uuid.uuid4().hex
        token = _current.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record: the current request's, or that of the request a record is about
    (Django logs a 4xx/5xx answer after the middleware is done), or "-" outside any request."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id() or "-",
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            line["status"] = status
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def logging_config(log_format: str, level: str) -> dict:
    """Django's LOGGING: `json` (one object per line, for a log store) or `plain` (for a terminal)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "maillage.core.observability.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "maillage.core.observability.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if log_format == "json" else "plain",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
    }
