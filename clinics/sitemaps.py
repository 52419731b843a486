"""sitemap.xml: the home page, the clinic list and every active clinic, at the site's public address."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from clinics.models import Clinic


class _PublicAddress:
    """Links use settings.SITE_URL, not whatever Host header the request arrived with (sites is not installed)."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site: object = None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class PagesSitemap(_PublicAddress, Sitemap):
    priority = 1.0
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["clinics:home", "clinics:list"]

    def location(self, item: str) -> str:
        return reverse(item)


class ClinicSitemap(_PublicAddress, Sitemap):
    priority = 0.8
    changefreq = "weekly"

    def items(self) -> QuerySet[Clinic]:
        return Clinic.objects.active().order_by("slug")

    def lastmod(self, clinic: Clinic) -> datetime:
        return clinic.updated_at


SITEMAPS = {"pages": PagesSitemap, "clinics": ClinicSitemap}
