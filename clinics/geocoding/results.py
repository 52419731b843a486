"""What geocoding answers: a ``Place`` to search from, or a ``GeocodeFailure`` that says why not.

Failures are values, not exceptions, so that views can word them and the API can give each a code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Precision(StrEnum):
    ADDRESS = "address"
    ZIP = "zip"
    CITY = "city"
    POINT = "point"


class FailureCode(StrEnum):
    EMPTY = "empty_query"
    TOO_LONG = "query_too_long"
    INVALID = "invalid_query"
    NOT_FOUND = "not_found"
    ADDRESS_UNSUPPORTED = "address_lookup_unavailable"
    UNAVAILABLE = "geocoder_unavailable"
    TIMEOUT = "geocoder_timeout"
    QUOTA = "geocoder_quota_exceeded"
    BUSY = "geocoder_busy"  # refused at once: too many lookups at the same moment


# Failures that are the service's fault, not the visitor's: the API answers 503.
SERVICE_FAILURES = {FailureCode.UNAVAILABLE, FailureCode.TIMEOUT, FailureCode.QUOTA, FailureCode.BUSY}
# Text that cannot name any place (validate_query's failures): the API answers 400. The rest, well-formed
# text that names no place we can find (not_found, address_lookup_unavailable), it answers 404.
MALFORMED_QUERIES = {FailureCode.EMPTY, FailureCode.TOO_LONG, FailureCode.INVALID}


@dataclass(frozen=True)
class Place:
    """Where a search starts."""

    latitude: float
    longitude: float
    label: str
    precision: Precision
    timezone: str = ""
    zip_code: str = ""
    # Set when the answer is not exactly what was asked for ("showing clinics near 61265").
    note: str = ""


@dataclass(frozen=True)
class GeocodeFailure:
    code: FailureCode
    message: str

    @property
    def is_service_failure(self) -> bool:
        return self.code in SERVICE_FAILURES

    @property
    def is_malformed_query(self) -> bool:
        return self.code in MALFORMED_QUERIES


GeocodeResult = Place | GeocodeFailure
