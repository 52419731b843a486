"""Health for load balancers and operators, and telling "the database is down" from a bug.

- Liveness (``/health/live/``): the process answers. Nothing else is touched, so a load balancer never
  restarts a healthy process because a service behind it failed.
- Readiness (``/health/ready/``, and ``/api/v1/health/`` in the API): the database and the shared cache
  each asked once, with what failed named in the JSON. The database is required: without it nothing
  can be shown, so the answer is 503. The cache is an accelerator (clinics/shared_cache.py): its failure
  is reported ("degraded") but answers 200, so a Redis outage does not take every app server out of
  the load balancer at once. READY_REQUIRES_CACHE=true makes it required too.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from clinics.shared_cache import FailOpenRedisCache, breaker

log = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None = None) -> bool:
    """Whether an error (by default the one being handled) means the database cannot be reached.

    OperationalError and InterfaceError are what drivers raise for a refused, lost or timed-out
    connection (and SQLite for a file it cannot open); a bad query raises other errors.
    """
    if error is None:
        error = sys.exc_info()[1]
    return isinstance(error, OperationalError | InterfaceError)


def check_database() -> dict[str, Any]:
    from clinics.outage import pause

    if pause.active():  # this process found it unreachable seconds ago (clinics/outage.py): not asked again yet
        return {"status": "unavailable", "paused": True}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        log.error("readiness: database unavailable (%s)", type(error).__name__)
        return {"status": "unavailable"}
    return {"status": "ok"}


def check_cache() -> dict[str, Any]:
    cache = caches["default"]
    if not isinstance(cache, FailOpenRedisCache):
        return {"status": "ok", "backend": "local memory"}
    from django_redis import get_redis_connection

    # Asked directly, not through the breaker: a readiness probe is how a paused Redis is found back.
    try:
        get_redis_connection("default").ping()
    except Exception as error:  # redis-py's errors, a timeout, a refused connection
        breaker.failed(error)
        return {"status": "unavailable", "backend": "redis", **breaker.status()}
    breaker.succeeded()
    return {"status": "ok", "backend": "redis", **breaker.status()}


def readiness() -> tuple[dict[str, Any], int]:
    """The readiness answer and its HTTP status."""
    checks = {"database": check_database(), "cache": check_cache()}
    failed = [name for name, check in checks.items() if check["status"] != "ok"]
    required = {"database"} | ({"cache"} if getattr(settings, "READY_REQUIRES_CACHE", False) else set())
    if required & set(failed):
        status, code = "unavailable", 503
    elif failed:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return {"status": status, "failed": failed, "checks": checks}, code


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    body, code = readiness()
    response = JsonResponse(body, status=code)
    if code == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
