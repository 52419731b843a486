"""Where the visitor pages spend their time at the demo size, as production runs them (DEBUG off).

Loads the demo data into a scratch SQLite database, collects the static files (the manifest
storage DEBUG off uses needs them; they go to STATIC_ROOT, as in a deploy), then for each page:
CPU time per request through Django's test client (median and p95 of ``--requests``), the share
of it spent rendering templates (the page's template rendered alone, with the context its view built),
the share cProfile sees in Template.render, and with ``--profile`` cProfile's top functions.

Run: .venv/bin/python benchmarks/profile_pages.py [--requests 500] [--profile] [url ...]
(default URLs: /find/?q=61265 and a clinic page).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.stats import summary  # noqa: E402

DEFAULT_URLS = ["/find/?q=61265", "/clinics/cedar-rapids-pci-vestibular-clinic/"]


def setup(database: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "locator.settings",
            "ENV_FILE": "/dev/null",
            "DATABASE_URL": f"sqlite:///{database}",
            "DEBUG": "false",
            "SECRET_KEY": "profile-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
            "API_SEARCH_RATE": "1000000/min",  # every request is counted, none refused
            "API_ANON_RATE": "1000000/min",
            "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
        }
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from clinics.demo_data import load_demo_data

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    load_demo_data()


def cpu_ms(action: Any, times: int) -> list[float]:
    """CPU time of each of ``times`` calls, in milliseconds (wall time would count the other processes' turns)."""
    samples = []
    for _ in range(times):
        start = time.process_time()
        action()
        samples.append((time.process_time() - start) * 1000)
    return samples


def fastest_tenth(samples: list[float]) -> float:
    """The mean of the fastest tenth: on a busy host, the closest to the code's own cost."""
    ordered = sorted(samples)
    return statistics.mean(ordered[: max(1, len(ordered) // 10)])


def measure(url: str, requests: int, profile: bool) -> None:
    import inspect
    from unittest import mock

    from django.template import loader
    from django.template.base import Template
    from django.test import Client

    from clinics import views

    render_key = (inspect.getsourcefile(Template.render), inspect.getsourcelines(Template.render)[1], "render")

    client = Client()
    for _ in range(50):  # warm: templates compiled and cached, caches filled
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    whole = cpu_ms(lambda: client.get(url), requests)

    # The page's template rendered again and again with the context its view built once.
    seen: dict[str, Any] = {}
    real_render = views.render

    def remember(request: Any, template_name: str, context: Any = None, **kwargs: Any) -> Any:
        seen.update(template=loader.get_template(template_name), context=context, request=request)
        return real_render(request, template_name, context, **kwargs)

    with mock.patch.object(views, "render", remember):
        client.get(url)
    rendering = cpu_ms(lambda: seen["template"].render(seen["context"], seen["request"]), requests)

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    ps = pstats.Stats(profiler)
    total = ps.total_tt  # type: ignore[attr-defined]
    render = ps.stats.get(render_key, (0, 0, 0, 0.0))[3]  # type: ignore[attr-defined]  # cumulative seconds
    stats, alone = summary(whole), summary(rendering)
    print(
        f"{url}: CPU per request median {stats['median']:.2f} ms, p95 {stats['p95']:.2f} ms, "
        f"fastest tenth {fastest_tenth(whole):.2f} ms (n={requests})"
    )
    print(f"  rendering alone: median {alone['median']:.2f} ms, fastest tenth {fastest_tenth(rendering):.2f} ms")
    print(f"  under cProfile: {total / requests * 1000:.2f} ms a request, {render / total:.0%} in Template.render")
    if profile:
        ps.sort_stats("cumulative").print_stats(30)
        ps.sort_stats("tottime").print_stats(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("urls", nargs="*", default=DEFAULT_URLS)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="locator-profile-") as scratch:
        setup(Path(scratch) / "profile.sqlite3")
        for url in args.urls:
            measure(url, args.requests, args.profile)


if __name__ == "__main__":
    main()
