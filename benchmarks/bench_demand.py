"""What counting search demand costs a search: /find/ and the API's nearest search with recording off and on.

On a scratch SQLite database with the demo clinics, whole requests go through Django's WSGI handler (the test
client: routing, middleware, the view, the template, and the request_finished signal where the counts are
written) for random ZIP codes in Iowa, Illinois and Nebraska, in three modes taken in turn, request by request,
so a slow moment of the machine falls on all three:

- off: SEARCH_DEMAND_RECORDING=false;
- on: the default, counts kept in memory and written at most every SEARCH_DEMAND_FLUSH_SECONDS (10 s);
- on, written every request: SEARCH_DEMAND_FLUSH_SECONDS=0, the row written after each response (for comparison:
  the time a synchronous write would have cost, here paid after the response was built).

The "on" mode's writes happen after its responses, when the interval has passed; their cost is printed apart.

Run: .venv/bin/python benchmarks/bench_demand.py [--requests 600] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.stats import summary  # noqa: E402

MODES = ("off", "on", "on, written every request")


def setup_django(database: Path) -> None:
    os.environ.update(
        {
            "ENV_FILE": "/dev/null",
            "DATABASE_URL": f"sqlite:///{database}",
            "API_SEARCH_RATE": "1000000/s",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "locator.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from clinics.demo_data import load_demo_data

    load_demo_data()


def home_zips(count: int, rng: random.Random) -> list[str]:
    import zipcodes

    zips = [row["zip_code"] for row in zipcodes.list_all() if row["state"] in ("IA", "IL", "NE") and row["lat"]]
    return rng.sample(zips, count)


def run(requests: int, seed: int) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    from demand import recording
    from demand.models import SearchDemand

    rng = random.Random(seed)
    client = Client()
    zips = home_zips(min(requests, 2000), rng)
    samples: dict[str, list[float]] = {mode: [] for mode in MODES}
    flushes: list[float] = []
    original_flush = recording.Tallies.flush

    def timed_flush(self: recording.Tallies, wait: float = 0.0) -> int:
        start = time.perf_counter()
        written = original_flush(self, wait)
        if settings.SEARCH_DEMAND_FLUSH_SECONDS > 0:
            flushes.append((time.perf_counter() - start) * 1000)
        return written

    recording.Tallies.flush = timed_flush  # type: ignore[method-assign]
    for path in ("/find/?q={}", "/api/v1/clinics/nearest/?q={}"):  # warm up: imports, templates, the ZIP index
        client.get(path.format("61265"))
    for i in range(requests * len(MODES)):
        mode = MODES[i % len(MODES)]
        settings.SEARCH_DEMAND_RECORDING = mode != "off"
        settings.SEARCH_DEMAND_FLUSH_SECONDS = 0 if mode.endswith("every request") else 10
        path = "/find/?q={}" if (i // len(MODES)) % 2 == 0 else "/api/v1/clinics/nearest/?q={}"
        start = time.perf_counter()
        response = client.get(path.format(zips[(i // len(MODES)) % len(zips)]))
        samples[mode].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    settings.SEARCH_DEMAND_RECORDING = True
    recording.flush()
    return {
        "modes": {mode: summary(values) for mode, values in samples.items()},
        "flushes": summary(flushes) if flushes else None,
        "rows": SearchDemand.objects.count(),
        "searches": sum(SearchDemand.objects.values_list("searches", flat=True)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=600, help="requests per mode")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        result = run(args.requests, args.seed)
    print(f"{args.requests} requests per mode, /find/ and the API's nearest search alternating (milliseconds)\n")
    print("| recording | median | p95 | p99 |")
    print("|---|---:|---:|---:|")
    for mode, stats in result["modes"].items():
        print(f"| {mode} | {stats['median']:.2f} | {stats['p95']:.2f} | {stats['p99']:.2f} |")
    if result["flushes"]:
        f = result["flushes"]
        times = f"median {f['median']:.2f} ms, p95 {f['p95']:.2f} ms"
        print(f"\n'on' wrote its counts {f['n']} times after a response: {times}")
    print(f"\n{result['searches']} searches counted in {result['rows']} rows")


if __name__ == "__main__":
    main()
