#!/usr/bin/env bash
# make serve: the production setup on this machine, so anyone can reproduce the measurements in
# docs/performance.md. nginx (deploy/nginx.conf) on http://127.0.0.1:$SERVE_PORT in front of gunicorn
# (gunicorn.conf.py) on 127.0.0.1:$SERVE_APP_PORT, with DEBUG off, static files collected, the database
# migrated and the demo clinics loaded. Ctrl-C (or SIGTERM) stops both.
#
# Variables (all optional; anything else the app reads, e.g. API_SEARCH_RATE, is passed on as it is):
#   SERVE_PORT=8080          where nginx listens (on 127.0.0.1)
#   SERVE_APP_PORT           where gunicorn listens (on 127.0.0.1); default SERVE_PORT + 1
#   DATABASE_URL             default postgres://postgres@127.0.0.1:5432/locator_serve (created if missing);
#                            e.g. sqlite:////abs/path.sqlite3 for the embedded setup
#   REDIS_URL                default redis://127.0.0.1:6379/2; empty (REDIS_URL=) for the local-memory cache
#   SERVE_DEMO_DATA=yes      "no" serves the database as it is (e.g. one prepared with 100,000 clinics)
#   SERVE_DIR=.serve         the run's files: nginx.conf, pid files, logs/, temp/, the generated secret key
#   SECRET_KEY               default: a random key generated once and kept in $SERVE_DIR/secret_key
#   ALLOWED_HOSTS            default 127.0.0.1,localhost (nginx's server_name follows it)
# PostgreSQL and Redis on 127.0.0.1 are made to answer by scripts/test-services.sh (installed with apt and
# started if need be); nginx is installed with apt if missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PY=$ROOT/.venv/bin/python

SERVE_PORT=${SERVE_PORT:-8080}
SERVE_APP_PORT=${SERVE_APP_PORT:-$((SERVE_PORT + 1))}
SERVE_DIR=${SERVE_DIR:-$ROOT/.serve}
SERVE_DEMO_DATA=${SERVE_DEMO_DATA:-yes}
# "-", not ":-": a variable set empty (REDIS_URL=) means "none", as it does for the app.
export DATABASE_URL=${DATABASE_URL-postgres://postgres@127.0.0.1:5432/locator_serve}
export REDIS_URL=${REDIS_URL-redis://127.0.0.1:6379/2}
HEALTH_PATH=/api/v1/health/

# The production settings. nginx is the one proxy in front (NUM_PROXIES=1). Cookies are not marked
# Secure by default here only because this runs on plain HTTP; production keeps SECURE_COOKIES=true.
export DEBUG=false
export NUM_PROXIES=1
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SECURE_COOKIES=${SECURE_COOKIES:-false}
export GUNICORN_BIND=127.0.0.1:$SERVE_APP_PORT
# gunicorn's access log is off, as in production (the app logs each request once, with its id).
export GUNICORN_ACCESS_LOG=${GUNICORN_ACCESS_LOG:-off}

say() { printf 'serve: %s\n' "$*"; }
fail() {
    printf 'serve: %s\n' "$*" >&2
    exit 1
}

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        fail "'$*' needs root: run as root, or install sudo."
    fi
}

# A pid file whose process is alive: another make serve is running from this checkout.
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

mkdir -p "$SERVE_DIR/logs" "$SERVE_DIR/temp"
for pidfile in "$SERVE_DIR/nginx.pid" "$SERVE_DIR/gunicorn.pid"; do
    ! alive "$pidfile" || fail "already running from this checkout (pid $(cat "$pidfile") in $pidfile): stop it first."
done
# Another server on either port would answer the health checks below in our place.
for port in "$SERVE_PORT" "$SERVE_APP_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        fail "127.0.0.1:$port is taken by another server: choose others, e.g. make serve SERVE_PORT=$((SERVE_PORT + 100))."
    fi
done

# --- nginx -----------------------------------------------------------------------------------------
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
    say "Installing nginx with apt…"
    command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: install nginx (1.22 or later) yourself."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi

# --- The data stores -------------------------------------------------------------------------------
local_pg='^postgres(ql)?://([^/@]*@)?(127\.0\.0\.1|localhost)[:/]'
local_redis='^rediss?://([^/@]*@)?(127\.0\.0\.1|localhost)[:/]'
if [[ $DATABASE_URL =~ $local_pg || $REDIS_URL =~ $local_redis ]]; then
    bash scripts/test-services.sh
fi
if [[ $DATABASE_URL =~ ^postgres ]]; then
    "$PY" - <<'PYTHON'
"""Create the database DATABASE_URL names if it is missing (on the same server, through its postgres database)."""
import os

import dj_database_url
import psycopg
from psycopg import sql

db = dj_database_url.parse(os.environ["DATABASE_URL"])
with psycopg.connect(
    dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"] or None,
    autocommit=True,
) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        print(f"serve: created the database {db['NAME']}.")
PYTHON
fi
say "Database: ${DATABASE_URL:-the SQLite file db.sqlite3}; cache: ${REDIS_URL:-local memory, per process}."

# --- The secret key: from the environment, else generated once, kept outside git, readable by us only.
if [ -z "${SECRET_KEY:-}" ]; then
    if [ ! -s "$SERVE_DIR/secret_key" ]; then
        (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$SERVE_DIR/secret_key")
        say "Generated a SECRET_KEY in $SERVE_DIR/secret_key."
    fi
    SECRET_KEY=$(cat "$SERVE_DIR/secret_key")
    export SECRET_KEY
fi

# --- The app's files and data ----------------------------------------------------------------------
if ! command -v msgfmt >/dev/null 2>&1; then
    say "Installing GNU gettext with apt (it compiles the Spanish translations)…"
    command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: install GNU gettext (msgfmt) yourself."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null
fi
say "Compiling the translations (locale/)…"
"$PY" manage.py compilemessages --ignore=.venv --ignore=venv --ignore=node_modules --verbosity 0
say "Collecting static files into staticfiles/…"
"$PY" manage.py collectstatic --noinput --verbosity 0
say "Migrating…"
"$PY" manage.py migrate --noinput --verbosity 0
if [ "$SERVE_DEMO_DATA" = no ]; then
    say "SERVE_DEMO_DATA=no: serving the database as it is."
else
    "$PY" manage.py load_demo_data
fi

# --- nginx's configuration for this run --------------------------------------------------------------
deploy/render-nginx-conf.sh "127.0.0.1:$SERVE_PORT" "$ALLOWED_HOSTS" "$GUNICORN_BIND" "$ROOT/staticfiles" \
    >"$SERVE_DIR/nginx.conf"
nginx_cmd=("$NGINX" -p "$SERVE_DIR/" -c "$SERVE_DIR/nginx.conf" -e logs/error.log)
"${nginx_cmd[@]}" -t -q || fail "nginx refused $SERVE_DIR/nginx.conf (made from deploy/nginx.conf)."

# --- Run both; stop both on Ctrl-C, SIGTERM, or when either stops --------------------------------------
gunicorn_pid=
nginx_pid=
# shellcheck disable=SC2317 # called by the traps below
stop() {
    trap - INT TERM EXIT
    say "Stopping nginx and gunicorn…"
    # Graceful for both: requests in flight are finished (nginx: worker_shutdown_timeout; gunicorn:
    # GUNICORN_GRACEFUL_TIMEOUT), then they exit.
    [ -z "$nginx_pid" ] || kill -QUIT "$nginx_pid" 2>/dev/null || true
    [ -z "$gunicorn_pid" ] || kill -TERM "$gunicorn_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -f "$SERVE_DIR/gunicorn.pid"
    say "Stopped."
}
# Stopped on purpose (Ctrl-C, SIGTERM): a clean stop, status 0, so make does not report an error.
trap 'stop; exit 0' INT
trap 'stop; exit 0' TERM
trap stop EXIT

# gunicorn first, and nginx once it answers, so that no early visitor meets a 502. Each in a session of its own,
# so that Ctrl-C reaches only this script, which stops them in order: a terminal sends SIGINT to every process in
# its foreground group at once, and a gthread worker told to quit by the terminal and by its master in the same
# instant can hang until the master kills it.
setsid "$ROOT/.venv/bin/gunicorn" -c gunicorn.conf.py --pid "$SERVE_DIR/gunicorn.pid" &
gunicorn_pid=$!
# $1: what, $2: the address whose health check must answer.
wait_for() {
    for _ in $(seq 60); do
        ! curl -fsS -o /dev/null "$2$HEALTH_PATH" 2>/dev/null || return 0
        kill -0 "$gunicorn_pid" 2>/dev/null || fail "gunicorn stopped (its messages are above)."
        [ -z "$nginx_pid" ] || kill -0 "$nginx_pid" 2>/dev/null || fail "nginx stopped: see $SERVE_DIR/logs/error.log."
        sleep 1
    done
    fail "$1 did not answer $2$HEALTH_PATH within 60 seconds."
}
wait_for gunicorn "http://$GUNICORN_BIND"
setsid "${nginx_cmd[@]}" -g 'daemon off;' &
nginx_pid=$!
url=http://127.0.0.1:$SERVE_PORT
wait_for nginx "$url"
say "Serving on $url/ (nginx) in front of gunicorn on http://$GUNICORN_BIND. Ctrl-C stops both."
say "Logs: $SERVE_DIR/logs/ (nginx's access.log and error.log); gunicorn's messages and the app's request lines here."

# Whichever stops first, the other is stopped too (by the EXIT trap).
status=0
wait -n "$gunicorn_pid" "$nginx_pid" || status=$?
if ! kill -0 "$gunicorn_pid" 2>/dev/null; then
    gunicorn_pid=
    say "gunicorn stopped (status $status)."
else
    nginx_pid=
    say "nginx stopped (status $status): see $SERVE_DIR/logs/error.log."
fi
exit 1
