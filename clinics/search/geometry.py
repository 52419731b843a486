"""Great-circle distances and the latitude/longitude box around a circle on the earth."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

EARTH_RADIUS_MILES = 3958.7613
# Half the earth's circumference: a box this size holds every point.
MAX_DISTANCE_MILES = math.pi * EARTH_RADIUS_MILES


def miles_text(miles: float) -> str:
    """The one way a distance is written, in sentences and on cards: '0.4', '12.5', '1,305' (miles)."""
    return f"{miles:,.0f}" if miles >= 100 else f"{miles:.1f}"


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the earth's mean radius."""
    return miles_from(lat1, lon1)(lat2, lon2)


def miles_from(lat: float, lon: float) -> Callable[[float, float], float]:
    """The haversine distance from one origin, its terms worked out once for every row of a search box."""
    phi1 = math.radians(lat)
    cos_phi1 = math.cos(phi1)
    sin, cos, asin, sqrt, radians = math.sin, math.cos, math.asin, math.sqrt, math.radians

    def miles(lat2: float, lon2: float) -> float:
        phi2 = radians(lat2)
        a = sin((phi2 - phi1) / 2) ** 2 + cos_phi1 * cos(phi2) * sin(radians(lon2 - lon) / 2) ** 2
        return 2 * EARTH_RADIUS_MILES * asin(min(1.0, sqrt(a)))

    return miles


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    # One range, or two when the box crosses the 180th meridian.
    lon_ranges: list[tuple[float, float]]


def bounding_box(lat: float, lon: float, radius_miles: float) -> BoundingBox:
    """The smallest latitude/longitude box that holds every point within ``radius_miles``.

    Uses the exact longitude half-width asin(sin(r)/cos(lat)); when the circle reaches a pole
    every longitude is included.
    """
    angular = radius_miles / EARTH_RADIUS_MILES
    dlat = math.degrees(angular)
    min_lat, max_lat = lat - dlat, lat + dlat
    if angular >= math.pi / 2 or max_lat >= 90 or min_lat <= -90:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), [(-180.0, 180.0)])
    dlon = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(lat)))))
    west, east = lon - dlon, lon + dlon
    if west < -180:
        ranges = [(west + 360, 180.0), (-180.0, east)]
    elif east > 180:
        ranges = [(west, 180.0), (-180.0, east - 360)]
    else:
        ranges = [(west, east)]
    return BoundingBox(min_lat, max_lat, ranges)
