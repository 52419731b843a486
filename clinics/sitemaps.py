"""sitemap.xml: the home page, the clinic list and every active clinic, at the site's public address."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from clinics.models import Clinic


class _PublicAddress(Sitemap):
    """Links on settings.SITE_URL when it is set (as clinics.links.public_url), else on the request's own host."""

    def get_protocol(self, protocol: str | None = None) -> str:
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).scheme or "https"
        return super().get_protocol(protocol)

    def get_domain(self, site: Any = None) -> str:
        if settings.SITE_URL:  # the sitemap joins protocol://domain and each path, so a path prefix rides along
            parts = urlsplit(settings.SITE_URL)
            return parts.netloc + parts.path
        return super().get_domain(site)


class PagesSitemap(_PublicAddress):
    priority = 1.0
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["clinics:home", "clinics:list"]

    def location(self, item: str) -> str:
        return reverse(item)


class ClinicSitemap(_PublicAddress):
    priority = 0.8
    changefreq = "weekly"

    def items(self) -> QuerySet[Clinic]:
        return Clinic.objects.active().order_by("slug")

    def lastmod(self, clinic: Clinic) -> datetime:
        return clinic.updated_at


SITEMAPS = {"pages": PagesSitemap, "clinics": ClinicSitemap}
