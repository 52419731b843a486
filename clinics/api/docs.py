"""The API's interactive documentation page (Swagger UI from drf-spectacular's sidecar)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.request import Request


class SwaggerView(SpectacularSwaggerView):
    """drf-spectacular's page, answering OPTIONS itself.

    DRF answers OPTIONS with a metadata document rendered by the view's renderer; this page's only
    renderer is an HTML template made for the page, so OPTIONS used to fail with a 500.
    """

    def options(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        return HttpResponse(status=204, headers={"Allow": "GET, HEAD, OPTIONS"})
