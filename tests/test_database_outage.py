"""With the database unreachable, visitors get a friendly 503 at once, the API a JSON 503, and health tells the truth.

A real gunicorn server (DEBUG off) is started in a subprocess with DATABASE_URL naming a port where
nothing listens, as when the database server is down or its port is closed.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.network import closed_port, silent_port

ROOT = Path(__file__).resolve().parent.parent
ANSWER_BOUND_SECONDS = 2.0


def wait_until_live(base: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    """Until the worker has loaded the app: gunicorn listens before its workers are ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {process.stderr.read() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(base + "/health/live/", timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def start_server(database_url: str, **extra: str) -> tuple[subprocess.Popen, str]:
    port = closed_port()
    env = {
        **os.environ,
        "ENV_FILE": "/dev/null",
        "DJANGO_SETTINGS_MODULE": "tests.settings_without_manifest",
        "DEBUG": "false",
        "SECRET_KEY": "outage-test-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "LOG_LEVEL": "CRITICAL",
        **extra,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "locator.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_live(base, process)
    except Exception:
        process.terminate()
        raise
    return process, base


@pytest.fixture(scope="module")
def server_without_database() -> Iterator[str]:
    process, base = start_server(f"postgres://postgres@127.0.0.1:{closed_port()}/locator")
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str) -> tuple[int, dict[str, str], str, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            status, headers, body = response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read().decode()
    return status, headers, body, time.monotonic() - started


@pytest.mark.parametrize("path", ["/", "/find/?q=61265", "/clinics/", "/clinics/rock-valley-pt-moline/"])
def test_pages_answer_a_friendly_503_with_retry_after(server_without_database, path):
    status, headers, body, seconds = fetch(server_without_database + path)
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "Clinic search is briefly unavailable" in body
    assert "Try again" in body and "Traceback" not in body
    assert f"please quote reference <code>{headers['X-Request-ID']}</code>" in body
    assert seconds < ANSWER_BOUND_SECONDS


@pytest.mark.parametrize("path", ["/api/v1/clinics/", "/api/v1/clinics/nearest/?q=61265", "/api/v1/services/"])
def test_the_api_answers_a_json_503_with_retry_after(server_without_database, path):
    status, headers, body, seconds = fetch(server_without_database + path)
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert headers["Content-Type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert error["code"] == "unavailable"
    assert error["request_id"] == headers["X-Request-ID"]
    assert seconds < ANSWER_BOUND_SECONDS


def test_a_spanish_page_answers_its_503_in_spanish(server_without_database):
    status, headers, body, _ = fetch(server_without_database + "/es/find/?q=61265")
    assert status == 503 and headers["Retry-After"] == "30"
    assert headers["Content-Language"] == "es" and '<html lang="es">' in body
    assert "La búsqueda de clínicas no está disponible por un momento" in body
    assert "Clinic search is briefly unavailable" not in body


def test_the_api_answers_its_503_in_the_language_asked_for(server_without_database):
    status, headers, body, _ = fetch(server_without_database + "/api/v1/clinics/nearest/?q=61265&lang=es")
    assert status == 503 and headers["Content-Language"] == "es"
    error = json.loads(body)["error"]
    assert error["code"] == "unavailable"
    assert "no está disponible" in error["message"]


@pytest.mark.parametrize("path", ["/health/ready/", "/api/v1/health/"])
def test_readiness_says_the_database_failed(server_without_database, path):
    status, headers, body, _ = fetch(server_without_database + path)
    assert status == 503
    assert headers["Retry-After"] == "30"
    answer = json.loads(body)
    assert answer["status"] == "unavailable"
    assert answer["failed"] == ["database"]
    assert answer["checks"]["database"]["status"] == "unavailable"


def test_liveness_still_answers_because_the_process_is_up(server_without_database):
    status, _, body, seconds = fetch(server_without_database + "/health/live/")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    assert seconds < ANSWER_BOUND_SECONDS


def test_a_page_that_needs_no_database_still_answers(server_without_database):
    status, _, body, _ = fetch(server_without_database + "/robots.txt")
    assert status == 200
    assert "Sitemap:" in body


def test_a_hung_database_costs_one_request_its_connect_timeout_and_the_rest_nothing():
    """A host that accepts connections and never answers: the first request waits DB_CONNECT_TIMEOUT, then the
    process answers 503 at once for DB_RETRY_AFTER seconds (liveness stays 200 and quick)."""
    with silent_port() as port:
        process, base = start_server(
            f"postgres://postgres@127.0.0.1:{port}/locator", DB_CONNECT_TIMEOUT="2", DB_RETRY_AFTER="30"
        )
        try:
            first = fetch(base + "/find/?q=61265")
            # libpq waits at least 2 s for a connection, whatever connect_timeout says below that.
            assert first[0] == 503 and 1.9 <= first[3] < 3.0
            later = [fetch(base + path) for path in ["/", "/clinics/", "/api/v1/clinics/", "/health/ready/"]]
            assert [status for status, *_ in later] == [503, 503, 503, 503]
            assert max(seconds for *_, seconds in later) < 0.5
            assert "Clinic search is briefly unavailable" in later[0][2]
            assert json.loads(later[2][2])["error"]["code"] == "unavailable"
            assert json.loads(later[3][2])["checks"]["database"] == {"status": "unavailable", "paused": True}
            live = fetch(base + "/health/live/")
            assert live[0] == 200 and live[3] < 0.5
        finally:
            process.terminate()
            process.wait(timeout=10)


# --- The quick 503 during a pause, in-process -------------------------------------------------------------


@pytest.fixture
def paused():
    from clinics.outage import pause

    pause.begin()
    yield
    pause.reset()


def test_during_a_pause_each_answer_is_in_its_own_language_whatever_came_before(client, paused):
    """Once answered before the language was chosen, the quick 503 took the language of the thread's last request."""
    english, spanish, english_again = (client.get(path) for path in ("/find/?q=61265", "/es/find/?q=61265", "/"))
    assert [r.status_code for r in (english, spanish, english_again)] == [503, 503, 503]
    assert '<html lang="en">' in english.content.decode() and english["Content-Language"] == "en"
    assert '<html lang="es">' in spanish.content.decode() and spanish["Content-Language"] == "es"
    assert "La búsqueda de clínicas no está disponible" in spanish.content.decode()
    assert '<html lang="en">' in english_again.content.decode()
    api = client.get("/api/v1/clinics/", HTTP_ACCEPT_LANGUAGE="es")
    assert api.status_code == 503 and api["Content-Language"] == "es"
    assert "no está disponible" in api.json()["error"]["message"]
    assert "no está disponible" not in client.get("/api/v1/clinics/").json()["error"]["message"]


def test_the_quick_503_has_the_security_headers_of_every_page(client, paused):
    response = client.get("/find/?q=61265")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=(self)" in response["Permissions-Policy"]


def test_planned_503s_are_not_logged_as_errors_one_by_one(client, paused, caplog):
    with caplog.at_level(logging.INFO):
        for path in ("/find/?q=61265", "/api/v1/clinics/", "/health/ready/"):
            client.get(path)
    assert not [r for r in caplog.records if r.name == "django.request" and r.levelno >= logging.ERROR]


def test_the_pause_is_logged_once_with_the_drivers_reason(caplog):
    from django.db import OperationalError

    from clinics.outage import pause

    refused = OperationalError('connection to server at "127.0.0.1", port 5439 failed: Connection refused\n\tIs it up?')
    try:
        with caplog.at_level(logging.WARNING, logger="clinics.outage"):
            pause.begin(refused)
            pause.begin(refused)  # the same outage: not logged again
    finally:
        pause.reset()
    assert [r.getMessage() for r in caplog.records] == [
        'database unreachable (OperationalError: connection to server at "127.0.0.1", port 5439 failed: '
        "Connection refused): answering 503 without asking it for 5 s"
    ]


def test_a_cause_with_no_words_still_logs_the_pause(caplog):
    from django.db import OperationalError

    from clinics.outage import pause

    try:
        with caplog.at_level(logging.WARNING, logger="clinics.outage"):
            pause.begin(OperationalError("  \n"))
    finally:
        pause.reset()
    assert [r.getMessage() for r in caplog.records] == ["database unreachable: answering 503 without asking it for 5 s"]
