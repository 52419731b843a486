"""Typed readers for settings that come from the environment.

Each helper raises ``ImproperlyConfigured`` on a value it cannot read, so a typo in a
deployment fails at start-up instead of behaving like a silent default.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv


def read_env_file(default: Path) -> Path | None:
    """Put the KEY=value lines of an env file into the environment; variables already set win.

    The file is the one ENV_FILE names, else ``default`` (the project's ``.env``) when it exists.
    Values are taken literally (no ``${VAR}`` expansion). ENV_FILE naming a missing file is an
    error; ENV_FILE=/dev/null reads nothing. Returns the file read, or None.
    """
    named = os.environ.get("ENV_FILE", "").strip()
    path = Path(named) if named else default
    if not path.exists():
        if named:
            raise ImproperlyConfigured(f"ENV_FILE names {named!r}, which does not exist")
        return None
    load_dotenv(path, override=False, interpolate=False)
    return path


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def envchoice(name: str, default: str, choices: list[str]) -> str:
    value = envstr(name, default).lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def envfloat(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None


def envlist(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def envjson(name: str, default: dict[str, Any] | None = None) -> dict[str, Any]:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return dict(default or {})
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON object: {exc}") from None
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object, not {type(value).__name__}")
    return value


DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"


LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}
RATE_RE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")
LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def envrate(name: str, default: str) -> str:
    """A DRF throttle rate such as 60/min; a typo fails at start-up, not on every request."""
    value = envstr(name, default)
    if not RATE_RE.match(value):
        raise ImproperlyConfigured(f"{name} must be a rate such as 60/min or 5/s, not {value!r}")
    return value


SITE_URL_RE = re.compile(r"^https?://[^/\s?#]+(/[^\s?#]*)?$")


def envsiteurl(name: str) -> str:
    """The site's public address, e.g. https://clinics.example.org (no trailing slash); empty is allowed."""
    value = envstr(name).rstrip("/")
    if value and not SITE_URL_RE.match(value):
        raise ImproperlyConfigured(f"{name} must be an address such as https://clinics.example.org, not {value!r}")
    return value


ORIGIN_RE = re.compile(r"^https?://[^/\s?#*'\";,]+$")


def envorigins(name: str) -> list[str]:
    """Comma-separated origins (https://www.example.org, http://127.0.0.1:8001): scheme and host, no path.

    They go into a Content-Security-Policy as sources, where a path or a stray quote would change its meaning.
    """
    origins = [origin.rstrip("/") for origin in envlist(name)]
    wrong = [origin for origin in origins if not ORIGIN_RE.match(origin)]
    if wrong:
        shown = ", ".join(map(repr, wrong))
        example = "https://www.rockvalleypt.com"
        raise ImproperlyConfigured(f"{name} must list origins such as {example} (no path), not {shown}")
    return origins


def envloglevel(name: str, default: str) -> str:
    value = envstr(name, default).upper()
    if value not in LOG_LEVELS:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(sorted(LOG_LEVELS))}, not {value!r}")
    return value


def url_origin(url_template: str) -> str:
    """The origin of a URL template, for a Content-Security-Policy source: "https://{s}.tile.x/{z}/.." -> "https://*.tile.x"."""
    match = re.match(r"^(https?)://([^/]+)", url_template.strip())
    if not match:
        raise ImproperlyConfigured(f"{url_template!r} is not an http(s) URL")
    host = re.sub(r"^\{[a-z]\}\.", "*.", match[2])
    if "{" in host:
        raise ImproperlyConfigured(f"{url_template!r}: only a leading {{s}} subdomain may vary in the host")
    return f"{match[1]}://{host}"


def check_deployment_safety(*, debug: bool, secret_key: str, allowed_hosts: list[str]) -> None:
    """Refuse to start with settings that would be unsafe on the internet."""
    if debug:
        public = [host for host in allowed_hosts if host not in LOCAL_HOSTS]
        if public:
            raise ImproperlyConfigured(
                f"DEBUG is on, but ALLOWED_HOSTS names public hosts ({', '.join(public)}). "
                "Set DEBUG=false for a public site, or allow only local hosts."
            )
        return
    if not secret_key or secret_key == DEVELOPMENT_SECRET_KEY or len(secret_key) < 32:
        raise ImproperlyConfigured(
            "DEBUG is off, so SECRET_KEY must be set to a random value of at least 32 characters."
        )
    if not allowed_hosts:
        raise ImproperlyConfigured("DEBUG is off, so ALLOWED_HOSTS must name the hosts this site serves.")
    if "*" in allowed_hosts:
        raise ImproperlyConfigured("DEBUG is off, so ALLOWED_HOSTS must not be '*'.")
