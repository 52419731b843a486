"""The API's language: its human-readable fields (messages, notes, warnings, today's hours, names) in Spanish for
``?lang=es`` or ``Accept-Language: es``; codes, slugs and field names are the same in every language.

The visitor pages take their language from their address (/es/...); the API has one address per answer, so a
client asks: ``lang`` first (a link or an embed can carry it), then Accept-Language, else English. An unknown
``lang`` is not an error: the client gets the next choice, as from a browser asking for a language we lack.
Every answer says which language it is in (Content-Language) and that Accept-Language changes it (Vary).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"
LANG_PARAMETER = "lang"


def api_language(request: HttpRequest) -> str:
    """The language the client asked for, by ``lang`` and then Accept-Language, among settings.LANGUAGES."""
    asked = request.GET.get(LANG_PARAMETER, "").strip()
    if asked:
        try:
            return translation.get_supported_language_variant(asked.lower())
        except LookupError:
            pass
    # Django's own choice from Accept-Language (or its language cookie, which this site never sets), else English.
    return translation.get_language_from_request(request)


class ApiLanguageMiddleware:
    """Answers /api/ requests in the client's language; after LocaleMiddleware, which keeps unprefixed pages English."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        language = api_language(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language",))
        return response


LANG_DESCRIPTION = (
    "The language of the answer's human-readable fields: `en` (the default) or `es`. Without it, the request's "
    "Accept-Language header chooses; an unknown value is ignored. Codes, slugs and numbers are the same in both."
)


def document_language(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular's last step: every API operation takes ``lang`` (the middleware reads it for all of them)."""
    parameter = {"name": LANG_PARAMETER, "in": "query", "required": False, "schema": {"type": "string"}}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith(API_PREFIX):
            continue
        for operation in operations.values():
            operation.setdefault("parameters", []).append({**parameter, "description": LANG_DESCRIPTION})
    return result
