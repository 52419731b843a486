"""Load test of a running site (make serve): a realistic mix of visitors' pages and API calls.

Each simulated user picks, one request at a time, from: the home page, a results page for a random real ZIP
code of the home states (IA, IL, NE), a clinic's page, the API's nearest search by ZIP and by coordinates,
the map's GeoJSON, and the trivial health endpoint as the yardstick. Clinic slugs are read from the API when
the test starts (a few random pages of /api/v1/clinics/), so the same file serves the demo directory and a
prepared one of 100,000 clinics.

    # 50 users, no think time (the most the site can do):
    .venv/bin/locust -f benchmarks/locustfile.py --host http://127.0.0.1:8080 \\
        --headless -u 50 -r 50 -t 60s --only-summary --csv /tmp/locust/mix
    # a steady offered 150 requests a second: 50 users at 3 requests a second each, arriving at random
    ... --user-rate 3
    # the same with locust's own constant_throughput pacing, which sends the users' requests in bursts
    ... --user-rate 3 --arrivals constant
    # the health endpoint alone (its ceiling):  ... --tags health

All users come from 127.0.0.1, which the site's per-visitor rate limits would soon refuse: serve with
API_SEARCH_RATE and API_ANON_RATE raised for the run (docs/performance.md, "Load test", says how).
"""

from __future__ import annotations

import itertools
import json
import math
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

from locust import FastHttpUser, constant, constant_throughput, events, tag, task
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.traffic import GEOJSON_PATH, HEALTH_PATH, random_point, random_zip

# Pages of 100 clinics read at the start, at random: enough slugs to spread visits over a big directory.
SLUG_PAGES = 10
CLINIC_SLUGS: list[str] = []


def get_json(url: str) -> Any:
    with urlopen(Request(url, headers={"Accept": "application/json"}), timeout=30) as response:
        return json.load(response)


@events.init_command_line_parser.add_listener
def add_options(parser: Any) -> None:
    parser.add_argument(
        "--user-rate",
        type=float,
        default=0.0,
        help="requests a second each user offers; 0: no think time at all",
    )
    parser.add_argument(
        "--arrivals",
        choices=["poisson", "constant"],
        default="poisson",
        help="with --user-rate: each user's requests start at random (a Poisson process, the default), "
        "or at fixed intervals (locust's constant_throughput)",
    )


def poisson_arrivals(rate: float) -> Callable[[Any], float]:
    """A wait_time that starts a user's requests as a Poisson process of ``rate`` a second.

    Visitors arrive independently of each other, so the offered load is many users' Poisson processes, itself
    Poisson. Locust's constant_throughput keeps each user on a fixed beat instead, and users started in the same
    instant stay on the same beat: measured against /health/live/, 95 % of its requests started within 2 ms of
    the one before, in bursts of most of the users at once (docs/performance.md, "Bursts").
    A user that falls behind (an answer slower than its next arrival) sends its next request at once.
    """

    def wait_time(user: Any) -> float:
        now = time.monotonic()
        due = getattr(user, "next_arrival", now) + random.expovariate(rate)
        user.next_arrival = due
        return max(0.0, due - now)

    return wait_time


@events.init.add_listener
def pace_users(environment: Environment, **_: Any) -> None:
    """No think time, or an offered rate per user (so users x rate is the offered load)."""
    options = environment.parsed_options
    rate = float(getattr(options, "user_rate", 0) or 0)
    if rate <= 0:
        Visitor.wait_time = constant(0)
    elif getattr(options, "arrivals", "poisson") == "constant":
        Visitor.wait_time = constant_throughput(rate)
    else:
        Visitor.wait_time = poisson_arrivals(rate)


STARTS: list[float] = []  # when each request started (seconds), to say how bunched the arrivals were


@events.request.add_listener
def note_start(start_time: float = 0.0, **_: Any) -> None:
    STARTS.append(start_time)


@events.quitting.add_listener
def report_bunching(environment: Environment, **_: Any) -> None:
    """Print how many requests started within 2 ms of the one before: about 1 - e^(-rate x 2 ms) if at random."""
    starts = sorted(STARTS)
    if len(starts) < 2:
        return
    close = sum(1 for before, after in itertools.pairwise(starts) if after - before < 0.002)
    rate = (len(starts) - 1) / ((starts[-1] - starts[0]) or 1)
    print(
        f"arrivals: {len(starts)} requests, {close / (len(starts) - 1):.0%} started within 2 ms of the one before "
        f"({1 - math.exp(-rate * 0.002):.0%} would at random at {rate:.0f} a second)"
    )


@events.test_start.add_listener
def read_clinic_slugs(environment: Environment, **_: Any) -> None:
    """Slugs of clinics on a few random pages of the API's list, not a fixed list: any directory works."""
    base = f"{environment.host}/api/v1/clinics/?page_size=100"
    first = get_json(base)
    pages = list(range(2, math.ceil(first["count"] / 100) + 1))
    slugs = [clinic["slug"] for clinic in first["results"]]
    for page in random.sample(pages, min(len(pages), SLUG_PAGES - 1)):
        slugs += [clinic["slug"] for clinic in get_json(f"{base}&page={page}")["results"]]
    if not slugs:
        raise RuntimeError(f"{base} lists no clinics: load some first")
    CLINIC_SLUGS[:] = slugs


class Visitor(FastHttpUser):
    """One request per task, so a user's task rate is its request rate. The weights are the mix."""

    wait_time = constant(0)

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="/")

    @task(4)
    def results_page(self) -> None:
        self.client.get(f"/find/?q={random_zip()}", name="/find/?q=[zip]")

    @task(2)
    def clinic_page(self) -> None:
        self.client.get(f"/clinics/{random.choice(CLINIC_SLUGS)}/", name="/clinics/[slug]/")

    @task(2)
    def api_nearest_zip(self) -> None:
        self.client.get(f"/api/v1/clinics/nearest/?q={random_zip()}", name="/api/v1/clinics/nearest/?q=[zip]")

    @task(2)
    def api_nearest_point(self) -> None:
        lat, lng = random_point()
        self.client.get(f"/api/v1/clinics/nearest/?lat={lat}&lng={lng}", name="/api/v1/clinics/nearest/?lat&lng")

    @task(1)
    def geojson(self) -> None:
        self.client.get(GEOJSON_PATH, name="/api/v1/clinics.geojson?bbox")

    @tag("health")
    @task(1)
    def health(self) -> None:
        self.client.get(HEALTH_PATH, name=HEALTH_PATH)
