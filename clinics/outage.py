"""While the database cannot be reached, answer at once instead of making every request wait to find out.

A database host that accepts connections and never answers costs each request DB_CONNECT_TIMEOUT
seconds before its 503; with every worker doing that, even the liveness check queued behind them.
The first request that fails to connect starts a pause of DB_RETRY_AFTER seconds for its process:
meanwhile pages and the API answer their 503 at once (liveness still 200), the outage is logged once,
and after the pause the next request tries the database again, so recovery needs no restart.
Only a failure to connect starts a pause: an error on an open connection (SQLite's "database is
locked", say) is about that request, not the database's reachability.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

# Answered as usual during a pause: liveness (the process is up), readiness (which reports the pause itself,
# clinics/health.py), robots.txt (no database needed) and static files (served before any view in development).
ALWAYS_ANSWERED = ("/health/live/", "/health/ready/", "/api/v1/health/", "/robots.txt")


class DatabasePause:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until = 0.0

    def active(self) -> bool:
        return time.monotonic() < self._until

    def begin(self, cause: BaseException | None = None) -> None:
        seconds = float(getattr(settings, "DB_RETRY_AFTER", 5.0))
        with self._lock:
            already = self.active()
            self._until = time.monotonic() + seconds
        if not already:
            # The driver's own words, first line (the server's address and what failed): no request's data is in them.
            detail = str(cause).strip().partition("\n")[0] if cause is not None else ""
            reason = f" ({type(cause).__name__}: {detail})" if detail else ""
            log.warning("database unreachable%s: answering 503 without asking it for %.0f s", reason, seconds)

    def reset(self) -> None:
        with self._lock:
            self._until = 0.0


pause = DatabasePause()


def note_unreachable_database(cause: BaseException | None = None) -> None:
    """Called for an error that means the database is unavailable: pause if we could not even connect.

    Django's own error line for the request is left out (its 503 is planned: clinics/request_log.py), so the
    pause's one warning names the cause.
    """
    if connection.connection is None:
        pause.begin(cause)


class DatabaseOutageMiddleware:
    """Answers 503 at once during a pause; placed after the middleware that sets the security headers and the
    language (locator/settings.py), so the quick 503 has both, and before any that may read the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if pause.active() and request.path not in ALWAYS_ANSWERED and not request.path.startswith("/static/"):
            from clinics.api.errors import json_service_unavailable
            from clinics.views import service_unavailable

            if request.path.startswith("/api/"):
                return json_service_unavailable(request)
            return service_unavailable(request)
        return self.get_response(request)
