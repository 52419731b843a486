"""Every API error is JSON of one shape: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext, ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from clinics.geocoding import GeocodeFailure
from clinics.health import RETRY_AFTER_SECONDS
from clinics.request_log import current_request_id


class GeocodeError(exceptions.APIException):
    """A place the visitor typed could not be turned into coordinates.

    503 when the geocoder failed; 400 when the text cannot name a place (the schema's pattern for q refuses
    it too); 404 when well-formed text names no place we can find, as a search for a missing thing is.
    """

    def __init__(self, failure: GeocodeFailure) -> None:
        if failure.is_service_failure:
            self.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        elif failure.is_malformed_query:
            self.status_code = status.HTTP_400_BAD_REQUEST
        else:
            self.status_code = status.HTTP_404_NOT_FOUND
        super().__init__(detail=failure.message, code=str(failure.code))
        self.failure = failure


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            items = value if isinstance(value, list) else [value]
            out[str(key)] = [str(item) for item in items if not isinstance(item, dict | list)] or [str(items)]
        return out
    items = detail if isinstance(detail, list) else [detail]
    return {"non_field_errors": [str(item) for item in items]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, GeocodeError):
        response.data = error_body(str(exc.failure.code), exc.failure.message, {"q": [exc.failure.message]})
    elif isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.values()))[0] if fields else gettext("Invalid request.")
        response.data = error_body("invalid_parameters", first, fields)
    elif isinstance(exc, exceptions.Throttled):
        seconds = getattr(exc, "wait", None)  # set by Throttled.__init__; the type stubs do not declare it
        message = gettext("Too many requests.")
        if seconds:
            wait = ngettext("Try again in {seconds} second.", "Try again in {seconds} seconds.", int(seconds))
            message = f"{message} {wait.format(seconds=int(seconds))}"
        response.data = error_body("rate_limited", message)
    elif isinstance(exc, Http404 | exceptions.NotFound):
        response.data = error_body("not_found", str(getattr(exc, "detail", "")) or gettext("Not found."))
    else:
        detail = getattr(exc, "detail", str(exc))
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(codes if isinstance(codes, str) else "error", str(detail))
    return response


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("not_found", gettext("No such API endpoint.")), status=404)


def json_server_error(request: HttpRequest) -> JsonResponse:
    body = error_body("server_error", gettext("Something went wrong on our side."))
    body["error"]["request_id"] = current_request_id()
    return JsonResponse(body, status=500)


def json_service_unavailable(request: HttpRequest) -> JsonResponse:
    """The database is unreachable: clients are told to retry, and when."""
    body = error_body("unavailable", gettext("The clinic directory is unavailable right now. Try again shortly."))
    body["error"]["request_id"] = current_request_id()
    response = JsonResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
