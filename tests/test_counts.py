"""Clinics per state, remembered between requests: shared by processes, never used after a change."""

import pytest

from clinics import counts, editing
from clinics.counts import StateCounts
from clinics.models import Clinic
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db


def by_state(directory):
    return {state.code: state.count for state in directory.states}


@pytest.fixture
def two_processes(monkeypatch):
    """Two workers' counts sharing one cache; with nothing remembered in a process, each asks the shared cache."""
    monkeypatch.setattr(counts, "LOCAL_SECONDS", 0)
    return StateCounts(), StateCounts()


def test_counts_are_of_active_clinics_by_state_in_order_of_state_name():
    ClinicFactory(state="IA")
    ClinicFactory(state="IA")
    ClinicFactory(state="IL")
    ClinicFactory(state="NE", status="retired")
    directory = StateCounts().get()
    assert [(s.name, s.count) for s in directory.states] == [("Illinois", 1), ("Iowa", 2)]
    assert directory.total == 3


def test_one_process_counts_and_the_others_read_its_count(two_processes, django_assert_num_queries):
    first, second = two_processes
    ClinicFactory(state="IA")
    with django_assert_num_queries(2):  # the clinics per state, and the services they offer
        assert by_state(first.get()) == {"IA": 1}
    with django_assert_num_queries(0):
        assert by_state(second.get()) == {"IA": 1}


def test_an_edit_in_one_process_is_counted_by_the_others(two_processes, django_capture_on_commit_callbacks):
    _, other = two_processes
    second = other  # a worker other than the one staff edit in (whose counts are clinics.counts.state_counts)
    clinic = Clinic.objects.get(pk=ClinicFactory(state="IA").pk)  # as staff would open it
    assert by_state(second.get()) == {"IA": 1}
    with django_capture_on_commit_callbacks(execute=True):
        editing.clinic_update(clinic=clinic, state="IL", zip_code="61265")  # staff edit, in the first process
    assert by_state(second.get()) == {"IL": 1}


def test_a_count_that_started_before_a_change_is_not_used_after_it(two_processes, monkeypatch):
    first, second = two_processes
    ClinicFactory(state="IA")
    real_count = counts._count

    def count_then_change():
        """The count reads the directory, then an edit commits before the count is stored."""
        directory = real_count()
        ClinicFactory(state="IA")
        first.forget()
        return directory

    monkeypatch.setattr(counts, "_count", count_then_change)
    assert by_state(second.get()) == {"IA": 1}  # what it read
    monkeypatch.setattr(counts, "_count", real_count)
    assert by_state(first.get()) == {"IA": 2}  # the stored count is older than the change: counted again


def test_without_the_shared_cache_each_process_counts_for_itself(two_processes, monkeypatch):
    first, second = two_processes

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(counts.cache, "get_many", down)
    monkeypatch.setattr(counts.cache, "set", down)
    ClinicFactory(state="IA")
    assert by_state(first.get()) == {"IA": 1}
    Clinic.objects.update(state="NE")
    assert by_state(second.get()) == {"NE": 1}
    editing.directory_changed()  # an edit's own notice, with the cache down: does not fail the edit
    assert by_state(first.get()) == {"NE": 1}


def test_a_process_remembers_its_count_for_a_few_seconds(django_assert_num_queries):
    clock = [1000.0]
    directory_counts = StateCounts(clock=lambda: clock[0])
    directory_counts.get()
    with django_assert_num_queries(0):
        clock[0] += counts.LOCAL_SECONDS - 0.1
        directory_counts.get()
    counts.cache.clear()  # nor any shared count
    with django_assert_num_queries(2):  # the clinics per state, and the services they offer
        clock[0] += 0.2
        directory_counts.get()
