"""What the load benchmarks ask the site for: its paths, and random places in the home states.

Shared by locustfile.py (the load test) and endpoint_cost.py (each endpoint's cost), so both measure the same
requests. Importing it does not import locust.
"""

from __future__ import annotations

import random

import zipcodes

# The trivial endpoint, the yardstick for everything else: liveness (no database, no cache).
HEALTH_PATH = "/health/live/"
# The map's box around the Quad Cities.
GEOJSON_PATH = "/api/v1/clinics.geojson?bbox=-91.0,41.3,-90.2,41.7"
HOME_STATES = {"IA", "IL", "NE"}

# (ZIP, latitude, longitude) of every ordinary, active ZIP code in the home states.
HOME_ZIPS: list[tuple[str, float, float]] = [
    (z["zip_code"], float(z["lat"]), float(z["long"]))
    for z in zipcodes.list_all()
    if z["state"] in HOME_STATES and z["zip_code_type"] == "STANDARD" and z["active"]
]


def random_zip() -> str:
    return random.choice(HOME_ZIPS)[0]


def random_point() -> tuple[float, float]:
    """Somewhere near a random home-state ZIP centre, as a phone's location would be."""
    _, lat, lng = random.choice(HOME_ZIPS)
    return round(lat + random.uniform(-0.05, 0.05), 5), round(lng + random.uniform(-0.05, 0.05), 5)
