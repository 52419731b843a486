"""Links the site writes: to itself (canonical, sitemap, JSON-LD, the API's URLs) and to stored web addresses."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def public_url(request: HttpRequest | None, path: str) -> str:
    """``path`` on the site's public address: SITE_URL when it is set (production), else the request's own host."""
    if settings.SITE_URL:
        return f"{settings.SITE_URL}{path}"
    return request.build_absolute_uri(path) if request is not None else path


def web_url(url: str) -> str:
    """The URL if it is an http(s) link, else "": a javascript: URL saved past validation must never become a link."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
    return url if scheme in ("http", "https") else ""
