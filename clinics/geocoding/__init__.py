"""Text -> coordinates. Callers import from here; each module holds one job.

- ``results``: what geocoding answers (``Place``, ``GeocodeFailure``, ``FailureCode``, ``Precision``).
- ``parsing``: reading what people type (tidying, ZIPs, "City, State").
- ``offline``: the US ZIP and city index from the ``zipcodes`` package, no network.
- ``online``: the one wrapper around geopy, with its answer cache, for street addresses.
- ``budget``: the site's shared per-minute budget of online lookups (a sliding window).
- ``slots``: how many online lookups run at once, and how close together they start, site-wide.
- ``breaker``: the circuit breaker that stops asking a failing service for a while.
- ``lookup``: ``geocode()``, the entry point: validation, the order of lookups, the address fallback.
"""

from clinics.geocoding.lookup import MAX_QUERY_LENGTH, QUERY_PATTERN, geocode, validate_query
from clinics.geocoding.offline import lookup_city, lookup_zip, timezone_for_zip, warm_up
from clinics.geocoding.online import geocode_online, online_geocoder_configured
from clinics.geocoding.results import FailureCode, GeocodeFailure, GeocodeResult, Place, Precision
from clinics.geocoding.slots import patient_lookups

__all__ = [
    "MAX_QUERY_LENGTH",
    "QUERY_PATTERN",
    "FailureCode",
    "GeocodeFailure",
    "GeocodeResult",
    "Place",
    "Precision",
    "geocode",
    "geocode_online",
    "lookup_city",
    "lookup_zip",
    "online_geocoder_configured",
    "patient_lookups",
    "timezone_for_zip",
    "validate_query",
    "warm_up",
]
