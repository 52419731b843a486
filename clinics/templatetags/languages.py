"""{% language_switch %} and {% language_alternates %}: base.html's link to the other language and its hreflang links.

Both need the request; the error pages rendered without one (500, 503) get neither.
"""

from __future__ import annotations

from typing import Any

from django import template

from clinics import languages

register = template.Library()


@register.simple_tag(takes_context=True)
def language_switch(context: dict[str, Any]) -> languages.LanguageLink | None:
    request = context.get("request")
    return languages.language_switch(request) if request is not None else None


@register.simple_tag(takes_context=True)
def language_alternates(context: dict[str, Any]) -> list[tuple[str, str]]:
    request = context.get("request")
    return languages.alternates(request, context.get("canonical_url") or "") if request is not None else []
