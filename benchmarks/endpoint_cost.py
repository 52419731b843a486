"""Server CPU per request, endpoint by endpoint, for a site running on this machine (make serve).

One client sends N requests to one endpoint at a time, one after another, and reads how much CPU the
server's processes (gunicorn, nginx, PostgreSQL, Redis; found by name in /proc) used meanwhile. Divided
by N, that is what one request of that kind costs the machine, independent of how many requests run at
once: with the load test's mix it says where the time goes, which a throughput figure cannot.

    .venv/bin/python benchmarks/endpoint_cost.py http://127.0.0.1:8080 --requests 300

Linux only (it reads /proc). The CPU counters tick every 10 ms, so use a few hundred requests per endpoint;
other work on the machine makes the figures noisier but does not add to them. The search endpoints count
against the rate limits: serve with them raised, as for the load test (docs/performance.md, "Load test").
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.traffic import GEOJSON_PATH, HEALTH_PATH, random_point, random_zip

SERVER_PROCESSES = {"gunicorn": b"gunicorn", "nginx": b"nginx: ", "postgres": b"postgres", "redis": b"redis-server"}
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by each kind of server process (live ones, and the children they have reaped)."""
    used = dict.fromkeys(SERVER_PROCESSES, 0.0)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        for kind, marker in SERVER_PROCESSES.items():
            if marker in command:
                used[kind] += sum(int(f) for f in fields[11:15]) / TICKS_PER_SECOND  # utime stime cutime cstime
                break
    return used


class Client:
    """One keep-alive connection, opened again whenever the server closes it (gunicorn's sync workers do)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def get(self, path: str) -> bytes:
        self.conn.request("GET", path, headers={"Host": f"{self.host}:{self.port}", "Accept-Encoding": "gzip"})
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"GET {path}: HTTP {response.status} (are the rate limits raised?)")
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return gzip.decompress(body) if response.getheader("Content-Encoding") == "gzip" else body


def endpoints(client: Client) -> dict[str, Callable[[], str]]:
    page = json.loads(client.get("/api/v1/clinics/?page_size=100"))
    slugs = [clinic["slug"] for clinic in page["results"]]

    def point() -> str:
        lat, lng = random_point()
        return f"/api/v1/clinics/nearest/?lat={lat}&lng={lng}"

    return {
        HEALTH_PATH: lambda: HEALTH_PATH,
        "/": lambda: "/",
        "/find/?q=[zip]": lambda: f"/find/?q={random_zip()}",
        "/clinics/[slug]/": lambda: f"/clinics/{random.choice(slugs)}/",
        "/api/v1/clinics/nearest/?q=[zip]": lambda: f"/api/v1/clinics/nearest/?q={random_zip()}",
        "/api/v1/clinics/nearest/?lat&lng": point,
        "/api/v1/clinics.geojson?bbox": lambda: GEOJSON_PATH,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the site, e.g. http://127.0.0.1:8080")
    parser.add_argument("--requests", type=int, default=300, help="requests per endpoint (default 300)")
    args = parser.parse_args()
    client = Client(args.url)
    print("| endpoint | gunicorn ms | nginx ms | PostgreSQL ms | Redis ms | latency median ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, path in endpoints(client).items():
        for _ in range(20):  # warm caches and connections
            client.get(path())
        before = cpu_seconds()
        latencies = []
        for _ in range(args.requests):
            start = time.perf_counter()
            client.get(path())
            latencies.append((time.perf_counter() - start) * 1000)
        after = cpu_seconds()
        per_request = {kind: (after[kind] - before[kind]) * 1000 / args.requests for kind in SERVER_PROCESSES}
        print(
            f"| {name} | {per_request['gunicorn']:.2f} | {per_request['nginx']:.2f} | {per_request['postgres']:.2f} "
            f"| {per_request['redis']:.2f} | {statistics.median(latencies):.2f} |"
        )


if __name__ == "__main__":
    main()
