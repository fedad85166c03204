"""Retry backoff, periodic slots and error lines: pure values in, values out."""

from datetime import UTC, datetime, timedelta

import pytest

from watchkeep.jobs.policy import (
    Backoff,
    error_line,
    periodic_key,
    periodic_slot,
    retry_at,
    slot_start,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("attempt", "ceiling"), [(1, 5.0), (2, 10.0), (3, 20.0), (4, 40.0), (10, 2560.0), (11, 3600.0)]
)
def test_the_delay_doubles_per_attempt_up_to_the_cap(attempt: int, ceiling: float) -> None:
    backoff = Backoff(base_seconds=5, cap_seconds=3600)
    assert backoff.delay(attempt, rand=lambda: 0.0) == ceiling / 2
    assert backoff.delay(attempt, rand=lambda: 1.0) == ceiling


def test_the_jitter_spreads_delays_between_half_and_all_of_the_ceiling() -> None:
    backoff = Backoff(base_seconds=8, cap_seconds=3600)
    delays = {backoff.delay(3) for _ in range(200)}
    assert all(16 <= delay <= 32 for delay in delays)
    assert len(delays) > 100


def test_a_huge_attempt_count_stays_at_the_cap() -> None:
    assert Backoff(base_seconds=5, cap_seconds=60).delay(10_000, rand=lambda: 1.0) == 60


def test_attempts_are_counted_from_one() -> None:
    with pytest.raises(ValueError, match="from 1"):
        Backoff().delay(0)


def always_one() -> float:
    return 1.0


def test_retry_at_adds_the_delay_until_no_attempts_are_left() -> None:
    backoff = Backoff(base_seconds=10)
    delays = [
        retry_at(backoff, attempt=attempt, max_attempts=3, now=NOW, rand=always_one)
        for attempt in (1, 2, 3)
    ]
    assert delays == [NOW + timedelta(seconds=10), NOW + timedelta(seconds=20), None]


def test_slots_count_whole_periods_since_the_epoch() -> None:
    every = timedelta(minutes=5)
    slot = periodic_slot(datetime(2026, 3, 2, 9, 4, 59, 999999, tzinfo=UTC), every)
    assert slot_start(slot, every) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert slot_start(slot + 1, every) == datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
    assert periodic_slot(datetime(2026, 3, 2, 9, 5, tzinfo=UTC), every) == slot + 1


def test_slots_do_not_depend_on_the_offset_of_now() -> None:
    every = timedelta(hours=1)
    utc = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert periodic_slot(utc, every) == periodic_slot(utc.astimezone(), every)


def test_a_period_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        periodic_slot(NOW, timedelta(0))


def test_periodic_keys_name_kind_and_slot() -> None:
    assert periodic_key("incident.sweep_overdue", 42) == "periodic:incident.sweep_overdue:42"


class PagerDown(Exception):
    pass


def test_the_error_line_is_the_tracebacks_last_line() -> None:
    assert error_line(ValueError("bad payload")) == "ValueError: bad payload"
    assert error_line(KeyError("user_id")) == "KeyError: 'user_id'"
    assert error_line(RuntimeError()) == "RuntimeError"
    assert error_line(PagerDown("timeout")) == f"{__name__}.PagerDown: timeout"
