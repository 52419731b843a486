import sys

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView

from clinics import health, outage
from clinics.api.docs import SwaggerView
from clinics.api.errors import json_not_found, json_server_error, json_service_unavailable
from clinics.sitemaps import SITEMAPS, sitemap_index
from clinics.views import page_not_found, robots_txt, server_error, service_unavailable

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("clinics.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("health/live/", health.live, name="health-live"),
    path("health/ready/", health.ready, name="health-ready"),
    # One sitemap for both languages (each address lists its alternates) and one robots.txt: not prefixed.
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("demand.urls")),
    path("", include("embed.urls")),  # the embeddable finder takes its language as ?lang=
    # The visitor pages: English at /, Spanish at /es/ (the same path after the prefix).
    *i18n_patterns(
        path("", include("clinics.urls")),
        # The page scripts' Spanish (djangojs.po), loaded by base.html on Spanish pages only; it changes only with
        # a release, so browsers keep it for an hour.
        path(
            "jsi18n/",
            cache_control(public=True, max_age=3600)(JavaScriptCatalog.as_view(packages=["clinics"])),
            name="javascript-catalog",
        ),
        prefix_default_language=False,
    ),
]


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_not_found(request, exception)
    return page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    """Any uncaught error; one that means the database is unreachable answers 503 with Retry-After."""
    error = sys.exc_info()[1]  # handler500 runs inside Django's except block
    if health.database_unavailable(error):
        outage.note_unreachable_database(error)
        if request.path.startswith("/api/"):
            return json_service_unavailable(request)
        return service_unavailable(request)
    if request.path.startswith("/api/"):
        return json_server_error(request)
    return server_error(request)
