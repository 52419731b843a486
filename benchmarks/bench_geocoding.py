"""Offline geocoder benchmark: warm-up cost, then lookup latency (median, p99).

Run: .venv/bin/python benchmarks/bench_geocoding.py [--lookups 50000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "locator.settings")

from benchmarks.stats import percentile


def time_calls(fn: Callable[[str], object], queries: list[str]) -> list[float]:
    samples = []
    clock = time.perf_counter_ns
    for q in queries:
        start = clock()
        fn(q)
        samples.append((clock() - start) / 1000)  # microseconds
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lookups", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import django

    django.setup()
    from clinics import geocoding
    from clinics.geocoding.offline import offline_index

    start = time.perf_counter()
    geocoding.warm_up()
    warm_up_s = time.perf_counter() - start

    index = offline_index()
    rng = random.Random(args.seed)
    zips = rng.choices(sorted(index.zips), k=args.lookups)
    cities = [index.cities[key].label for key in rng.choices(sorted(index.cities), k=args.lookups)]
    zip4 = [f"{z}-{rng.randint(0, 9999):04d}" for z in zips]
    misses = [f"{rng.randint(0, 99999):05d}" for _ in range(args.lookups)]

    rows = [
        ("geocode('61265') — ZIP", time_calls(geocoding.geocode, zips)),
        ("geocode('61265-1234') — ZIP+4", time_calls(geocoding.geocode, zip4)),
        ("geocode('Moline, IL') — city", time_calls(geocoding.geocode, cities)),
        ("geocode(random 5 digits) — hits and misses", time_calls(geocoding.geocode, misses)),
    ]
    print(f"Offline geocoder: {len(index.zips):,} ZIPs, {len(index.cities):,} cities")
    print(f"Warm-up (build the dictionaries once per process): {warm_up_s * 1000:.0f} ms")
    print()
    print(f"| lookup ({args.lookups:,} each) | median µs | p99 µs |")
    print("|---|---:|---:|")
    for name, samples in rows:
        print(f"| {name} | {statistics.median(samples):.1f} | {percentile(samples, 99):.1f} |")


if __name__ == "__main__":
    main()
