"""django-leaflet's ``{% leaflet_css %}`` and ``{% leaflet_js %}``, rendered once per process and language.

Their HTML (Leaflet's link and script elements, and its JSON-script settings) depends only on settings,
the static files' names and the language, yet the tags render three templates and translate 32
strings of Leaflet.draw each time: about a tenth of a map page's cost. These tags give the same HTML
(a test holds them equal) from a memo, dropped whenever a setting changes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from leaflet.templatetags import leaflet_tags

register = template.Library()


@lru_cache(maxsize=16)
def _rendered(kind: str, language: str | None) -> SafeString:
    context = leaflet_tags.leaflet_css() if kind == "css" else leaflet_tags.leaflet_js()
    return mark_safe(render_to_string(f"leaflet/{kind}.html", context))  # django-leaflet's own templates


@register.simple_tag
def map_css() -> SafeString:
    """What ``{% leaflet_css %}`` writes."""
    return _rendered("css", get_language())


@register.simple_tag
def map_js() -> SafeString:
    """What ``{% leaflet_js %}`` writes."""
    return _rendered("js", get_language())


def _forget(**kwargs: Any) -> None:
    _rendered.cache_clear()


setting_changed.connect(_forget)
