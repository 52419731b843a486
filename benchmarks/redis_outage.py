"""Redis taken away under load: what visitors get while it is hung, killed and back.

Starts its own Redis (a scratch redis-server on a free port, so the machine's Redis is never touched),
a scratch SQLite database with the demo data, and gunicorn (gunicorn.conf.py, DEBUG off, 2 workers) using
that Redis. Then a closed loop of visitors (threads, no think time) requests the mix below through five
phases: Redis up, Redis hung (SIGSTOP), Redis back (SIGCONT), Redis killed, Redis restarted. For each
phase it prints the answers by status, the median, p95 and slowest answer.

Run: .venv/bin/python benchmarks/redis_outage.py [--users 20] [--phase-seconds 12]
The rate limits are raised for the run (every simulated visitor comes from 127.0.0.1), so a 429 here would
be a fault; what matters is that no answer is a 5xx and none is slow while Redis is gone.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.stats import summary  # noqa: E402

ZIPS = ["61265", "52801", "52402", "61201", "52601", "68102", "61104", "52240"]
PATHS = [
    "/",
    "/find/?q={zip}",
    "/api/v1/clinics/nearest/?q={zip}",
    "/api/v1/clinics/",
    "/clinics/",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_answers(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def start_redis(port: int, workdir: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


class Load:
    """A closed loop of visitors; each answer is recorded against the phase it started in."""

    def __init__(self, base: str, users: int) -> None:
        self.base = base
        self.users = users
        self.phase = "starting"
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.statuses: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        self.seconds: dict[str, list[float]] = collections.defaultdict(list)

    def visitor(self) -> None:
        rng = random.Random()
        while not self.stop.is_set():
            phase = self.phase
            url = self.base + rng.choice(PATHS).format(zip=rng.choice(ZIPS))
            started = time.monotonic()
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    response.read()
                    status = str(response.status)
            except urllib.error.HTTPError as error:
                status = str(error.code)
            except OSError as error:
                status = type(error).__name__
            with self.lock:
                self.statuses[phase][status] += 1
                self.seconds[phase].append(time.monotonic() - started)

    def run(self, phases: list[tuple[str, float, object]]) -> None:
        threads = [threading.Thread(target=self.visitor, daemon=True) for _ in range(self.users)]
        for thread in threads:
            thread.start()
        for name, seconds, action in phases:
            if callable(action):
                action()
            self.phase = name
            time.sleep(seconds)
        self.stop.set()
        for thread in threads:
            thread.join(timeout=35)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--phase-seconds", type=float, default=12.0)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="redis-outage-"))
    redis_port, app_port = free_port(), free_port()
    env = {
        **os.environ,
        "ENV_FILE": "/dev/null",
        "DJANGO_SETTINGS_MODULE": "tests.settings_without_manifest",  # no collectstatic needed
        "DEBUG": "false",
        "SECRET_KEY": "redis-outage-benchmark-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "API_SEARCH_RATE": "1000000/min",
        "API_ANON_RATE": "1000000/min",
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "load_demo_data"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    redis = start_redis(redis_port, workdir)
    app = subprocess.Popen(
        [python, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{app_port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "gunicorn.log", "w"),  # noqa: SIM115 - kept open for the server's lifetime
    )
    base = f"http://127.0.0.1:{app_port}"
    holder = {"redis": redis}
    try:
        wait_until_answers(base + "/health/live/")
        load = Load(base, args.users)

        def restart() -> None:
            holder["redis"] = start_redis(redis_port, workdir)

        def kill() -> None:
            holder["redis"].kill()
            holder["redis"].wait()

        seconds = args.phase_seconds
        load.run(
            [
                ("1 Redis up", seconds, None),
                ("2 Redis hung (SIGSTOP)", seconds, lambda: os.kill(holder["redis"].pid, signal.SIGSTOP)),
                ("3 Redis back (SIGCONT)", seconds, lambda: os.kill(holder["redis"].pid, signal.SIGCONT)),
                ("4 Redis killed", seconds, kill),
                ("5 Redis restarted", seconds, restart),
            ]
        )
        print(f"{args.users} visitors, no think time, {seconds:g} s a phase, gunicorn 2 workers, SQLite, demo data")
        print("| phase | answers | by status | median ms | p95 ms | slowest ms |")
        print("|---|---:|---|---:|---:|---:|")
        for phase in sorted(load.statuses):
            stats = summary(load.seconds[phase])
            statuses = ", ".join(f"{code}: {count}" for code, count in sorted(load.statuses[phase].items()))
            print(
                f"| {phase} | {stats['n']} | {statuses} | {stats['median'] * 1000:.0f} | "
                f"{stats['p95'] * 1000:.0f} | {max(load.seconds[phase]) * 1000:.0f} |"
            )
        with urllib.request.urlopen(base + "/health/ready/", timeout=5) as response:
            print("readiness afterwards:", response.read().decode())
    finally:
        app.terminate()
        app.wait(timeout=20)
        process = holder["redis"]
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)
            process.terminate()


if __name__ == "__main__":
    main()
