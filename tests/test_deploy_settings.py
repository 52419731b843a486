"""The production block of .env.example passes Django's deployment check, and the security headers are sent."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "#PRODUCTION "


def production_env_file(tmp_path: Path) -> Path:
    lines = [
        line.removeprefix(PREFIX)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line.startswith(PREFIX)
    ]
    assert len(lines) >= 10, "the production block of .env.example is missing"
    text = "\n".join(lines).replace("replace-with-50-random-characters", secrets.token_urlsafe(50))
    path = tmp_path / "production.env"
    path.write_text(text + "\n")
    return path


# What the test run itself puts in the environment (the browser tests allow Django's ORM from their event loop).
NOT_A_SERVERS = {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def server_environment(env_file: Path) -> dict[str, str]:
    """The environment a server would start with: the env file's settings, none of the test run's."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_A_SERVERS}
    env.update(ENV_FILE=str(env_file), DJANGO_SETTINGS_MODULE="locator.settings")
    return env


def run_manage(env_file: Path, *args: str) -> subprocess.CompletedProcess:
    env = server_environment(env_file)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_production_block_passes_the_deployment_check_silently(tmp_path):
    result = run_manage(production_env_file(tmp_path), "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def settings_seen(env_file: Path) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({'proxy_header': s.SECURE_PROXY_SSL_HEADER, 'redirect': s.SECURE_SSL_REDIRECT,"
        "'hsts': s.SECURE_HSTS_SECONDS}))"
    )
    env = server_environment(env_file)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_x_forwarded_proto_is_trusted_only_behind_a_configured_proxy(tmp_path):
    behind = production_env_file(tmp_path)
    assert settings_seen(behind)["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    alone = tmp_path / "alone.env"
    alone.write_text(behind.read_text().replace("NUM_PROXIES=1", "NUM_PROXIES=0"))
    assert settings_seen(alone)["proxy_header"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/find/?q=61265", "/clinics/", "/no-such-page/", "/api/v1/clinics/", "/api/docs/", "/admin/login/"]
)
def test_every_page_type_allows_geolocation_for_our_own_origin_only(client, demo_data, url):
    policy = client.get(url)["Permissions-Policy"]
    features = dict(item.split("=", 1) for item in policy.split(", "))
    assert features["geolocation"] == "(self)"  # "Use my location" keeps working
    assert features["camera"] == "()" and features["microphone"] == "()" and features["payment"] == "()"


@pytest.mark.django_db
def test_health_checks_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/health/live/").status_code == 200


def directives(header: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/find/?q=61265", "/clinics/", "/clinics/rock-valley-pt-moline/", "/no-such-page/", "/admin/login/"],
)
def test_every_page_type_runs_only_our_own_scripts_and_styles(client, demo_data, url):
    policy = directives(client.get(url)["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "https://tile.openstreetmap.org", "data:"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_the_api_docs_page_gets_inline_styles_and_nothing_else_extra(client):
    policy = directives(client.get("/api/docs/")["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


@pytest.mark.parametrize(
    ("template", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.com/{z}/{x}/{y}.png", "https://*.tile.example.com"),
        ("http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8081"),
    ],
)
def test_the_tile_servers_origin_is_what_the_policy_allows_for_images(template, origin):
    from locator.env import url_origin

    assert url_origin(template) == origin


@pytest.mark.parametrize("template", ["tiles/{z}/{x}/{y}.png", "https://tile.{z}.example.com/a.png", "ftp://x/y"])
def test_a_tile_url_the_policy_cannot_name_is_refused_at_start_up(template):
    from django.core.exceptions import ImproperlyConfigured

    from locator.env import url_origin

    with pytest.raises(ImproperlyConfigured):
        url_origin(template)
