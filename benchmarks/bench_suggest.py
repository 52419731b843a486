"""How long a suggestion takes: the function (clinics/suggest.py) and the endpoint (/api/v1/suggest/) per call.

What a visitor types, a keystroke at a time: every prefix of ZIP codes, cities and conditions of the home states
and beyond ("6", "61", "612", ..., "m", "mo", "mol", ...). Reports the median and p99 of each, in milliseconds,
after the prefix lists are built (gunicorn builds them before forking: locator/wsgi.py).

Run: .venv/bin/python benchmarks/bench_suggest.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.stats import summary  # noqa: E402

TYPED = [
    "61265",
    "52403",
    "68022",
    "90210",
    "Moline, IL",
    "Cedar Rapids",
    "Davenport",
    "Omaha",
    "Des Moines",
    "Saint Louis",
    "pinched nerve",
    "dizziness",
    "shooting pain down my leg",
    "Parkinson's",
]


def keystrokes() -> list[str]:
    return [text[:n] for text in TYPED for n in range(1, len(text) + 1)]


def timed_ms(action: Callable[[str], object], texts: list[str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            action(text)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="locator-suggest-") as scratch:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "locator.settings",
                "ENV_FILE": "/dev/null",
                "DATABASE_URL": f"sqlite:///{scratch}/suggest.sqlite3",
                "DEBUG": "false",
                "SECRET_KEY": "bench-" + "x" * 40,
                "ALLOWED_HOSTS": "testserver",
                "LOG_LEVEL": "WARNING",
                "API_ANON_RATE": "1000000/min",
                "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
            }
        )
        os.environ.pop("REDIS_URL", None)
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from clinics.demo_data import load_demo_conditions, load_demo_data
        from clinics.suggest import suggest, warm_up

        call_command("migrate", verbosity=0)
        load_demo_data()
        load_demo_conditions()
        started = time.perf_counter()
        warm_up()
        print(f"prefix lists built in {time.perf_counter() - started:.2f} s (once per process, before forking)")
        texts = keystrokes()
        client = Client()
        for text in texts:  # warm: the condition catalogue read, the code paths run once
            suggest(text)
            client.get("/api/v1/suggest/", {"q": text})
        for name, action in (
            ("suggest()", suggest),
            ("GET /api/v1/suggest/", lambda text: client.get("/api/v1/suggest/", {"q": text})),
        ):
            stats = summary(timed_ms(action, texts, args.rounds))
            print(
                f"{name}: median {stats['median']:.3f} ms, p99 {stats['p99']:.3f} ms "
                f"({int(stats['n'])} calls: {len(texts)} keystrokes x {args.rounds})"
            )


if __name__ == "__main__":
    main()
