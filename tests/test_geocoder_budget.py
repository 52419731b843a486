"""The site's budget of online geocoder lookups holds in any 60 seconds, not per clock minute."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from clinics.geocoding.budget import allow_lookup

LIMIT = 5
NOON = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)


def spend(attempts: int, limit: int = LIMIT) -> int:
    """Ask for ``attempts`` lookups; return how many were allowed."""
    return sum(allow_lookup(limit) for _ in range(attempts))


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def test_a_budget_spent_at_the_end_of_a_minute_is_not_spent_again_at_the_start_of_the_next(clock):
    clock.move_to(NOON + timedelta(seconds=59))
    assert spend(LIMIT + 3) == LIMIT
    clock.move_to(NOON + timedelta(seconds=61))
    assert spend(LIMIT) == 0


def test_the_budget_comes_back_a_minute_after_it_was_spent(clock):
    clock.move_to(NOON + timedelta(seconds=59))
    assert spend(LIMIT) == LIMIT
    clock.move_to(NOON + timedelta(seconds=90))
    assert spend(LIMIT) == 0  # refused lookups are not counted against the budget...
    clock.move_to(NOON + timedelta(seconds=120))
    assert spend(LIMIT + 1) == LIMIT  # ...so all of it is back a minute later


def test_no_minute_ever_holds_more_than_the_budget_and_every_minute_gets_most_of_it(clock):
    limit, allowed = 10, []
    for second in range(30, 630):  # from half past: a clock-minute counter would allow 20 around 12:01
        clock.move_to(NOON + timedelta(seconds=second))
        if allow_lookup(limit):
            allowed.append(second)
    assert max(sum(1 for t in allowed if start <= t < start + 60) for start in range(630)) == limit
    assert len(allowed) >= limit * 9  # ten minutes of asking every second: at least nine budgets' worth


def test_visitors_racing_for_the_last_lookups_never_overspend_it(clock):
    barrier, results = threading.Barrier(30), []

    def ask() -> None:
        barrier.wait()
        results.append(allow_lookup(10))

    threads = [threading.Thread(target=ask) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) <= 10
    # The refused racers took nothing: what is left of the budget is exactly what was not used.
    assert sum(results) + spend(30, limit=10) == 10


def test_a_budget_of_zero_means_no_limit(clock):
    assert spend(1000, limit=0) == 1000
