"""What marketing pastes into an article: the finder's snippet, and the languages the finder speaks.

The snippet is a ``<div data-rockvalley-finder>`` holding a plain link (what a reader without JavaScript
follows: the condition's page, or the home page) and the async ``/embed.js`` that replaces the link with the
finder's frame. Everything here is pure of HTTP: the views pass the site's address in.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from clinics.conditions import ConditionEntry

# The languages the finder is written in (code: the language's own name). The frame takes ?lang=, embed.js sets
# it from the snippet's data-lang or the article's <html lang>; anything else is English.
FINDER_LANGUAGES: dict[str, str] = dict(settings.LANGUAGES)
DEFAULT_LANGUAGE = settings.LANGUAGE_CODE


def finder_language(raw: str | None) -> str:
    """ "es", "es-MX", "ES_us" -> "es"; an unknown or missing language -> English."""
    code = (raw or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in FINDER_LANGUAGES else DEFAULT_LANGUAGE


def fallback_path(condition: ConditionEntry | None) -> str:
    """Where the snippet's plain link leads: the condition's page (its search is set to it), else the home page."""
    if condition is not None:
        return reverse("clinics:condition", args=[condition.slug])
    return reverse("clinics:home")


def snippet_html(*, condition: ConditionEntry | None, language: str, absolute: Callable[[str], str]) -> str:
    """The snippet for an article about ``condition`` (None: any) in ``language`` ("": the article's own).

    ``absolute`` turns a path on this site into a full address (links.public_url with the request).
    """
    with translation.override(language or DEFAULT_LANGUAGE):
        return render_to_string(
            "embed/_snippet.html",
            {
                "condition": condition,
                "language": language,
                "fallback_url": absolute(fallback_path(condition)),
                "script_url": absolute(reverse("embed:script")),
            },
        ).strip()
