"""Rate limits for anonymous visitors, counted in the shared cache (Redis in production).

One definition serves the API (as DRF throttles) and the results page (through
``search_allowed``), so a visitor cannot dodge the API's limit by using the page.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.throttling import AnonRateThrottle


class SearchThrottle(AnonRateThrottle):
    """Searches: API_SEARCH_RATE per client."""

    scope = "search"


def search_allowed(request: HttpRequest) -> bool:
    """Counts one search by this client; False once the client is over the rate."""
    return SearchThrottle().allow_request(request, None)  # type: ignore[arg-type]
