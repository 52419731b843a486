"""The embeddable finder: how small its script is, and how soon an article's reader gets an answer.

Sizes: embed.js (what every article page loads), raw and gzipped, and the frame's own files.

Times, on the demo data (a scratch SQLite database), with gunicorn as production runs it (gunicorn.conf.py,
DEBUG off, 2 workers, static files collected into STATIC_ROOT and served by whitenoise) and the sample article
served by another server on another port, as the marketing site would serve it (EMBED_ALLOWED_ORIGINS names it).
In Chromium (a fresh context each run, so nothing is cached):

- finder shown: from the article's navigation to embed.js showing the sized frame (the finder's first paint
  included: it says it is shown from inside its page once laid out);
- first answer: from the frame's request for a search (the reader pressed Find) to the first paint of the
  result list (the frame's own navigation timing and first-contentful-paint: the list is server-rendered, so
  the first paint holds it);
- and the frame's search answered alone over HTTP (no browser), each from a different ZIP code.

Run: .venv/bin/python benchmarks/bench_embed.py [--runs 20] [--requests 200]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.stats import summary  # noqa: E402

STATIC = ROOT / "embed" / "static" / "embed"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# ZIP codes across the three states and beyond, so searches are not all answered from one warm place.
ZIPS = [
    "61265", "52403", "52801", "68102", "50309", "61820", "61602", "60601", "52240", "51501",
    "68508", "61101", "52001", "50701", "62701", "61201", "52722", "61244", "52806", "61342",
]  # fmt: skip
# Recorded in the article page (this harness only): when embed.js marks the finder shown.
SHOWN_PROBE = """
new MutationObserver((changes, observer) => {
  if (!document.querySelector('[data-rockvalley-finder=shown]')) return;
  window.__finderShown = performance.now();
  observer.disconnect();
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-rockvalley-finder']});
"""
FRAME_TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return {server: nav.responseStart - nav.requestStart, loaded: nav.domContentLoadedEventEnd,
          painted: paint ? paint.startTime : null};
}"""


def sizes() -> dict[str, dict[str, int]]:
    out = {}
    for name in ("embed.js", "finder.js", "finder.css"):
        data = (STATIC / name).read_bytes()
        out[name] = {"raw": len(data), "gzipped": len(gzip.compress(data, 9))}
    return out


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_answers(url: str) -> None:
    for _ in range(150):
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} never answered")


def serve_article(article: dict[str, bytes]) -> ThreadingHTTPServer:
    """Another site: answers every request with article["html"] (filled in once the app can write it)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(article["html"])

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def in_browser(article: str, runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, list[float]] = {"finder shown": [], "first answer": [], "answer: server": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for run in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.add_init_script(SHOWN_PROBE)
            page.goto(article)
            page.wait_for_selector("[data-rockvalley-finder=shown]")
            results["finder shown"].append(page.evaluate("window.__finderShown"))
            frame = next(f for f in page.frames if "/embed/finder/" in f.url)
            frame.fill("#finder-q", ZIPS[run % len(ZIPS)])
            frame.click("button[type=submit]")
            frame.wait_for_selector("[data-result-list]")
            timing: dict[str, Any] = {"painted": None}
            for _ in range(100):  # first-contentful-paint is recorded just after the paint
                timing = frame.evaluate(FRAME_TIMING)
                if timing["painted"] is not None:
                    break
                time.sleep(0.02)
            results["first answer"].append(timing["painted"])
            results["answer: server"].append(timing["server"])
            context.close()
        browser.close()
    return results


def over_http(base: str, requests: int) -> list[float]:
    times = []
    for i in range(requests):
        url = f"{base}/embed/finder/?q={ZIPS[i % len(ZIPS)]}&condition=pinched-nerve&lang=en"
        start = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    print(json.dumps({"sizes": sizes()}, indent=2))
    workdir = Path(tempfile.mkdtemp(prefix="bench-embed-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "ENV_FILE": "/dev/null",
        "DJANGO_SETTINGS_MODULE": "locator.settings",
        "DEBUG": "false",
        "SECRET_KEY": "embed-benchmark-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "API_SEARCH_RATE": "1000000/min",
        "API_ANON_RATE": "1000000/min",
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    # The finder's stylesheet and script are static files: with DEBUG off they are served from STATIC_ROOT.
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "load_demo_data"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    # The article's server first: its origin is the one allowed to embed the finder.
    article = {"html": b""}
    article_server = serve_article(article)
    article_origin = f"http://127.0.0.1:{article_server.server_address[1]}"
    env["EMBED_ALLOWED_ORIGINS"] = article_origin
    app = subprocess.Popen(
        [python, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "gunicorn.log", "w"),  # noqa: SIM115 - kept open for the server's lifetime
    )
    try:
        wait_until_answers(base + "/health/live/")
        with urllib.request.urlopen(f"{base}/embed/sample-article/?condition=pinched-nerve") as response:
            article["html"] = response.read()
        over_http(base, 20)  # warm up both workers
        http_times = over_http(base, args.requests)
        browser = in_browser(f"{article_origin}/article/", args.runs)
    finally:
        app.terminate()
        app.wait(timeout=10)
        article_server.shutdown()
    report = {name: summary(values) for name, values in browser.items()}
    report["finder search over HTTP"] = summary(http_times)
    print(json.dumps({"times_ms": report}, indent=2))


if __name__ == "__main__":
    main()
