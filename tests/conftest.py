"""Fixtures for every test.

The demo directory (clinics.demo_data) is loaded into the test database once per run, when the database is
created, and each test rolls back its own changes. A database test sees it only when it asks for ``demo_data``;
every other database test starts with no clinics and no services, and builds what it needs with tests/factories.py.
Transactional tests (``transaction=True``, ``live_server``) empty the database when they end; the next database
test puts the demo directory back before it starts, whatever order the tests run in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.test import override_settings
from django.utils import translation
from pytest_django import DjangoDbBlocker

from clinics.conditions import catalogue
from clinics.counts import state_counts
from clinics.models import Clinic, Condition, OpeningHours, Service
from clinics.outage import pause as database_pause
from clinics.search import details
from clinics.search.ranking import directory as directory_size
from clinics.shared_cache import breaker
from demand.recording import tallies as demand_tallies
from tests.fakes import FakeGeocoder


def pytest_configure(config: pytest.Config) -> None:
    """The Spanish pages need the compiled translations (.mo files are not in git): compiled once per run, by the
    main process only (xdist's workers start after it and would race each other writing them)."""
    if not hasattr(config, "workerinput"):
        call_command("compilemessages", ignore_patterns=[".venv", "venv", "node_modules"], verbosity=0)


# Asking for any of these (directly or through another fixture) gives a test the database, as a django_db mark does.
DATABASE_FIXTURES = frozenset({"db", "transactional_db", "live_server"})


def uses_database(fixturenames: Iterable[str], django_db_mark: pytest.Mark | None) -> bool:
    return django_db_mark is not None or not DATABASE_FIXTURES.isdisjoint(fixturenames)


@pytest.fixture(autouse=True)
def _fresh_cache_and_geocoder(settings: Any) -> Iterator[None]:
    """Each test starts with an empty cache (geocoder answers, throttles, state counts) and no online geocoder."""
    breaker.reset()
    database_pause.reset()
    cache.clear()
    details.cache.clear()
    directory_size.forget()
    state_counts.forget()
    settings.GEOCODER = {**settings.GEOCODER, "SERVICE": ""}
    FakeGeocoder.reset()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_unless_asked() -> Iterator[None]:
    """A request to a Spanish page leaves Spanish active in its thread (LocaleMiddleware activates the language of
    each request, and the next request's replaces it): each test starts, and ends, in English."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_search_demand_waiting(settings: Any) -> Iterator[None]:
    """Search counts wait in memory (demand/recording.py): each test starts with none, and none is written on its
    own after a request (a test that wants the rows calls ``flush()``), so query counts stay exact."""
    settings.SEARCH_DEMAND_FLUSH_SECONDS = 10**9
    demand_tallies.discard()
    yield
    demand_tallies.discard()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Staff users are made in many tests; a slow hasher only slows them (Django's own advice for test settings)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _import_uploads_in_a_folder_of_their_own(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Spreadsheets uploaded to the admin's import wait in a folder per test, never the machine's shared one."""
    settings.IMPORT_UPLOAD_DIR = tmp_path_factory.mktemp("import-uploads")


@pytest.fixture
def fake_geocoder(settings: Any) -> type[FakeGeocoder]:
    """Street addresses go to FakeGeocoder, with no rate-limit delay."""
    settings.GEOCODER = {**settings.GEOCODER, "SERVICE": "tests.fakes.FakeGeocoder", "MIN_DELAY_SECONDS": 0}
    return FakeGeocoder


# --- The demo directory, loaded once ----------------------------------------------------------------


# In the order they can be inserted.
DIRECTORY_MODELS = (Service, Clinic, Clinic.services.through, OpeningHours, Condition, Condition.services.through)


def empty_directory() -> None:
    """Delete every clinic, service, opening hours and condition row (without signals: nothing is cached yet)."""
    with connection.cursor() as cursor:
        for model in reversed(DIRECTORY_MODELS):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


class DemoDirectory:
    """The demo clinics and services in the test database: loaded once, put back after a transactional test."""

    def __init__(self, blocker: DjangoDbBlocker) -> None:
        self.blocker = blocker
        self.rows: list[tuple[type[Model], list[Model]]] = []

    def load(self) -> None:
        """Load the demo data the way the load_demo_data command does, and keep a copy of the rows it wrote."""
        from clinics.demo_data import load_demo_conditions, load_demo_data

        with self.blocker.unblock(), override_settings(GEOCODER={**django_settings.GEOCODER, "SERVICE": ""}):
            empty_directory()
            load_demo_data()
            load_demo_conditions()
            self.rows = [(model, list(model.objects.all())) for model in DIRECTORY_MODELS]

    def restore(self) -> None:
        """Put the rows back if a transactional test emptied the database (it flushes every table when it ends).

        The connection is left as it was found: one opened here and left open could outlive the test run (once
        Playwright runs an event loop in this thread, Django hands the tests another connection object).
        """
        clinics = next(len(rows) for model, rows in self.rows if model is Clinic)
        with self.blocker.unblock():
            was_open = connection.connection is not None
            try:
                if Clinic.objects.count() != clinics:
                    self._insert_rows()
            finally:
                if not was_open:
                    connection.close()

    @transaction.atomic
    def _insert_rows(self) -> None:
        empty_directory()
        for model, rows in self.rows:
            model.objects.bulk_create(rows)
        # The rows keep their ids: a database server's id sequences must still run past them.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(DIRECTORY_MODELS)):
                cursor.execute(sql)


DEMO_DIRECTORY = pytest.StashKey[DemoDirectory]()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker, request: pytest.FixtureRequest) -> None:
    """The test database, with the demo directory loaded into it once."""
    directory = DemoDirectory(django_db_blocker)
    directory.load()
    request.config.stash[DEMO_DIRECTORY] = directory


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    # Before any of the test's fixtures: a transactional test that ran earlier emptied the database.
    directory = item.config.stash.get(DEMO_DIRECTORY, None)
    if directory is not None and uses_database(item.fixturenames, item.get_closest_marker("django_db")):
        directory.restore()
    return (yield)


@pytest.fixture
def demo_data(db: None) -> None:
    """The demo clinics, services and conditions (Rock Valley's 13 clinics), as clinics.demo_data loads them."""


@pytest.fixture(autouse=True)
def _condition_catalogue_read_afresh() -> None:
    """Each test reads the conditions in its own database, not a catalogue an earlier test left in memory."""
    catalogue.forget()


@pytest.fixture(autouse=True)
def _empty_directory_unless_demo_data(request: pytest.FixtureRequest) -> None:
    """A database test that does not ask for the demo data starts with no clinics and no services."""
    if "demo_data" in request.fixturenames:
        return
    if not uses_database(request.fixturenames, request.node.get_closest_marker("django_db")):
        return
    for name in ("transactional_db", "db"):  # the test's transaction first, so the emptying is rolled back with it
        if name in request.fixturenames:
            request.getfixturevalue(name)
    empty_directory()
