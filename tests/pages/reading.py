"""Reading a page as a visitor does, for the page tests."""

from __future__ import annotations

import json
import re
from html import unescape

XSS_NAME = "<img src=x onerror=alert(1)>"


def html(response) -> str:
    return response.content.decode()


def result_slugs(page: str) -> list[str]:
    return re.findall(r'<li class="result[^"]*"[^>]*data-slug="([^"]+)"', page)


def text_of(page: str) -> str:
    """The page as a visitor reads it: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def jsonld(page: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match[1])
