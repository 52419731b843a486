"""The one wrapper around geopy: street addresses, asked of the service named in ``settings.GEOCODER``.

Each lookup goes through the site's shared budget, a timeout and geopy's RateLimiter, and its
answer (found or not) is kept in Django's cache, so one address is asked for once. Every failure
is returned as a ``GeocodeFailure``, never raised. ``settings.GEOCODER["SERVICE"]`` is a geopy
service name or a dotted path to any geopy-compatible class, which is how tests put in a fake;
changing the setting (``override_settings``, pytest-django's ``settings``) builds the service anew.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.dispatch import receiver
from django.test.signals import setting_changed
from django.utils.module_loading import import_string
from geopy import exc as geopy_exc
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service

from clinics.geocoding.budget import allow_lookup
from clinics.geocoding.parsing import ZIP_IN_TEXT_RE, normalize_query
from clinics.geocoding.results import FailureCode, GeocodeFailure, GeocodeResult, Place, Precision

log = logging.getLogger(__name__)

_service_lock = threading.Lock()
_service: Callable[..., Any] | None = None


def online_geocoder_configured() -> bool:
    return bool(settings.GEOCODER.get("SERVICE"))


def rate_limited_geocode() -> Callable[..., Any]:
    """The configured service's geocode, behind geopy's RateLimiter: built once per process and setting."""
    global _service
    with _service_lock:
        if _service is None:
            config = settings.GEOCODER
            service = config["SERVICE"]
            cls = import_string(service) if "." in service else get_geocoder_for_service(service)
            options = dict(config.get("OPTIONS", {}))
            options.setdefault("timeout", config.get("TIMEOUT", 3.0))
            _service = RateLimiter(
                cls(**options).geocode,
                min_delay_seconds=config.get("MIN_DELAY_SECONDS", 1.0),
                max_retries=0,
                swallow_exceptions=False,
            )
        return _service


@receiver(setting_changed)
def _forget_service(*, setting: str, **kwargs: Any) -> None:
    """A changed GEOCODER setting names another service, or other options: build it again on next use."""
    global _service
    if setting == "GEOCODER":
        with _service_lock:
            _service = None


def query_options(config: dict[str, Any]) -> dict[str, Any]:
    """Per-query options: as configured, else Nominatim restricted to the US (other services take other words)."""
    options = config.get("QUERY_OPTIONS") or {}
    if not options and config["SERVICE"] == "nominatim":
        return {"country_codes": "us"}
    return dict(options)


def _cache_key(query: str) -> str:
    config = settings.GEOCODER
    digest = hashlib.sha256(f"{config['SERVICE']}|{query}".encode()).hexdigest()[:32]
    return f"geocode:v1:{digest}"


def geocode_online(text: str) -> GeocodeResult:
    """Ask the configured service, once per normalised query (answers and 'not found' are cached)."""
    query = normalize_query(text)
    key = _cache_key(query)
    cached = cache.get(key)
    if cached is not None:
        if cached.get("found"):
            return Place(
                cached["latitude"], cached["longitude"], cached["label"], Precision.ADDRESS, zip_code=cached["zip"]
            )
        return _not_found(text)
    config = settings.GEOCODER
    if not allow_lookup(config.get("MAX_PER_MINUTE") or 0):
        log.warning("geocoder budget for the last minute used up")
        return GeocodeFailure(FailureCode.QUOTA, "Address lookup is busy right now. Try a ZIP code or city instead.")
    try:
        location = rate_limited_geocode()(text, **query_options(config))
    except geopy_exc.GeocoderTimedOut:
        log.warning("geocoder timed out for a query")
        return GeocodeFailure(
            FailureCode.TIMEOUT, "Address lookup is taking too long right now. Try a ZIP code or city instead."
        )
    except geopy_exc.GeocoderQuotaExceeded:
        log.warning("geocoder quota exceeded")
        return GeocodeFailure(FailureCode.QUOTA, "Address lookup is busy right now. Try a ZIP code or city instead.")
    except Exception:
        # An outside service (or a misconfigured one) fails in ways of its own; a visitor still gets
        # a clear answer, and the log gets the traceback.
        log.exception("geocoder failed")
        return GeocodeFailure(
            FailureCode.UNAVAILABLE, "Address lookup is unavailable right now. Try a ZIP code or city instead."
        )
    if location is None:
        cache.set(key, {"found": False}, config["NOT_FOUND_TTL"])
        return _not_found(text)
    label = _short_label(location.address or text)
    zip_match = ZIP_IN_TEXT_RE.search(label)
    place = Place(
        float(location.latitude),
        float(location.longitude),
        label,
        Precision.ADDRESS,
        zip_code=zip_match[1] if zip_match else "",
    )
    cache.set(
        key,
        {
            "found": True,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "label": place.label,
            "zip": place.zip_code,
        },
        config["CACHE_TTL"],
    )
    return place


def _short_label(address: str) -> str:
    """Geocoders return long addresses ("..., Rock Island County, Illinois, 61265, United States")."""
    label = re.sub(r",\s*(United States( of America)?|USA)$", "", address.strip())
    return label[:120]


def _not_found(text: str) -> GeocodeFailure:
    shown = text.strip()[:60]
    return GeocodeFailure(FailureCode.NOT_FOUND, f"We couldn't find “{shown}”. Check the spelling, or try a ZIP code.")
