"""The production files: gunicorn.conf.py and deploy/nginx.conf keep visitor data out of their logs and load.

No server is started: gunicorn's settings are read the way gunicorn reads them, its access log line is
formatted by gunicorn's own logger, and nginx (where installed) checks the rendered configuration.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn.app.base import Application
from gunicorn.glogging import Logger

from tests.network import closed_port

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
RENDER_NGINX_CONF = ROOT / "deploy" / "render-nginx-conf.sh"
VISITOR = "203.0.113.9"


class ConfigOnly(Application):
    """gunicorn's application, reading gunicorn.conf.py as `gunicorn -c` does, without parsing sys.argv."""

    def load_config(self) -> None:
        self.load_config_from_file(str(GUNICORN_CONF))

    def load(self) -> Any:
        raise AssertionError("only the configuration is read")


def gunicorn_settings() -> Any:
    return ConfigOnly().cfg


def render_nginx_conf(tmp_path: Path, listen: str = "127.0.0.1:18080", app: str = "127.0.0.1:18081") -> str:
    result = subprocess.run(
        [str(RENDER_NGINX_CONF), listen, "127.0.0.1,localhost", app, str(tmp_path / "s")],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_gunicorn_access_log_has_the_path_but_no_query_string_referrer_or_client_address():
    cfg = gunicorn_settings()
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/find/?q=61265",
        "PATH_INFO": "/find/",
        "QUERY_STRING": "q=61265",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": VISITOR,
        "HTTP_X_FORWARDED_FOR": VISITOR,
        "HTTP_REFERER": "http://127.0.0.1/find/?q=52401",
        "HTTP_USER_AGENT": "Mozilla/5.0 (visitor)",
    }
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", VISITOR), ("REFERER", environ["HTTP_REFERER"])])
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    logger = Logger(cfg)
    atoms = logger.atoms_wrapper_class(logger.atoms(response, request, environ, timedelta(milliseconds=12)))

    line = cfg.access_log_format % atoms

    assert '"GET /find/"' in line
    assert " 200 " in line
    for visitor_data in ("61265", "52401", VISITOR, "Mozilla"):
        assert visitor_data not in line


def test_gunicorn_runs_a_threaded_worker_per_usable_core_unless_told(monkeypatch):
    for name in ("GUNICORN_WORKERS", "GUNICORN_WORKER_CLASS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    cfg = gunicorn_settings()
    assert (cfg.workers, cfg.worker_class_str, cfg.threads) == (len(os.sched_getaffinity(0)), "gthread", 4)

    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "sync")
    cfg = gunicorn_settings()
    assert (cfg.workers, cfg.worker_class_str, cfg.threads) == (5, "sync", 1)


def test_gunicorn_listens_on_the_loopback_and_trusts_only_nginx_there_for_the_scheme(monkeypatch):
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    cfg = gunicorn_settings()

    assert cfg.bind == ["127.0.0.1:8000"]
    assert cfg.forwarded_allow_ips == ["127.0.0.1", "::1"]
    # Only the header nginx sets: the others in gunicorn's default list could come from the client.
    assert cfg.secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}


def test_gunicorn_bind_and_access_log_follow_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "unix:/run/locator/gunicorn.sock")
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "off")
    cfg = gunicorn_settings()

    assert cfg.bind == ["unix:/run/locator/gunicorn.sock"]
    assert cfg.accesslog is None


def test_nginx_access_log_records_no_query_string_referrer_or_client_address(tmp_path):
    conf = render_nginx_conf(tmp_path)
    log_format = re.search(r"log_format\s+locator\s+(.*?);", conf, re.S)
    assert log_format is not None
    variables = set(re.findall(r"\$(\w+)", log_format.group(1)))

    assert "uri" in variables
    # $request is the whole request line, query string included; $request_uri too.
    forbidden = {"request", "request_uri", "args", "query_string", "remote_addr", "http_referer", "http_user_agent"}
    assert not variables & forbidden
    assert not [v for v in variables if v.startswith(("arg_", "http_x_forwarded"))]


def test_nginx_config_has_every_placeholder_filled_outside_its_comments(tmp_path):
    conf = render_nginx_conf(tmp_path)
    directives = [line for line in conf.splitlines() if not line.strip().startswith("#")]

    assert not [line for line in directives if re.search(r"@[A-Z_]+@", line)]
    assert "listen 127.0.0.1:18080;" in conf
    assert "server_name 127.0.0.1 localhost;" in conf
    assert "server 127.0.0.1:18081;" in conf
    assert f"alias {tmp_path / 's'}/;" in conf


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (make serve installs it)")
def test_nginx_accepts_the_rendered_config(tmp_path):
    (tmp_path / "logs").mkdir()
    (tmp_path / "temp").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(render_nginx_conf(tmp_path))

    result = subprocess.run(
        ["nginx", "-t", "-q", "-p", f"{tmp_path}/", "-c", str(conf), "-e", "logs/error.log"],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (make serve installs it)")
def test_with_the_app_down_nginx_answers_a_short_503_page_and_json_for_the_api(tmp_path):
    """What visitors get during a deploy's restart or an app outage: not nginx's bare 502."""
    (tmp_path / "logs").mkdir()
    (tmp_path / "temp").mkdir()
    port = closed_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(render_nginx_conf(tmp_path, listen=f"127.0.0.1:{port}", app=f"127.0.0.1:{closed_port()}"))
    nginx = subprocess.Popen(
        ["nginx", "-p", f"{tmp_path}/", "-c", str(conf), "-e", "logs/error.log", "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)

        def get(path: str) -> tuple[int, Any, str]:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": "127.0.0.1"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status, response.headers, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.headers, error.read().decode()

        status, headers, body = get("/find/?q=61265")
        assert status == 503 and headers["Retry-After"] == "10"
        assert "Clinic search is briefly unavailable" in body and "61265" not in body
        status, headers, body = get("/api/v1/clinics/nearest/?q=61265")
        assert status == 503 and headers["Content-Type"].startswith("application/json")
        assert json.loads(body)["error"]["code"] == "unavailable"
        # The error log holds no visitor's search or address (nginx logs refused upstreams at "error").
        assert "61265" not in (tmp_path / "logs" / "error.log").read_text()
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
