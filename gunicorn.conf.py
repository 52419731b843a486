"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py locator.wsgi`, behind nginx (deploy/nginx.conf).

Gunicorn reads this file before the app starts. Every value can be changed from the environment (or the
project's .env file, which this file reads the way locator/settings.py does) without editing it:

    GUNICORN_BIND            where nginx proxies to (default 127.0.0.1:8000; a unix:/path socket works too)
    GUNICORN_WORKERS         worker processes (default: one per CPU core this process may use)
    GUNICORN_WORKER_CLASS    gthread (default) or sync
    GUNICORN_THREADS         threads per gthread worker (default 4)
    GUNICORN_TIMEOUT         seconds a worker may go silent before it is killed and replaced (default 30)
    GUNICORN_GRACEFUL_TIMEOUT  seconds workers get to finish their requests on shutdown (default 15)
    GUNICORN_MAX_REQUESTS    requests before a worker is replaced by a fresh fork (default 50000; 0: never)
    GUNICORN_ACCESS_LOG      file for gunicorn's access log, "-" for standard output, "off" for none (the default:
                             the app writes one line per request itself, with its request id)
    GUNICORN_ERROR_LOG       file for gunicorn's own log, "-" for standard error (the default)
    GUNICORN_CONTROL_SOCKET  path of gunicorn's control socket for gunicornc (default: none)
    FORWARDED_ALLOW_IPS      the proxies trusted to say the request came over HTTPS (default 127.0.0.1,::1)

Why gthread workers behind nginx: nginx buffers each request until it is complete and each answer until the
client has taken it, so no worker ever waits for a client, and a slow or idle client costs nginx a few kilobytes
instead of a worker (without nginx, two clients sending a header line every five seconds held both sync workers
and the whole site stopped answering). Behind it, the standard choice is sync workers; measured here, run for run
against the same background load, gthread workers (threads sharing one interpreter, connections from nginx kept
open between requests) served the mixed load test 1.7 to 2.2 times as fast as sync workers, with lower median
latency and a similar 95th percentile: see docs/performance.md, "Load test".
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from locator.env import envint, envstr, read_env_file  # noqa: E402

# The same .env (or ENV_FILE) the app reads, so GUNICORN_* and NUM_PROXIES may live there too.
read_env_file(ROOT / ".env")


def usable_cores() -> int:
    """The cores this process may run on (a container's or taskset's limit), not every core of the host."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def log_target(name: str, default: str) -> str | None:
    """A log file from the environment: a path, "-" for the standard streams, "off" (or empty) for none."""
    value = envstr(name, default)
    return None if value.lower() in {"", "off", "none"} else value


wsgi_app = "locator.wsgi"
chdir = str(ROOT)

# Only nginx should reach gunicorn: with NUM_PROXIES=1 the app takes the last X-Forwarded-For address as the
# visitor, and a client that could reach gunicorn directly could write that header itself.
bind = [envstr("GUNICORN_BIND", "127.0.0.1:8000")]

# Threads let one process overlap its waits (PostgreSQL, Redis, nginx taking the answer) with work, and nginx
# keeps connections to them open between requests (sync workers close each connection after one answer, and
# gunicorn then waits for nginx to close its end). The work itself is CPU-bound Python under one GIL per process,
# so one process per core: more processes only add memory and contention (4 sync workers on 2 cores measured no
# better than 2). A long request (the GeoJSON of every clinic) holds up the other threads of its process, which
# shows in the slowest percentiles: see docs/performance.md.
workers = envint("GUNICORN_WORKERS", usable_cores())
worker_class = envstr("GUNICORN_WORKER_CLASS", "gthread")
threads = envint("GUNICORN_THREADS", 4) if worker_class == "gthread" else 1
# How long a connection from nginx is kept open for its next request; nginx gives up on it sooner (its upstream
# keepalive_timeout, 4 s), so it never sends a request on a connection gunicorn is closing.
keepalive = 5

timeout = envint("GUNICORN_TIMEOUT", 30)
graceful_timeout = envint("GUNICORN_GRACEFUL_TIMEOUT", 15)
# The longest request line nginx passes on (its 8 KB header buffers): longer lines get the app's own "too long"
# message (a 400 that says so) rather than gunicorn's bare 414, which it gives above 4094 by default.
limit_request_line = 8190

# Load the app (and warm the offline geocoder, about a second of work) once in the master, before forking:
# every worker shares those pages, and a worker replaced after max_requests is a cheap fork, not a fresh
# start. The app opens no database or Redis connection at import, so nothing is shared that must not be.
# A code change therefore needs a restart of gunicorn, not just a HUP.
preload_app = True
# Replace each worker after this many requests (staggered by the jitter, so they do not all go at once): a
# bound on any slow leak. Not often: the app's caches are bounded already, and a replacement costs a cold
# per-process clinic cache plus about a second of CPU while the old worker's interpreter frees its heap
# (measured: 1.07 s), which at 10,000 requests would add 0.1 ms to each request.
max_requests = envint("GUNICORN_MAX_REQUESTS", 50000)
max_requests_jitter = max_requests // 10

# Logs. Searches carry ZIP codes and coordinates in the query string and the referrer carries the previous
# page's, so the access log has the path without the query string (%(U)s, not %(r)s), and no client address,
# referrer or user agent: the app's logs carry no visitor data.
# Off by default: the app logs each request once, with its id (clinics/request_log.py); this one can be turned on.
accesslog = log_target("GUNICORN_ACCESS_LOG", "off")
errorlog = log_target("GUNICORN_ERROR_LOG", "-") or "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms %(p)s'
loglevel = "info"
# The wsgi.errors stream of each request is the error log too; the app's own log goes to standard error.
capture_output = False

# The proxy. nginx sets X-Forwarded-Proto to the scheme it was reached by; gunicorn believes it only from
# FORWARDED_ALLOW_IPS (gunicorn's own variable; default the loopback, where deploy/nginx.conf runs) and only
# that one header: its default list also honours X-Forwarded-Ssl and X-Forwarded-Protocol, which nginx does not
# set, so a client could send them (and a conflicting one makes gunicorn refuse the request). Django reads the
# same header (SECURE_PROXY_SSL_HEADER when DEBUG is off). The visitor's address for rate limits is not
# gunicorn's business: the app reads it from X-Forwarded-For, NUM_PROXIES entries from the end.
forwarded_allow_ips = envstr("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# gunicornc's control socket: off unless a path is given, so that two servers on one machine (make serve
# from two checkouts) do not fight over the shared default under $HOME.
control_socket = envstr("GUNICORN_CONTROL_SOCKET")
control_socket_disable = not control_socket

NUM_PROXIES = envint("NUM_PROXIES", 0)


def on_starting(server: Any) -> None:
    """Say so at start-up when NUM_PROXIES does not match a proxy in front: rate limits would go wrong."""
    if NUM_PROXIES == 0:
        server.log.warning(
            "NUM_PROXIES is 0: behind nginx every visitor looks like nginx's own address, so all of them share "
            "one rate limit. Set NUM_PROXIES=1 behind deploy/nginx.conf."
        )
    public = [address for address in bind if not address.startswith(("127.", "localhost:", "[::1]:", "unix:"))]
    if NUM_PROXIES and public:
        server.log.warning(
            "NUM_PROXIES=%s trusts X-Forwarded-For, but gunicorn listens on %s: a client reaching it there "
            "directly can choose its own address. Bind to the loopback or a socket only nginx can reach.",
            NUM_PROXIES,
            ", ".join(public),
        )
