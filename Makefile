# The README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# make run PORT=8001
PORT ?= 8000
# The second test pass: make test PG_URL=postgres://postgres@127.0.0.1:5432/mine REDIS_TEST_URL=redis://127.0.0.1:6379/11
PG_URL ?= postgres://postgres@127.0.0.1:5432/locator
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
# The tests read no .env file: each pass is exactly what the README says it is.
TEST_ENV = ENV_FILE=/dev/null
PYTEST_SQLITE = $(TEST_ENV) $(PY) -m pytest
PYTEST_POSTGRES = $(TEST_ENV) DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest

.PHONY: run serve install install-dev gettext messages browser services test test-sqlite test-postgres lint format bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(VENV)/bin/activate gettext
	$(PIP) install --quiet -r requirements.txt
	$(COMPILE_MESSAGES)

install-dev: $(VENV)/bin/activate gettext
	$(PIP) install --quiet -r requirements-dev.txt
	$(COMPILE_MESSAGES)

# The Spanish pages' translations: locale/*/LC_MESSAGES/*.po are in git, the compiled .mo files are made here (GNU
# gettext's msgfmt, from apt if missing). Only our own locale/: never the virtual environment's or npm's.
COMPILE_MESSAGES = $(TEST_ENV) $(PY) manage.py compilemessages --ignore=.venv --ignore=venv --ignore=node_modules --verbosity 0
gettext:
	@command -v msgfmt >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gettext >/dev/null; }

# After changing visitor-facing text: gather new strings into the .po files (then translate them and run make install).
messages: install-dev
	$(TEST_ENV) $(PY) manage.py update_messages

# Debian's Chromium for the browser tests, and axe-core from npm (no browser downloads).
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@[ -f node_modules/axe-core/axe.min.js ] || npm ci --silent --no-audit --no-fund

# PostgreSQL and Redis on 127.0.0.1 for the second test pass: installed with apt if missing, started if
# stopped, the postgres role let in over 127.0.0.1 without a password; what already answers is left alone.
services:
	@bash scripts/test-services.sh

# Install everything, load the demo data and serve on http://127.0.0.1:$(PORT) (8000 unless PORT=...)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data --demo-admin
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production setup on this machine: nginx (deploy/nginx.conf) on http://127.0.0.1:8080 in front of gunicorn
# (gunicorn.conf.py), DEBUG off, PostgreSQL + Redis on 127.0.0.1. Ctrl-C stops both. scripts/serve.sh lists its
# variables: make serve SERVE_PORT=8090, DATABASE_URL=sqlite:////abs/path.sqlite3 REDIS_URL= (embedded),
# SERVE_DEMO_DATA=no (serve a prepared database as it is).
serve: install
	@bash scripts/serve.sh

# Install what the tests need and run the whole suite on SQLite, then on PostgreSQL + Redis. The SQLite
# pass comes first, so its results show before PostgreSQL and Redis are installed or started.
test: install-dev browser
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	@echo "make test: pass 1 of 2, on SQLite with the local-memory cache."
	$(PYTEST_SQLITE)
	@echo "make test: PostgreSQL and Redis for pass 2."
	@bash scripts/test-services.sh
	@echo "make test: pass 2 of 2, on PostgreSQL ($(PG_URL)) with Redis ($(REDIS_TEST_URL))."
	$(PYTEST_POSTGRES)

# One pass, on SQLite: no PostgreSQL or Redis needed.
test-sqlite: install-dev browser
	$(PYTEST_SQLITE)

# The second pass alone.
test-postgres: install-dev browser services
	$(PYTEST_POSTGRES)

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
