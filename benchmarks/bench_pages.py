"""Every visitor page and API endpoint at 100,000 synthetic clinics, on SQLite and on PostgreSQL + Redis.

For each database it loads the synthetic directory (benchmarks/directory.py) into a scratch database,
collects the static files (DEBUG off needs their manifest), then measures each page in its own child
process, as production runs it (DEBUG off, the real rate limits counted but set out of reach), through
Django's test client:

- time per request (wall clock, the database's time included): median and p95 of ``--requests``
  requests after one warm-up, each to a different ZIP code or clinic where the page takes one;
- peak memory per request: tracemalloc's peak over one more request (what Python allocated for it),
  and the child's peak RSS.

A request slower than ``--timeout`` seconds or a child past ``--memory-mb`` of RSS is stopped and
reported as "over N s" / "over M MB", so code that cannot answer at this size is measured too.

Run: .venv/bin/python benchmarks/bench_pages.py [--databases sqlite,postgres] [--clinics 100000]
The PostgreSQL run uses a scratch database `locator_bounded_pages` at 127.0.0.1:5432 and Redis database 5;
``--keep`` keeps the loaded databases for the next run (and reuses them if they hold the same directory).
Raw results go to benchmarks/results/ (not committed); ``--compare BEFORE.json AFTER.json`` tabulates two runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.stats import summary  # noqa: E402

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_NAME = "locator_bounded_pages"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/5"
SQLITE_PATH = Path(tempfile.gettempdir()) / "locator-bench-pages" / "pages.sqlite3"
RESULTS = ROOT / "benchmarks" / "results"
SLUG_PREFIX = "synthetic-"
MIN_REQUESTS = 3  # timed requests per page however slow (within --timeout each)

# name: path; {zip} and {clinic} differ from one request to the next, {state} is the one with the most clinics.
PAGES: dict[str, str] = {
    "home": "/",
    "results page": "/find/?q={zip}",
    "clinic list": "/clinics/",
    "state page 1": "/clinics/?state={state}",
    "state page (last)": "/clinics/?state={state}&page={last_page}",
    "clinic page": "/clinics/{clinic}/",
    "API clinic list": "/api/v1/clinics/",
    "API clinic list (page 2000)": "/api/v1/clinics/?page=2000",
    "API nearest": "/api/v1/clinics/nearest/?q={zip}",
    "GeoJSON": "/api/v1/clinics.geojson",
    "GeoJSON with bbox (Iowa)": "/api/v1/clinics.geojson?bbox=-96.64,40.37,-90.14,43.50",
    "API services": "/api/v1/services/",
    "sitemap.xml": "/sitemap.xml",
    "sitemap section page": "/sitemap-clinics.xml?p=2",
}


def server_env(database_url: str, redis_url: str) -> dict[str, str]:
    """As production: DEBUG off, real keys; rate limits counted but out of reach of the benchmark."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "locator.settings",
        "ENV_FILE": "/dev/null",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "ERROR",
        "API_SEARCH_RATE": "1000000/min",
        "API_ANON_RATE": "1000000/min",
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


# --- The child: one page, measured -----------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def watch_memory(limit_mb: float) -> None:
    """Stop the process, saying so, once its RSS passes the limit (a request may be stuck in C code)."""

    def watch() -> None:
        while True:
            if rss_mb() > limit_mb:
                print(json.dumps({"over_memory_mb": limit_mb}), flush=True)
                os._exit(3)
            time.sleep(0.02)

    threading.Thread(target=watch, daemon=True).start()


def child(page: str, requests: int, memory_mb: float, budget: float, seed: int) -> None:
    from django.test import Client

    import locator.wsgi  # noqa: F401  # start as a server's worker does (Django, the geocoder's warm-up, ...)
    from benchmarks.directory import us_zip_centres
    from clinics.models import PUBLIC_STATUSES, Clinic

    watch_memory(memory_mb)
    rng = random.Random(seed)
    path = PAGES[page]
    count = Clinic.objects.filter(slug__startswith=SLUG_PREFIX).count()
    zips = [centre.zip_code for centre in us_zip_centres(rng, requests + 2)]
    clinics = [f"{SLUG_PREFIX}{rng.randrange(count):06d}" for _ in range(requests + 2)]
    from django.conf import settings
    from django.db.models import Count

    # The state with the most clinics, and its last page (its deepest) at the list's page size.
    state, biggest = Clinic.objects.filter(status__in=PUBLIC_STATUSES).values_list("state").annotate(
        n=Count("id")
    ).order_by("-n").first() or ("IA", 0)
    last_page = max(1, -(-biggest // getattr(settings, "CLINIC_LIST_PAGE_SIZE", 50)))
    client = Client()

    def url(i: int) -> str:
        return path.format(zip=zips[i], clinic=clinics[i], state=state, last_page=last_page)

    began = time.monotonic()
    for i in range(requests + 1):  # the first is a warm-up
        if i > MIN_REQUESTS and time.monotonic() - began > budget:
            break  # a slow page: fewer requests, so a run ends in reasonable time
        start = time.perf_counter()
        response = client.get(url(i))
        elapsed = (time.perf_counter() - start) * 1000
        print(json.dumps({"ms": elapsed, "status": response.status_code, "bytes": len(response.content)}), flush=True)
    tracemalloc.start()
    tracemalloc.reset_peak()
    client.get(url(requests + 1))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    import resource

    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mb": peak / 2**20, "max_rss_mb": max_rss}), flush=True)


# --- The parent ----------------------------------------------------------------------------------------


def peak_rss_mb(pid: int) -> float:
    """A running process's peak RSS so far (VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure(page: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """Run one page's child, stopping it when a request takes longer than the timeout."""
    command = [
        sys.executable,
        __file__,
        "--child",
        page,
        "--requests",
        str(args.requests),
        "--memory-mb",
        str(args.memory_mb),
        "--budget",
        str(args.budget),
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines: list[dict[str, Any]] = []
    deadline = time.monotonic() + args.timeout + 30  # the first line also waits for Django to start
    result: dict[str, Any] = {}
    while True:
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            result["over_seconds"] = args.timeout
            result["rss_when_stopped_mb"] = peak_rss_mb(process.pid)
            process.kill()
            break
        text = process.stdout.readline()
        if not text:
            break
        lines.append(json.loads(text))
        deadline = time.monotonic() + args.timeout
    process.wait()
    timings = [line for line in lines if "ms" in line]
    for line in lines:
        if "over_memory_mb" in line:
            result["over_memory_mb"] = line["over_memory_mb"]
        if "peak_mb" in line:
            result.update(peak_mb=line["peak_mb"], max_rss_mb=line["max_rss_mb"])
    if timings:
        result["warm_up_ms"] = timings[0]["ms"]
        result["statuses"] = sorted({line["status"] for line in timings})
        result["bytes"] = max(line["bytes"] for line in timings)
        if len(timings) > 1:
            result["time"] = summary([line["ms"] for line in timings[1:]])
    if process.returncode not in (0, None) and not result.get("over_memory_mb") and "over_seconds" not in result:
        result["failed"] = process.returncode
    return result


def prepare(database: str, args: argparse.Namespace) -> tuple[str, str]:
    """The scratch database's URL (loaded with the directory unless it already holds it) and Redis' URL."""
    if database == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        url, redis_url = f"sqlite:///{SQLITE_PATH}", ""
    else:
        import psycopg
        import redis

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]).fetchone()
            if not exists:
                conn.execute(f"CREATE DATABASE {PG_NAME}")
        redis.Redis.from_url(REDIS_URL).flushdb()
        url, redis_url = PG_URL, REDIS_URL
    env = server_env(url, "")
    if loaded_clinics(env) != args.clinics:
        print(f"  loading {args.clinics:,} synthetic clinics into {database}...", file=sys.stderr)
        subprocess.run(
            [sys.executable, "benchmarks/directory.py", "--clinics", str(args.clinics)], env=env, cwd=ROOT, check=True
        )
    return url, redis_url


def loaded_clinics(env: dict[str, str]) -> int:
    check = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); from clinics.models import Clinic; "
        f"print(Clinic.objects.filter(slug__startswith={SLUG_PREFIX!r}).count())"
    )
    found = subprocess.run([sys.executable, "-c", check], env=env, cwd=ROOT, capture_output=True, text=True)
    return int(found.stdout.strip() or -1)


def drop(database: str) -> None:
    if database == "sqlite":
        SQLITE_PATH.unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")


def cell(result: dict[str, Any], requests: int) -> tuple[str, str, str]:
    """(median, p95, peak memory) as the report shows them; n when fewer than ``requests`` were timed."""
    if "over_memory_mb" in result:
        return f"over {result['over_memory_mb']:,.0f} MB", "", f"over {result['over_memory_mb']:,.0f} MB RSS"
    stopped = f"RSS {result['rss_when_stopped_mb']:,.0f} MB when stopped" if "rss_when_stopped_mb" in result else ""
    if "over_seconds" in result and "time" not in result:
        return f"over {result['over_seconds']:g} s", "", stopped
    if "time" not in result:
        return f"failed ({result.get('failed')})", "", ""
    t = result["time"]
    peak = f"{result['peak_mb']:.1f}" if "peak_mb" in result else stopped or "?"
    statuses = result["statuses"]
    note = "" if statuses == [200] else f" [{','.join(map(str, statuses))}]"
    fewer = "" if t["n"] == requests else f" (n={t['n']})"
    return f"{t['median']:.1f}{note}{fewer}", f"{t['p95']:.1f}", peak


def report(results: dict[str, dict[str, dict[str, Any]]], args: argparse.Namespace) -> None:
    databases = list(results)
    print(f"{args.clinics:,} synthetic clinics; {args.requests} requests per page after a warm-up; milliseconds.")
    print()
    head = " | ".join(f"{db} median | {db} p95 | {db} peak MB" for db in databases)
    print(f"| page | {head} | answer size |")
    print("|---|" + "---:|" * (3 * len(databases) + 1))
    measured = [page for page in PAGES if any(page in results[db] for db in databases)]
    for page in measured:
        path = PAGES[page]
        cells = [value for db in databases for value in cell(results[db].get(page, {}), args.requests)]
        size = max((results[db].get(page, {}).get("bytes", 0) for db in databases), default=0)
        print(f"| {page}: `{shown_path(path)}` | " + " | ".join(cells) + f" | {size / 1024:,.0f} KB |")


def compare(before_file: Path, after_file: Path) -> None:
    """A before/after table per database from two runs' raw results."""
    before, after = (json.loads(Path(name).read_text()) for name in (before_file, after_file))
    for database in after["results"]:
        print(
            f"\n{database}, {after['clinics']:,} clinics (milliseconds; peak MB: tracemalloc's peak for one request)\n"
        )
        print("| page | before: median | p95 | peak MB | answer | after: median | p95 | peak MB | answer |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for page, path in PAGES.items():
            if page not in after["results"][database]:
                continue
            old_result = before["results"].get(database, {}).get(page, {})
            new_result = after["results"][database][page]
            old = [*cell(old_result, before["requests"]), size_text(old_result)]
            new = [*cell(new_result, after["requests"]), size_text(new_result)]
            print(f"| {page}: `{shown_path(path)}` | " + " | ".join([*old, *new]) + " |")


def size_text(result: dict[str, Any]) -> str:
    size = result.get("bytes")
    if size is None:
        return ""
    return f"{size / 2**20:,.1f} MB" if size >= 2**20 else f"{size / 1024:,.0f} KB"


def shown_path(path: str) -> str:
    shown = path.replace("{zip}", "<ZIP>").replace("{clinic}", "<slug>")
    return shown.replace("{state}", "<biggest>").replace("{last_page}", "<last>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--clinics", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page, after one warm-up")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds one request may take")
    parser.add_argument("--memory-mb", type=float, default=1500.0, help="RSS a page's process may reach")
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help=f"seconds per page after which no more requests are made (at least {MIN_REQUESTS} are)",
    )
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page names (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the loaded databases for another run")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE.json", "AFTER.json"), help="tabulate two runs")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    if args.child:
        child(args.child, args.requests, args.memory_mb, args.budget, seed=7)
        return

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        env=server_env(f"sqlite:///{SQLITE_PATH}", ""),
        cwd=ROOT,
        check=True,
    )
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for database in (db.strip() for db in args.databases.split(",") if db.strip()):
        url, redis_url = prepare(database, args)
        env = server_env(url, redis_url)
        results[database] = {}
        try:
            for page in args.pages.split(","):
                results[database][page] = measure(page, env, args)
                print(f"  {database} {page}: {cell(results[database][page], args.requests)}", file=sys.stderr)
        finally:
            if not args.keep:
                drop(database)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"pages-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"clinics": args.clinics, "requests": args.requests, "results": results}, indent=1))
    report(results, args)
    print(f"\nRaw results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
