"""The visitor pages' languages: the same page at /... (English) and /es/... (Spanish).

The paths are the same in every language after the prefix (/es/clinics/, not /es/clinicas/), so the page in
another language is the same address with the prefix changed, query string and all: a search stays the same
search. The rule for which language a request gets is Django's LocaleMiddleware over ``i18n_patterns`` with
``prefix_default_language=False`` (locator/urls.py); the API's is clinics/api/language.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_from_path, get_language_info

from clinics.links import public_url


def default_language() -> str:
    return settings.LANGUAGE_CODE


def path_in_language(path: str, language: str) -> str:
    """``path`` (after the script prefix, with any query string) for ``language``: /find/?q=1 <-> /es/find/?q=1."""
    current = get_language_from_path(path)
    if current and current != default_language():
        path = path[len(current) + 1 :]
    # One leading slash, always: "/es//evil.example/" must never become the protocol-relative "//evil.example/"
    # (nor "/\\evil.example", which browsers read the same way).
    path = "/" + path.lstrip("/\\")
    return path if language == default_language() else f"/{language}{path}"


def _with_script_prefix(path: str) -> str:
    return get_script_prefix().rstrip("/") + path


@dataclass(frozen=True)
class LanguageLink:
    code: str  # "es"
    name: str  # "Español": in its own language, as a visitor looking for it would read it
    url: str


def language_switch(request: HttpRequest) -> LanguageLink | None:
    """The link to this page, with its query string, in the other language (None with a single language)."""
    current = get_language() or default_language()
    others = [code for code, _ in settings.LANGUAGES if code != current]
    if not others:
        return None
    code = others[0]
    path = path_in_language(request.get_full_path_info(), code)
    return LanguageLink(code, capfirst(get_language_info(code)["name_local"]), _with_script_prefix(path))


def alternates(request: HttpRequest, canonical_url: str = "") -> list[tuple[str, str]]:
    """(hreflang, absolute URL) for every language and x-default (English), for the page's <head>.

    From the page's canonical address when it has one (so tracking parameters never become alternates), else from
    the request's own path and query (a search's results are the same search in every language).
    """
    path = request.get_full_path_info()
    if canonical_url:
        base = public_url(request, get_script_prefix().rstrip("/"))
        if canonical_url.startswith(base):
            path = canonical_url[len(base) :] or "/"
        else:
            parts = urlsplit(canonical_url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
    urls = {
        code: public_url(request, _with_script_prefix(path_in_language(path, code))) for code, _ in settings.LANGUAGES
    }
    return [*urls.items(), ("x-default", urls[default_language()])]
