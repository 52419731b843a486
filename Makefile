# The README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# make run PORT=8001
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/locator
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
# The tests read no .env file: each pass is exactly what the README says it is.
TEST_ENV := ENV_FILE=/dev/null

.PHONY: run install install-dev browser services test test-sqlite test-postgres lint format bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt

install-dev: $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements-dev.txt

# Debian's Chromium for the browser tests, and axe-core from npm (no browser downloads).
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@[ -f node_modules/axe-core/axe.min.js ] || npm ci --silent --no-audit --no-fund

# PostgreSQL and Redis on 127.0.0.1 for the second test pass: started if installed and not running.
services:
	@pg_isready -h 127.0.0.1 -q 2>/dev/null || $(SUDO) pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || $(SUDO) redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@pg_isready -h 127.0.0.1 -q || { echo "PostgreSQL is not answering on 127.0.0.1:5432 (user postgres, trust auth); use make test-sqlite for one pass without it."; exit 1; }

# Install everything, load the demo data and serve on http://127.0.0.1:$(PORT) (8000 unless PORT=...)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data --demo-admin
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Install what the tests need and run the whole suite on SQLite, then on PostgreSQL + Redis.
test: install-dev browser services
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) -m pytest
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install-dev browser
	$(TEST_ENV) $(PY) -m pytest

test-postgres:
	$(TEST_ENV) DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-dev
	$(PY) benchmarks/bench_geocoding.py
	$(PY) benchmarks/bench_search.py

clean:
	rm -rf $(VENV) staticfiles node_modules test-artifacts db.sqlite3
