"""Logs an operator can use: a request id everywhere, one line per request, and no visitor data."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from geopy import exc as geopy_exc

from clinics.request_log import JsonLogFormatter, RequestIdFilter, TextLogFormatter

pytestmark = pytest.mark.django_db
HEX_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def log_lines(settings) -> Iterator[io.StringIO]:
    """Everything logged at the production level (INFO), formatted as JSON like LOG_FORMAT=json writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    config = settings.LOGGING["formatters"]["json"]
    handler.setFormatter(JsonLogFormatter(config["format"], rename_fields=config["rename_fields"]))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def records(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_every_answer_carries_a_request_id(client, demo_data):
    for url in ["/", "/find/?q=61265", "/api/v1/clinics/", "/no-such-page/", "/health/live/"]:
        assert HEX_ID.match(client.get(url)["X-Request-ID"]), url


def test_the_proxys_request_id_is_kept_so_both_logs_share_it(client):
    response = client.get("/health/live/", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")
    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"


def test_a_forged_request_id_cannot_write_into_the_log(client, log_lines):
    response = client.get("/health/live/", HTTP_X_REQUEST_ID="x\nCRITICAL fake line")
    assert HEX_ID.match(response["X-Request-ID"])
    assert "fake line" not in log_lines.getvalue()


def test_one_line_per_request_with_method_path_status_and_id(client, demo_data, log_lines):
    response = client.get("/find/", {"q": "61265"})
    lines = [r for r in records(log_lines) if r["logger"] == "clinics.requests"]
    assert len(lines) == 1
    assert lines[0]["message"].startswith("GET /find/ 200 ")
    assert lines[0]["request_id"] == response["X-Request-ID"]
    assert lines[0]["status"] == 200 and lines[0]["path"] == "/find/"


def test_an_error_page_shows_the_id_that_its_log_lines_carry(client, demo_data, log_lines, monkeypatch):
    from clinics import views

    def broken(params):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "search_nearby", broken)
    client.raise_request_exception = False
    response = client.get("/find/", {"q": "61265"})
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert f"please quote reference <code>{request_id}</code>" in response.content.decode()
    errors = [r for r in records(log_lines) if r["level"] == "ERROR"]
    assert errors and all(r["request_id"] == request_id for r in errors)
    assert "RuntimeError: a bug" in errors[0]["exc_info"]


def test_an_api_error_gives_its_id_in_the_json(client, demo_data, monkeypatch):
    from clinics.api import views

    def broken(params):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "search_nearby", broken)
    client.raise_request_exception = False
    response = client.get("/api/v1/clinics/nearest/", {"q": "61265"})
    assert response.status_code == 500
    assert response.json()["error"]["request_id"] == response["X-Request-ID"]


def test_no_visitor_data_reaches_the_logs(client, demo_data, log_lines, fake_geocoder, monkeypatch):
    """ZIP+4, a street address, precise coordinates and the visitor's IP, through pages, the API and failures."""
    from clinics import views

    fake_geocoder.fault = geopy_exc.GeocoderServiceError(
        "HTTP 500 for https://geocoder.example/search?q=850+43rd+Avenue%2C+Moline"
    )
    visitor = {"REMOTE_ADDR": "203.0.113.77", "HTTP_X_FORWARDED_FOR": "198.51.100.23"}
    client.get("/find/", {"q": "61265-1234"}, **visitor)
    client.get("/find/", {"q": "850 43rd Avenue, Moline"}, **visitor)
    client.get("/api/v1/clinics/nearest/", {"q": "850 43rd Avenue, Moline, IL 61265-1234"}, **visitor)
    client.get("/api/v1/clinics/nearest/", {"lat": "41.512345", "lng": "-90.512345"}, **visitor)
    client.get("/find/", {"lat": "41.512345", "lng": "-90.512345", "radius": "nonsense"}, **visitor)
    client.get("/api/v1/clinics/nearest/", {"lat": "41.512345"}, **visitor)
    monkeypatch.setattr(views, "search_nearby", lambda params: 1 / 0)
    client.raise_request_exception = False
    client.get("/find/", {"q": "61265-1234", "lat": "41.512345", "lng": "-90.512345"}, **visitor)

    logged = log_lines.getvalue()
    assert "clinics.requests" in logged and "ZeroDivisionError" in logged  # the logs were written
    # Strings that cannot occur by chance (request ids are hex; durations have one decimal).
    for secret in ["61265-1234", "612651234", "43rd", "41.512", "90.512", "203.0.113.77", "198.51.100.23"]:
        assert secret not in logged, secret


@pytest.mark.parametrize("style", ["text", "json"])
def test_log_times_are_utc_like_nginxs_whatever_the_servers_zone(settings, style):
    """nginx logs in UTC; the app's lines must line up with its lines by time, not just by request id."""
    config = settings.LOGGING["formatters"][style]
    assert config["()"] == f"clinics.request_log.{'Json' if style == 'json' else 'Text'}LogFormatter"
    formatter = (
        JsonLogFormatter(config["format"], rename_fields=config["rename_fields"])
        if style == "json"
        else TextLogFormatter(config["format"])
    )
    record = logging.LogRecord("clinics", logging.INFO, __file__, 1, "hello", None, None)
    record.created, record.msecs, record.request_id = 1795829505.871, 871.0, "-"  # 2026-11-28 01:31:45.871 UTC
    line = formatter.format(record)
    assert (json.loads(line)["time"] if style == "json" else line.split(" ")[0]) == "2026-11-28T01:31:45.871Z"
