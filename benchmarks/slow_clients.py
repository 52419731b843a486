"""Slow clients against a running server: does the site still answer while they hold connections open?

Holds N connections (default 50) that each send a request line and then one header line every few seconds
(default 5), never finishing the request, for a bounded time (default 45 s); a connection the server closes
is opened again at once, so the N stay held. Meanwhile it requests each probe path (default `/` and
`/find/?q=61265`) about once a second on a fresh connection, and prints each probe's latency (median, max)
and failures (errors, time-outs after --probe-timeout, answers other than 200), and what happened to the
slow connections.

    .venv/bin/python benchmarks/slow_clients.py http://127.0.0.1:8080      # through nginx (make serve)
    .venv/bin/python benchmarks/slow_clients.py http://127.0.0.1:8081      # straight to gunicorn

Standard library only. It sends traffic only to the URL it is given (use one on this machine) and stops by
itself after --duration seconds plus at most one --probe-timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Target:
    host: str
    port: int

    @property
    def host_header(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass
class SlowStats:
    opened: int = 0
    connect_failures: int = 0
    closed_by_server: int = 0
    lifetimes: list[float] = field(default_factory=list)  # seconds a connection lived before the server closed it


@dataclass
class ProbeStats:
    latencies: list[float] = field(default_factory=list)  # seconds, successful probes only
    failures: dict[str, int] = field(default_factory=dict)

    def fail(self, reason: str) -> None:
        self.failures[reason] = self.failures.get(reason, 0) + 1


def parse_target(url: str) -> Target:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise SystemExit(f"need an http:// URL, not {url!r}")
    return Target(parts.hostname, parts.port or 80)


async def slow_client(target: Target, path: str, interval: float, stop_at: float, stats: SlowStats) -> None:
    """One connection sending a header line every `interval` seconds; opened again whenever the server closes it."""
    loop = asyncio.get_running_loop()
    while loop.time() < stop_at:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(target.host, target.port), timeout=5)
        except (OSError, TimeoutError):
            stats.connect_failures += 1
            await asyncio.sleep(min(interval, max(0.0, stop_at - loop.time())))
            continue
        stats.opened += 1
        opened_at = loop.time()
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {target.host_header}\r\n".encode())
            await writer.drain()
            line = 0
            while loop.time() < stop_at:
                try:
                    # Anything read (an error answer, or the end of the stream) means the server gave up on us.
                    await asyncio.wait_for(reader.read(4096), timeout=min(interval, stop_at - loop.time()))
                except TimeoutError:
                    line += 1
                    writer.write(f"X-Slow-{line}: {line}\r\n".encode())
                    await writer.drain()
                    continue
                stats.closed_by_server += 1
                stats.lifetimes.append(loop.time() - opened_at)
                break
        except OSError:
            stats.closed_by_server += 1
            stats.lifetimes.append(loop.time() - opened_at)
        finally:
            writer.close()


def fetch(target: Target, path: str, timeout: float) -> tuple[float, str | None]:
    """One GET on a fresh connection: (seconds, None) for a 200, else (seconds, the reason it failed)."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": target.host_header})
        response = conn.getresponse()
        response.read()
        reason = None if response.status == 200 else f"HTTP {response.status}"
    except TimeoutError:
        reason = f"no answer in {timeout:g} s"
    except OSError as exc:
        reason = type(exc).__name__
    finally:
        conn.close()
    return time.perf_counter() - start, reason


async def probe(
    target: Target, path: str, every: float, timeout: float, stop_at: float, pool: ThreadPoolExecutor
) -> ProbeStats:
    """Request `path` every `every` seconds (not waiting for a slow answer before the next), until stop_at."""
    loop = asyncio.get_running_loop()
    stats = ProbeStats()
    pending: list[asyncio.Future[tuple[float, str | None]]] = []
    next_at = loop.time()
    while next_at < stop_at:
        pending.append(loop.run_in_executor(pool, fetch, target, path, timeout))
        next_at += every
        await asyncio.sleep(max(0.0, next_at - loop.time()))
    for seconds, reason in await asyncio.gather(*pending):
        if reason is None:
            stats.latencies.append(seconds)
        else:
            stats.fail(reason)
    return stats


async def run(args: argparse.Namespace) -> tuple[SlowStats, dict[str, ProbeStats]]:
    target = parse_target(args.url)
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + args.duration
    slow = SlowStats()
    clients = [
        asyncio.create_task(slow_client(target, args.slow_path, args.interval, stop_at, slow))
        for _ in range(args.connections)
    ]
    await asyncio.sleep(args.head_start)  # the slow clients take what they can first
    outstanding = int(args.probe_timeout / args.probe_every + 2) * len(args.probe)
    with ThreadPoolExecutor(max_workers=outstanding) as pool:
        results = await asyncio.gather(
            *(probe(target, path, args.probe_every, args.probe_timeout, stop_at, pool) for path in args.probe)
        )
    await asyncio.gather(*clients)
    return slow, dict(zip(args.probe, results, strict=True))


def report(args: argparse.Namespace, slow: SlowStats, probes: dict[str, ProbeStats]) -> None:
    print(
        f"{args.url}: {args.connections} slow connections (a header line every {args.interval:g} s) for "
        f"{args.duration:g} s; probes every {args.probe_every:g} s, time-out {args.probe_timeout:g} s"
    )
    print()
    print("| probe | answered | median ms | max ms | failures |")
    print("|---|---:|---:|---:|---|")
    for path, stats in probes.items():
        lat = [s * 1000 for s in stats.latencies]
        median = f"{statistics.median(lat):.1f}" if lat else "-"
        worst = f"{max(lat):.1f}" if lat else "-"
        failures = ", ".join(f"{n} × {reason}" for reason, n in sorted(stats.failures.items())) or "0"
        total = len(lat) + sum(stats.failures.values())
        print(f"| GET {path} | {len(lat)}/{total} | {median} | {worst} | {failures} |")
    print()
    closed = (
        f"{slow.closed_by_server} closed by the server after a median {statistics.median(slow.lifetimes):.1f} s"
        if slow.lifetimes
        else "none closed by the server"
    )
    print(f"Slow connections: {slow.opened} opened ({closed}), {slow.connect_failures} connection attempts failed.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--connections", type=int, default=50, help="slow connections held (default 50)")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between header lines (default 5)")
    parser.add_argument("--duration", type=float, default=45.0, help="seconds the test lasts (default 45)")
    parser.add_argument("--slow-path", default="/", help="the path the slow requests ask for")
    parser.add_argument("--probe", action="append", help="a path to probe (repeatable; default / and /find/?q=61265)")
    parser.add_argument("--probe-every", type=float, default=1.0, help="seconds between probes of each path")
    parser.add_argument("--probe-timeout", type=float, default=10.0, help="seconds a probe may take")
    parser.add_argument("--head-start", type=float, default=1.0, help="seconds the slow clients get before probing")
    args = parser.parse_args()
    args.probe = args.probe or ["/", "/find/?q=61265"]
    slow, probes = asyncio.run(run(args))
    report(args, slow, probes)


if __name__ == "__main__":
    main()
