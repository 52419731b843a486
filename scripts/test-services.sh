#!/usr/bin/env bash
# PostgreSQL and Redis on 127.0.0.1 for the second test pass (make test, make test-postgres).
#
# What is already answering is left exactly as it is. Otherwise, one step at a time and saying so:
# install Debian's postgresql / redis-server with apt when missing (as root, or with sudo), start them
# (pg_ctlcluster, redis-server --daemonize: no systemd needed), wait until they answer, and let the
# postgres role connect over 127.0.0.1 without a password (a "trust" line in pg_hba.conf, added once).
set -euo pipefail

PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
WAIT_SECONDS=${WAIT_SECONDS:-30}
HBA_MARKER="# Added by the clinic locator's make test: the postgres role connects over 127.0.0.1 without a password."
HBA_LINE="host all postgres 127.0.0.1/32 trust"

say() { printf 'services: %s\n' "$*"; }
fail() {
    printf 'services: %s\n' "$*" >&2
    printf 'services: make test-sqlite runs the one pass that needs neither PostgreSQL nor Redis.\n' >&2
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

apt_updated=no
apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        fail "apt-get not found: install $* yourself (PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT)."
    fi
    if [ "$apt_updated" = no ]; then
        as_root apt-get update -qq
        apt_updated=yes
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# $1: what answers, $2...: a command that succeeds once it does.
wait_until() {
    local what=$1 tries=0
    shift
    until "$@" >/dev/null 2>&1; do
        tries=$((tries + 1))
        [ "$tries" -lt "$WAIT_SECONDS" ] || fail "$what did not answer within $WAIT_SECONDS seconds."
        sleep 1
    done
}

pg_answers() { command -v pg_isready >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p "$PG_PORT" -q; }
pg_trusts_postgres() {
    psql "postgresql://postgres@127.0.0.1:$PG_PORT/postgres" -w -Atqc 'select 1' >/dev/null 2>&1
}
redis_answers() {
    command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

# The Debian cluster ("15 main") on our port; empty when there is none.
pg_cluster() { pg_lsclusters --no-header 2>/dev/null | awk -v port="$PG_PORT" '$3 == port { print $1, $2; exit }'; }

postgresql() {
    if pg_answers; then
        say "PostgreSQL is answering on 127.0.0.1:$PG_PORT."
    else
        if ! command -v pg_ctlcluster >/dev/null 2>&1; then
            say "Installing PostgreSQL with apt (needed for the second test pass)…"
            apt_install postgresql
        fi
        local cluster
        cluster=$(pg_cluster)
        if [ -z "$cluster" ]; then
            local version
            version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)
            [ -n "$version" ] || fail "PostgreSQL is installed, but no server version is in /usr/lib/postgresql."
            local name=main
            [ ! -e "/etc/postgresql/$version/main" ] || name=locator_test # "main" is there, on another port
            say "Creating the PostgreSQL $version cluster \"$name\" on port $PG_PORT…"
            as_root pg_createcluster "$version" "$name" --port "$PG_PORT" >/dev/null
            cluster="$version $name"
        fi
        if ! pg_answers; then
            say "Starting PostgreSQL $cluster…"
            # shellcheck disable=SC2086 # "$cluster" is "VERSION NAME", two arguments
            as_root pg_ctlcluster --skip-systemctl-redirect $cluster start
        fi
        say "Waiting for PostgreSQL to answer on 127.0.0.1:$PG_PORT…"
        wait_until "PostgreSQL on 127.0.0.1:$PG_PORT" pg_answers
    fi

    if pg_trusts_postgres; then
        say "PostgreSQL lets the postgres role in over 127.0.0.1 without a password."
        return
    fi
    local cluster hba
    cluster=$(pg_cluster)
    [ -n "$cluster" ] || fail "PostgreSQL on 127.0.0.1:$PG_PORT refuses the postgres role without a password, and it is not a Debian cluster this script can configure: add \"$HBA_LINE\" to its pg_hba.conf."
    # shellcheck disable=SC2086 # "$cluster" is "VERSION NAME", two arguments
    hba=$(pg_conftool -s $cluster show hba_file)
    if as_root grep -qxF "$HBA_LINE" "$hba"; then
        fail "PostgreSQL still refuses the postgres role over 127.0.0.1 although $hba has \"$HBA_LINE\": look at that file and the server log."
    fi
    say "Letting the postgres role connect over 127.0.0.1 without a password (trust, at the top of $hba)…"
    as_root sed -i "1i $HBA_MARKER\n$HBA_LINE" "$hba"
    # shellcheck disable=SC2086 # "$cluster" is "VERSION NAME", two arguments
    as_root pg_ctlcluster --skip-systemctl-redirect $cluster reload
    wait_until "PostgreSQL (the postgres role over 127.0.0.1, after the reload)" pg_trusts_postgres
    say "PostgreSQL lets the postgres role in over 127.0.0.1 without a password."
}

redis() {
    if redis_answers; then
        say "Redis is answering on 127.0.0.1:$REDIS_PORT."
        return
    fi
    if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
        say "Installing Redis with apt (needed for the second test pass)…"
        apt_install redis-server
    fi
    if ! redis_answers; then
        say "Starting Redis on 127.0.0.1:$REDIS_PORT (in memory only)…"
        as_root redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
    fi
    say "Waiting for Redis to answer on 127.0.0.1:$REDIS_PORT…"
    wait_until "Redis on 127.0.0.1:$REDIS_PORT" redis_answers
}

postgresql
redis
