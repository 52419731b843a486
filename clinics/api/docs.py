"""The API's interactive documentation page (Swagger UI from drf-spectacular's sidecar)."""

from __future__ import annotations

from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.request import Request

# Swagger UI's page has one inline <style> block and sets style attributes as it renders. It loads its
# scripts from this site (the sidecar), so scripts stay 'self' only.
SWAGGER_CSP = {"style-src": [UNSAFE_INLINE]}


@method_decorator(csp_update(SWAGGER_CSP), name="dispatch")
class SwaggerView(SpectacularSwaggerSplitView):
    """drf-spectacular's page, with the Content-Security-Policy it needs and answering OPTIONS itself.

    The "split" view serves Swagger UI's start-up script from this URL (?script) instead of inline, so
    the page runs with script-src 'self' alone.

    DRF answers OPTIONS with a metadata document rendered by the view's renderer; this page's only
    renderer is an HTML template made for the page, so OPTIONS used to fail with a 500.
    """

    def options(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        return HttpResponse(status=204, headers={"Allow": "GET, HEAD, OPTIONS"})
