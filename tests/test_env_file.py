"""Settings read a .env file for what the environment leaves unset; the environment wins.

Each test starts Django in a fresh process with ENV_FILE pointing at a file of its own, so no test
ever reads a developer's real .env.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from locator.env import read_env_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Settings these tests read back, removed from the inherited environment so only the test decides them.
READ_BACK = ("SITE_URL", "LOG_LEVEL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "GEOCODER_OPTIONS", "MAP_TILES_URL")


def settings_in_a_fresh_process(env_file: Path | str, **env: str) -> subprocess.CompletedProcess:
    """Start Django as a server would, with ENV_FILE=env_file, and print the settings under test as JSON."""
    clean = {k: v for k, v in os.environ.items() if k not in READ_BACK}
    clean.update(env, ENV_FILE=str(env_file), DJANGO_SETTINGS_MODULE="locator.settings")
    script = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({'SITE_URL': s.SITE_URL, 'LOG_LEVEL': s.LOGGING['root']['level'], 'DEBUG': s.DEBUG,"
        " 'GEOCODER_OPTIONS': s.GEOCODER['OPTIONS'], 'MAP_TILES_URL': s.MAP_TILES_URL,"
        " 'ENV_FILE': str(s.ENV_FILE)}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script], env=clean, capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT
    )


def read_back(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def env_file(tmp_path: Path) -> Path:
    path = tmp_path / "test.env"
    path.write_text(
        "# a comment\n"
        "SITE_URL=https://from-the-file.example.org/\n"
        "LOG_LEVEL=warning\n"
        'GEOCODER_OPTIONS={"user_agent": "from the file"}\n'
    )
    return path


def test_values_from_the_env_file_are_used(env_file):
    seen = read_back(settings_in_a_fresh_process(env_file))
    assert seen["SITE_URL"] == "https://from-the-file.example.org"
    assert seen["LOG_LEVEL"] == "WARNING"
    assert seen["GEOCODER_OPTIONS"] == {"user_agent": "from the file"}
    assert seen["ENV_FILE"] == str(env_file)


def test_the_environment_wins_over_the_file(env_file):
    seen = read_back(settings_in_a_fresh_process(env_file, SITE_URL="https://from-the-environment.example.org"))
    assert seen["SITE_URL"] == "https://from-the-environment.example.org"
    assert seen["LOG_LEVEL"] == "WARNING"  # what the environment leaves unset still comes from the file


def test_a_variable_set_empty_in_the_environment_still_wins(env_file):
    seen = read_back(settings_in_a_fresh_process(env_file, SITE_URL=""))
    assert seen["SITE_URL"] == ""


def test_values_are_taken_literally(tmp_path):
    path = tmp_path / "literal.env"
    path.write_text("MAP_TILES_URL=https://tiles.example.org/${STYLE}/{z}/{x}/{y}.png?key=a$b#c\n")
    seen = read_back(settings_in_a_fresh_process(path, STYLE="dark"))
    assert seen["MAP_TILES_URL"] == "https://tiles.example.org/${STYLE}/{z}/{x}/{y}.png?key=a$b#c"


def test_env_file_naming_a_missing_file_refuses_to_start(tmp_path):
    result = settings_in_a_fresh_process(tmp_path / "missing.env")
    assert result.returncode != 0
    assert "ENV_FILE names" in result.stderr
    assert "which does not exist" in result.stderr


def test_dev_null_reads_nothing():
    seen = read_back(settings_in_a_fresh_process(os.devnull))
    assert seen["SITE_URL"] == ""
    assert seen["DEBUG"] is True


def test_the_example_file_copied_to_env_starts_for_development():
    seen = read_back(settings_in_a_fresh_process(PROJECT_ROOT / ".env.example"))
    assert seen["DEBUG"] is True
    assert seen["GEOCODER_OPTIONS"] == {"user_agent": "rock-valley-clinic-locator"}
    assert seen["MAP_TILES_URL"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def test_without_env_file_the_default_file_is_read_when_present(tmp_path, monkeypatch):
    name = "LOCATOR_ENV_FILE_TEST_VALUE"
    monkeypatch.delenv("ENV_FILE", raising=False)
    monkeypatch.delenv(name, raising=False)  # also removes what the file sets, after the test
    default = tmp_path / ".env"
    assert read_env_file(default) is None  # no file: nothing read, no error

    default.write_text(f"{name}=from the default file\n")
    assert read_env_file(default) == default
    assert os.environ[name] == "from the default file"


def test_a_missing_file_named_by_env_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("ENV_FILE", str(tmp_path / "nowhere.env"))
    with pytest.raises(ImproperlyConfigured, match="ENV_FILE names"):
        read_env_file(tmp_path / ".env")
