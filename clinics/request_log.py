"""One log line per request, and a request id on every log line, response and error page.

The id comes from django-guid (settings.DJANGO_GUID): the proxy's X-Request-ID when it sent a valid
one (nginx's $request_id, so its log and ours share the id), else a new one; it is returned in the
X-Request-ID header and shown on the 500 and 503 pages, so a visitor's report leads to the log lines.

What the line holds is deliberate: method, path, status, duration and the id. Never the query string
(searches carry ZIP codes, addresses and coordinates), the client's address or its user agent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django_guid import get_guid
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

log = logging.getLogger("clinics.requests")


def current_request_id() -> str:
    return get_guid() or ""


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (or "-" outside a request) on every record, as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class NotServiceUnavailable(logging.Filter):
    """Leaves out Django's "Service Unavailable" line: a 503 here is planned, and said once where it starts."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 503


class UtcTimes:
    """Times in UTC, ISO 8601 with milliseconds ("2026-11-28T01:31:45.871Z"), as nginx's log has them: the app's
    and nginx's lines line up by time as well as by request id, wherever the server's clock zone is."""

    converter: Callable[[float | None], time.struct_time] = time.gmtime
    default_time_format: str = "%Y-%m-%dT%H:%M:%S"
    default_msec_format: str | None = "%s.%03dZ"


class TextLogFormatter(UtcTimes, logging.Formatter):
    """The plain-text log line (LOG_FORMAT=text)."""


class JsonLogFormatter(UtcTimes, JsonFormatter):
    """python-json-logger's formatter, minus the request object Django attaches to its error records.

    Its repr carries the full URL with the query string (a ZIP+4, an address, coordinates); the path
    is already in the message.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class AccessLogMiddleware:
    """Writes the request's line once its answer is known (placed right after django-guid's middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        milliseconds = (time.perf_counter() - started) * 1000
        log.info(
            "%s %s %d %.1fms",
            request.method,
            request.path,
            response.status_code,
            milliseconds,
            extra={"method": request.method, "path": request.path, "status": response.status_code, "ms": milliseconds},
        )
        return response
