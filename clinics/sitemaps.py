"""The sitemap: an index (/sitemap.xml) of sections, each in pages of at most ``SITEMAP_PAGE_SIZE`` addresses.

Sections: "pages" (the home page, the clinic list, the conditions we treat and, when the directory is large
enough to be listed by state, every page of every state: clinics/views.py), "conditions" (each condition's page)
and "clinics" (every active clinic). Django's index view
lists each section's pages (/sitemap-clinics.xml?p=2), so no answer grows with the directory. Links are on
settings.SITE_URL when it is set, else on the request's own host.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from clinics.counts import state_counts
from clinics.links import public_url
from clinics.listing import lists_every_clinic, state_page_url
from clinics.models import Clinic, Condition

# Google's limit is 50,000 addresses a file; Django's template writes about 10,000 a second, so a page of
# this many takes a fifth of a second (100,000 clinics: 50 pages).
SITEMAP_PAGE_SIZE = 2000


class _PublicAddress(Sitemap):
    """Links on settings.SITE_URL when it is set (as clinics.links.public_url), else on the request's own host.

    Every page in every language (settings.LANGUAGES), each listing the others and x-default (English) as its
    alternates, as search engines ask of a site in several languages.
    """

    limit = SITEMAP_PAGE_SIZE
    i18n = True
    alternates = True
    x_default = True

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
    """The home page, the clinic list and, for a directory listed by state, each state's pages."""

    priority = 1.0
    changefreq = "weekly"

    def items(self) -> list[Callable[[], str]]:
        """Each page's address, worked out in the language the sitemap asks for (/es/... in Spanish)."""
        pages: list[Callable[[], str]] = [partial(reverse, name) for name in ("clinics:home", "clinics:list")]
        pages.append(partial(reverse, "clinics:conditions"))
        directory = state_counts.get()
        if not lists_every_clinic(directory):
            size = settings.CLINIC_LIST_PAGE_SIZE
            for state in directory.states:
                pages += [
                    partial(state_page_url, state.code, page) for page in range(1, math.ceil(state.count / size) + 1)
                ]
        return pages

    def location(self, item: Callable[[], str]) -> str:
        return item()


class ClinicSitemap(_PublicAddress):
    priority = 0.8
    changefreq = "weekly"

    def items(self) -> QuerySet[Clinic]:
        return Clinic.objects.public().order_by("slug").only("slug", "updated_at")

    def lastmod(self, clinic: Clinic) -> datetime:
        return clinic.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        """One query; Django's default reads every clinic to find the latest."""
        latest: datetime | None = self.items().aggregate(latest=Max("updated_at"))["latest"]
        return latest


class ConditionSitemap(_PublicAddress):
    """Each condition's page, where articles about it link."""

    priority = 0.7
    changefreq = "monthly"

    def items(self) -> QuerySet[Condition]:
        return Condition.objects.order_by("slug").only("slug")


SITEMAPS: dict[str, type[Sitemap] | Sitemap] = {
    "pages": PagesSitemap,
    "conditions": ConditionSitemap,
    "clinics": ClinicSitemap,
}


def sitemap_index(request: HttpRequest) -> HttpResponse:
    """Django's sitemap index view, with its section addresses on the site's public address.

    The view writes each section's address on the request's own host; they are moved to SITE_URL
    (clinics.links.public_url) as every other link the site writes.
    """
    response = sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap-section")
    assert isinstance(response, TemplateResponse) and isinstance(response.context_data, dict)
    own = f"{request.scheme}://{request.get_host()}"
    for item in response.context_data["sitemaps"]:
        if item.location.startswith(own):
            item.location = public_url(request, item.location[len(own) :])
    return response
