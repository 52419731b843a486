"""The embeddable finder: the script articles load, the frame it inserts, and the pages marketing staff use.

- ``/embed.js`` (``script``): replaces each ``<div data-rockvalley-finder>`` with the finder's frame.
- ``/embed/finder/`` (``finder``): the frame. A ZIP box and the three nearest clinics, server-rendered by the
  same search as the results page (clinics/search/), a GET form that submits within the frame: no cookie, no
  session, nothing from any other site. Only this site and EMBED_ALLOWED_ORIGINS may frame it (embed/framing.py).
- ``/embed/`` (``builder``): choose the condition and the language, copy the snippet, see it live.
- ``/embed/sample-article/`` (``sample_article``): an article with the snippet, as the marketing site would have it.

These URLs sit outside any language prefix: the frame speaks the language it is given (``?lang=es``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from clinics.conditions import ConditionEntry, catalogue
from clinics.geocoding import GeocodeFailure
from clinics.links import public_url
from clinics.search.nearby import search_nearby
from clinics.search.params import InvalidSearch, parse_search
from clinics.throttling import search_wait
from clinics.views import result_rows
from demand.recording import record_search, search_area
from embed.framing import framable_by_embedders
from embed.snippet import FINDER_LANGUAGES, finder_language, snippet_html

# The nearest few: what fits beside an article; "See all on the map" leads to the rest.
RESULTS_SHOWN = 3
# What the frame's URL may carry into the search; anything else (a limit, a radius) is the finder's own choice.
SEARCH_FIELDS = ("q", "lat", "lng", "condition")
SCRIPT_PATH = Path(__file__).resolve().parent / "static" / "embed" / "embed.js"
# /embed.js has no hash in its name (articles keep the snippet for years): browsers may keep it this long.
SCRIPT_MAX_AGE = 60 * 60
# The empty finder (no search yet) is the same for every reader of an article.
EMPTY_FINDER_MAX_AGE = 5 * 60


def _condition(slug: str | None) -> ConditionEntry | None:
    return catalogue.get().by_slug.get((slug or "").strip())


@cache
def _script_source() -> bytes:
    return SCRIPT_PATH.read_bytes()


@require_safe
def script(request: HttpRequest) -> HttpResponse:
    """The embed script, at a fixed address the snippet names (a hashed static name would change each release)."""
    response = HttpResponse(_script_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={SCRIPT_MAX_AGE}"
    return response


@require_safe
@framable_by_embedders
def finder(request: HttpRequest) -> HttpResponse:
    """The frame: the search form, then (after a search) the three nearest clinics, in the language asked for."""
    language = finder_language(request.GET.get("lang"))
    with translation.override(language):
        context, status = _finder_context(request, language)
        response = render(request, "embed/finder.html", context, status=status)
    response["Content-Language"] = language
    if status == 429:
        response["Retry-After"] = str(context["retry_after"])
    if not context["searched"]:
        response["Cache-Control"] = f"public, max-age={EMPTY_FINDER_MAX_AGE}"
    return response


def _finder_context(request: HttpRequest, language: str) -> tuple[dict[str, Any], int]:
    """What the frame shows, and its status: the form alone, why a search could not run, or the nearest clinics.

    The search is the results page's own (parse_search, search_nearby, result_rows), kept to RESULTS_SHOWN.
    """
    query = QueryDict(mutable=True)
    for name in SEARCH_FIELDS:
        if name in request.GET:
            query[name] = request.GET[name][:300]
    condition = _condition(query.get("condition"))
    context: dict[str, Any] = {
        "language": language,
        "condition": condition,
        "condition_value": query.get("condition", "")[:100],
        "q_value": query.get("q", ""),
        "searched": "q" in query or "lat" in query or "lng" in query,
        "errors": {},
        "condition_url": reverse("clinics:condition", args=[condition.slug]) if condition else "",
    }
    if not context["searched"]:
        return context, 200
    query["limit"] = str(RESULTS_SHOWN)
    parsed = parse_search(query)
    if isinstance(parsed, InvalidSearch):
        context["errors"] = {name: messages[0] for name, messages in parsed.errors.items()}
        return context, 400
    context["condition"] = parsed.condition  # also one named in the text: "sciatica near 52403"
    context["notes"] = [note.message for note in parsed.notes]
    wait = search_wait(request)
    if wait is not None:
        context["retry_after"] = wait
        return context, 429
    found = search_nearby(parsed)
    if isinstance(found, GeocodeFailure):
        context["failure"] = found
        return context, 200
    if request.method == "GET":  # a HEAD (a link preview) is nobody searching
        record_search(found, condition=parsed.condition.slug if parsed.condition else "")
    rows = result_rows(found.result.matches, search_area(found.origin), found.result.query.services)
    see_all = {key: value for key, value in query.items() if key != "limit" and value}
    if parsed.condition:
        see_all["condition"] = parsed.condition.slug
    if parsed.text and parsed.condition and "q" in see_all:
        see_all["q"] = parsed.text  # the place alone: the condition rides in its own parameter
    context.update(
        {
            "nearby": found,
            "rows": rows,
            "see_all_url": f"{reverse('clinics:find')}?{urlencode(see_all)}",
        }
    )
    return context, 200


def _builder_choice(request: HttpRequest) -> tuple[ConditionEntry | None, str]:
    """The condition and language the builder (or the sample article) was asked for; unknown values: none."""
    language = request.GET.get("lang", "")
    return _condition(request.GET.get("condition")), language if language in FINDER_LANGUAGES else ""


@require_safe
def builder(request: HttpRequest) -> HttpResponse:
    """For marketing staff: the snippet for an article, to copy, and the finder as it will look there."""
    condition, language = _builder_choice(request)
    snippet = snippet_html(condition=condition, language=language, absolute=lambda path: public_url(request, path))
    sample = {"condition": condition.slug if condition else "", "lang": language}
    return render(
        request,
        "embed/builder.html",
        {
            "conditions": sorted(catalogue.get().entries, key=lambda entry: entry.name),
            "chosen_condition": condition.slug if condition else "",
            "languages": FINDER_LANGUAGES.items(),
            "chosen_language": language,
            "snippet": snippet,
            "sample_url": f"{reverse('embed:sample-article')}?{urlencode({k: v for k, v in sample.items() if v})}",
            "allowed_origins": settings.EMBED_ALLOWED_ORIGINS,
            "site_origin": _origin(public_url(request, "/")),
        },
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@require_safe
def sample_article(request: HttpRequest) -> HttpResponse:
    """A sample article ending with the snippet, as an article on the marketing site would (for the browser tests).

    Its links are absolute, so the same page can be served from another origin and still find the finder.
    """
    condition, language = _builder_choice(request)
    condition = condition or _condition("pinched-nerve")
    snippet = snippet_html(condition=condition, language=language, absolute=lambda path: public_url(request, path))
    return render(
        request,
        "embed/sample_article.html",
        {
            "condition": condition,
            "snippet": snippet,
            "stylesheet_url": public_url(request, static("embed/sample-article.css")),
            "builder_url": public_url(request, reverse("embed:builder")),
        },
    )
