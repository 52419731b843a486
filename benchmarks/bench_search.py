"""Nearest-search benchmark at 100, 10,000 and 100,000 synthetic clinics, on SQLite and PostgreSQL.

For each database and size it loads N synthetic clinics into a scratch database
(benchmarks/directory.py: scattered around real US ZIP centres, each with services and weekday
hours), then measures for
random US origins:
- the search call (clinics.search.ranking.nearest_clinics): median and p95;
- a naive baseline that loads every clinic and ranks them in Python with geopy;
- over HTTP on one gunicorn server: a whole API request to /api/v1/clinics/nearest/ beside
  the trivial JSON endpoint /health/live/.

Run: .venv/bin/python benchmarks/bench_search.py [--databases sqlite,postgres] [--sizes 100,10000,100000]
The PostgreSQL run uses a scratch database `locator_bench` at 127.0.0.1:5432 (or, with --postgres-socket,
through /var/run/postgresql), created and dropped by the run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.directory import load_clinics, us_origins  # noqa: E402
from benchmarks.stats import summary  # noqa: E402

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_URL = "postgres://postgres@127.0.0.1:5432/locator_bench"
# The same database through PostgreSQL's Unix socket, as a server on the app's own host may be reached.
PG_SOCKET_URL = "postgres://postgres@%2Fvar%2Frun%2Fpostgresql/locator_bench"


# --- The child: one database, every size ---------------------------------------------------


def time_ms(fn: Any, *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def naive_nearest(lat: float, lng: float) -> list[Any]:
    """The baseline: every clinic loaded, ranked in Python with geopy."""
    from geopy.distance import great_circle

    from clinics.models import Clinic

    clinics = list(Clinic.objects.public().located())
    clinics.sort(key=lambda c: great_circle((lat, lng), (c.latitude, c.longitude)).miles)
    return clinics[:10]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_latency(origins: list[tuple[float, float]], requests: int, rounds: int) -> dict[str, Any]:
    """A whole request through gunicorn (one sync worker, which closes the connection after each answer).

    The two endpoints alternate, so a slow moment of the machine falls on both; the ratio is also
    taken per round, to show how much it moves while the machine's load does.
    """
    import http.client

    port = free_port()
    env = {
        **os.environ,
        # The production rate limits, behind one proxy: each request comes from a different
        # visitor (X-Forwarded-For below), as in real traffic. The throttle counts in the local
        # memory cache here (no REDIS_URL); with Redis each search adds a round trip to it.
        "NUM_PROXIES": "1",
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",  # whitenoise: no collectstatic for a benchmark
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "locator.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        results: dict[str, list[float]] = {"health": [], "nearest": []}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        visitors = iter(range(1, 2**24))

        def get(path: str) -> None:
            visitor = next(visitors)
            client = f"10.{visitor >> 16}.{(visitor >> 8) & 255}.{visitor & 255}"
            conn.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-For": client})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)

        places = iter(origins)  # every search from a place not searched before, so no cache is warmer than real
        for _ in range(20):  # warm up both paths
            lat, lng = next(places)
            get("/health/live/")
            get(f"/api/v1/clinics/nearest/?lat={lat}&lng={lng}")
        ratios = []
        for _ in range(rounds):
            health: list[float] = []
            nearest: list[float] = []
            for _ in range(requests):
                lat, lng = next(places)
                health.append(time_ms(get, "/health/live/"))
                nearest.append(time_ms(get, f"/api/v1/clinics/nearest/?lat={lat}&lng={lng}"))
            ratios.append(statistics.median(nearest) / statistics.median(health))
            results["health"] += health
            results["nearest"] += nearest
        conn.close()
        return {**{name: summary(samples) for name, samples in results.items()}, "round_ratios": ratios}
    finally:
        server.terminate()
        server.wait(timeout=10)


def child(sizes: list[int], origins_count: int, http_requests: int, http_rounds: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from clinics.search.ranking import SearchQuery, nearest_clinics

    call_command("migrate", verbosity=0)
    rng = random.Random(42)
    origins = us_origins(rng, origins_count)
    out: dict[str, Any] = {"vendor": connection.vendor, "sizes": {}}
    for n in sizes:
        start = time.perf_counter()
        load_clinics(n, rng)
        load_s = time.perf_counter() - start
        for lat, lng in origins[:10]:  # warm caches and connections
            nearest_clinics(SearchQuery(lat, lng))
        search = [time_ms(nearest_clinics, SearchQuery(lat, lng)) for lat, lng in origins]
        naive_origins = origins[: max(5, min(origins_count, 2_000_000 // max(n, 1)))]
        naive = [time_ms(naive_nearest, lat, lng) for lat, lng in naive_origins[:origins_count]]
        row: dict[str, Any] = {"load_s": load_s, "search": summary(search), "naive": summary(naive)}
        if http_requests:
            connection.close()
            places = us_origins(random.Random(n), 20 + http_requests * http_rounds)
            row["http"] = http_latency(places, http_requests, http_rounds)
        out["sizes"][str(n)] = row
        print(f"  {connection.vendor} N={n:,}: search median {row['search']['median']:.2f} ms", file=sys.stderr)
    print(json.dumps(out))


# --- The parent: one child per database, then the report ------------------------------------


def prepare_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS locator_bench")
        conn.execute("CREATE DATABASE locator_bench")


def drop_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS locator_bench")


def run_child(database: str, args: argparse.Namespace) -> dict[str, Any]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "locator.settings",
        # As in production: no SQL debug logging, and real keys so the settings accept DEBUG off.
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    scratch_dir = tempfile.mkdtemp(prefix="locator-bench-")
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{scratch_dir}/bench.sqlite3"
    else:
        prepare_postgres()
        env["DATABASE_URL"] = PG_SOCKET_URL if args.postgres_socket else PG_BENCH_URL
    try:
        result = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--sizes",
                args.sizes,
                "--origins",
                str(args.origins),
                "--http-requests",
                str(args.http_requests),
                "--http-rounds",
                str(args.http_rounds),
            ],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(scratch_dir, ignore_errors=True)
        if database != "sqlite":
            drop_postgres()


def report(results: list[dict[str, Any]]) -> None:
    print("| database | clinics | search median ms | search p95 ms | naive median ms | naive p95 ms | load s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        for n, row in r["sizes"].items():
            s, nv = row["search"], row["naive"]
            print(
                f"| {r['vendor']} | {int(n):,} | {s['median']:.2f} | {s['p95']:.2f} | {nv['median']:.1f} | "
                f"{nv['p95']:.1f} | {row['load_s']:.1f} |"
            )
    print()
    print(
        "| database | clinics | GET /health/live/ median (p95) ms | GET /api/v1/clinics/nearest/ median (p95) ms "
        "| ratio of medians | ratio per round |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        for n, row in r["sizes"].items():
            if "http" not in row:
                continue
            h, q = row["http"]["health"], row["http"]["nearest"]
            rounds = row["http"]["round_ratios"]
            print(
                f"| {r['vendor']} | {int(n):,} | {h['median']:.2f} ({h['p95']:.2f}) | {q['median']:.2f} "
                f"({q['p95']:.2f}) | {q['median'] / h['median']:.2f}x | {min(rounds):.2f}x to {max(rounds):.2f}x |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--sizes", default="100,10000,100000")
    parser.add_argument("--origins", type=int, default=300, help="random US origins per size")
    parser.add_argument(
        "--http-requests", type=int, default=300, help="requests per endpoint per round and size (0: skip)"
    )
    parser.add_argument("--http-rounds", type=int, default=5, help="rounds of HTTP requests per size")
    parser.add_argument(
        "--postgres-socket", action="store_true", help="reach PostgreSQL through its Unix socket, not 127.0.0.1"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.child:
        child(sizes, args.origins, args.http_requests, args.http_rounds)
        return
    results = [run_child(db.strip(), args) for db in args.databases.split(",") if db.strip()]
    report(results)


if __name__ == "__main__":
    main()
