"""The one wrapper around geopy: street addresses, asked of the service named in ``settings.GEOCODER``.

A lookup is asked of the service only if nothing refuses it first, and no refusal makes anyone wait:
the answer cache (found and not found answers for long, timeouts and errors briefly), the circuit
breaker (``breaker``), the spacing between lookups and the cap on lookups at once (``slots``), and
the per-minute budget (``budget``). The service itself gets TIMEOUT seconds. Every failure is
returned as a ``GeocodeFailure``, never raised; the caller falls back to the ZIP or city inside the
address. ``settings.GEOCODER["SERVICE"]`` is a geopy
service name or a dotted path to any geopy-compatible class, which is how tests put in a fake;
changing the setting (``override_settings``, pytest-django's ``settings``) builds the service anew.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.dispatch import receiver
from django.test.signals import setting_changed
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_noop
from geopy import exc as geopy_exc
from geopy.adapters import URLLibAdapter
from geopy.geocoders import get_geocoder_for_service

from clinics.geocoding import breaker, slots
from clinics.geocoding.budget import allow_lookup
from clinics.geocoding.parsing import ZIP_IN_TEXT_RE, normalize_query
from clinics.geocoding.results import FailureCode, GeocodeFailure, GeocodeResult, Place, Precision

log = logging.getLogger(__name__)

_service_lock = threading.Lock()
_service: Any | None = None

# English here; each failure is worded in the visitor's language when it is made (gettext).
BUSY = gettext_noop("Address lookup is busy right now. Try a ZIP code or city instead.")
SLOW = gettext_noop("Address lookup is taking too long right now. Try a ZIP code or city instead.")
DOWN = gettext_noop("Address lookup is unavailable right now. Try a ZIP code or city instead.")


def online_geocoder_configured() -> bool:
    return bool(settings.GEOCODER.get("SERVICE"))


def geocoder_service() -> Any:
    """The configured geopy geocoder, with its timeout: built once per process and setting."""
    global _service
    with _service_lock:
        if _service is None:
            config = settings.GEOCODER
            service = config["SERVICE"]
            cls = import_string(service) if "." in service else get_geocoder_for_service(service)
            options = dict(config.get("OPTIONS", {}))
            options.setdefault("timeout", config.get("TIMEOUT", 2.0))
            # The standard library's HTTP client, whatever else is installed: it makes one attempt per
            # lookup (geopy's requests adapter retries twice, tripling the wait) and reports a timeout
            # as a timeout.
            options.setdefault("adapter_factory", URLLibAdapter)
            _service = cls(**options)
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
    """Ask the configured service, once per normalised query, unless something refuses the lookup first."""
    query = normalize_query(text)
    key = _cache_key(query)
    cached = cache.get(key)
    if cached is not None:
        return _from_cache(cached, text)
    config = settings.GEOCODER
    if breaker.paused():
        return GeocodeFailure(FailureCode.UNAVAILABLE, gettext(DOWN))
    if not slots.spaced(config.get("MIN_DELAY_SECONDS", 0)):
        return GeocodeFailure(FailureCode.BUSY, gettext(BUSY))
    if not slots.patiently(lambda: allow_lookup(config.get("MAX_PER_MINUTE") or 0)):
        log.warning("geocoder budget for the last minute used up")
        return GeocodeFailure(FailureCode.QUOTA, gettext(BUSY))
    timeout = float(config.get("TIMEOUT", 2.0))
    with slots.lookup_slot(config.get("MAX_CONCURRENT", 0), hold_seconds=timeout + 5) as free:
        if not free:
            return GeocodeFailure(FailureCode.BUSY, gettext(BUSY))
        try:
            location = geocoder_service().geocode(text, **query_options(config))
        except Exception as error:
            return _service_failed(key, error)
    breaker.record_success()
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


def _from_cache(cached: dict[str, Any], text: str) -> GeocodeResult:
    if cached.get("found"):
        return Place(
            cached["latitude"], cached["longitude"], cached["label"], Precision.ADDRESS, zip_code=cached["zip"]
        )
    if cached.get("failed"):
        code = FailureCode(cached["failed"])
        return GeocodeFailure(code, gettext(SLOW if code == FailureCode.TIMEOUT else DOWN))
    return _not_found(text)


def _service_failed(key: str, error: Exception) -> GeocodeFailure:
    """A timeout or error: counted by the breaker, and remembered briefly so the same address waits no more."""
    config = settings.GEOCODER
    if isinstance(error, geopy_exc.GeocoderTimedOut):
        log.warning("geocoder timed out for a query")
        failure = GeocodeFailure(FailureCode.TIMEOUT, gettext(SLOW))
    elif isinstance(error, geopy_exc.GeocoderQuotaExceeded):
        log.warning("geocoder quota exceeded")
        failure = GeocodeFailure(FailureCode.QUOTA, gettext(BUSY))
    elif isinstance(error, geopy_exc.GeopyError):
        # geopy's messages quote the request URL, and with it the visitor's address: the type only.
        log.error("geocoder failed: %s", type(error).__name__)
        failure = GeocodeFailure(FailureCode.UNAVAILABLE, gettext(DOWN))
    else:
        # Anything else is likely our configuration (an option the service rejects): the traceback
        # helps, and names no address (frames show code, and a TypeError names the option).
        log.error("geocoder failed", exc_info=error)
        failure = GeocodeFailure(FailureCode.UNAVAILABLE, gettext(DOWN))
    breaker.record_failure(
        failures_to_pause=config.get("FAILURES_TO_PAUSE", 0), pause_seconds=config.get("PAUSE_SECONDS", 60)
    )
    if failure.code != FailureCode.QUOTA:
        cache.set(key, {"failed": str(failure.code)}, config.get("FAILURE_TTL", 60))
    return failure


def _short_label(address: str) -> str:
    """Geocoders return long addresses ("..., Rock Island County, Illinois, 61265, United States")."""
    label = re.sub(r",\s*(United States( of America)?|USA)$", "", address.strip())
    return label[:120]


def _not_found(text: str) -> GeocodeFailure:
    shown = text.strip()[:60]
    message = gettext("We couldn't find “{shown}”. Check the spelling, or try a ZIP code.").format(shown=shown)
    return GeocodeFailure(FailureCode.NOT_FOUND, message)
