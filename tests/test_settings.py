"""Settings refuse to start unsafely, and read the environment strictly."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from locator.env import DEVELOPMENT_SECRET_KEY, check_deployment_safety, envbool, envint, envjson

GOOD_KEY = "k" * 50


def start_django(**env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh process, as a server would at start-up."""
    ours = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "API_SEARCH_RATE", "LOG_LEVEL"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    clean.update(env, DJANGO_SETTINGS_MODULE="locator.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_environment_at_all_runs_for_development():
    result = start_django()
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_without_secret_key_refuses_to_start():
    result = start_django(DEBUG="false", ALLOWED_HOSTS="locator.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = start_django(DEBUG="false", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name the hosts" in result.stderr


def test_production_with_real_values_starts():
    result = start_django(DEBUG="false", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="locator.example.org")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("secret_key", "hosts", "message"),
    [
        ("", ["a.example"], "SECRET_KEY"),
        (DEVELOPMENT_SECRET_KEY, ["a.example"], "SECRET_KEY"),
        ("short", ["a.example"], "SECRET_KEY"),
        (GOOD_KEY, [], "ALLOWED_HOSTS"),
        (GOOD_KEY, ["*"], "must not be '*'"),
    ],
)
def test_unsafe_production_values_are_refused(secret_key, hosts, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        check_deployment_safety(debug=False, secret_key=secret_key, allowed_hosts=hosts)


def test_typo_in_a_boolean_is_refused(monkeypatch):
    monkeypatch.setenv("DEBUG", "ture")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        envbool("DEBUG", True)


def test_non_number_is_refused(monkeypatch):
    monkeypatch.setenv("DB_CONN_MAX_AGE", "sixty")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        envint("DB_CONN_MAX_AGE", 60)


def test_geocoder_options_must_be_a_json_object(monkeypatch):
    monkeypatch.setenv("GEOCODER_OPTIONS", "[1, 2]")
    with pytest.raises(ImproperlyConfigured, match="JSON object"):
        envjson("GEOCODER_OPTIONS")


def test_debug_with_a_public_host_refuses_to_start():
    result = start_django(ALLOWED_HOSTS="locator.example.org")
    assert result.returncode != 0
    assert "DEBUG is on, but ALLOWED_HOSTS names public hosts (locator.example.org)" in result.stderr


def test_a_mistyped_rate_limit_refuses_to_start():
    result = start_django(API_SEARCH_RATE="60 per minute")
    assert result.returncode != 0
    assert "API_SEARCH_RATE must be a rate such as 60/min" in result.stderr


def test_a_mistyped_log_level_refuses_to_start():
    result = start_django(LOG_LEVEL="LOUD")
    assert result.returncode != 0
    assert "LOG_LEVEL must be one of" in result.stderr


@pytest.mark.parametrize("address", ["clinics.example.org", "ftp://clinics.example.org", "https://"])
def test_a_site_url_that_is_not_a_web_address_refuses_to_start(address):
    result = start_django(SITE_URL=address)
    assert result.returncode != 0
    assert "SITE_URL must be an address such as https://clinics.example.org" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CLINIC_LIST_PAGE_SIZE", "0", "CLINIC_LIST_PAGE_SIZE must be from 1 to 500, not 0"),
        ("CLINIC_LIST_PAGE_SIZE", "501", "CLINIC_LIST_PAGE_SIZE must be from 1 to 500, not 501"),
        ("CLINIC_LIST_PAGE_SIZE", "fifty", "CLINIC_LIST_PAGE_SIZE must be a whole number"),
        ("CLINIC_LIST_ALL_MAX", "-1", "CLINIC_LIST_ALL_MAX must be 0 or more, not -1"),
    ],
)
def test_a_clinic_list_size_out_of_range_refuses_to_start(name, value, message):
    result = start_django(**{name: value})
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    "origins", ["www.rockvalleypt.com", "https://www.rockvalleypt.com/blog/", "https://a.example, 'unsafe-inline'", "*"]
)
def test_embed_origins_that_are_not_origins_refuse_to_start(origins):
    result = start_django(EMBED_ALLOWED_ORIGINS=origins)
    assert result.returncode != 0
    assert "EMBED_ALLOWED_ORIGINS must list origins such as https://www.rockvalleypt.com (no path)" in result.stderr


def test_embed_origins_are_read_as_a_list():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.EMBED_ALLOWED_ORIGINS)",
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "locator.settings",
            "EMBED_ALLOWED_ORIGINS": "https://www.rockvalleypt.com/, http://127.0.0.1:8001",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "['https://www.rockvalleypt.com', 'http://127.0.0.1:8001']", result.stderr
