"""The change point of a metric series: a sustained step is one, noise and spikes are not."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from watchkeep.assist.investigation.series import MIN_SIDE, Shift, change_point

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def series(values: list[float]) -> list[tuple[datetime, float]]:
    """``values`` a minute apart from START."""
    return [(START + timedelta(minutes=i), value) for i, value in enumerate(values)]


def noise(seed: int, count: int, level: float, sigma: float) -> list[float]:
    chance = random.Random(seed)
    return [level + chance.gauss(0, sigma) for _ in range(count)]


def test_a_step_up_changed_at_its_first_high_point() -> None:
    shift = change_point(series(noise(1, 30, 10, 0.5) + noise(2, 20, 50, 0.5)))
    assert shift.at == START + timedelta(minutes=30)
    assert shift.before == pytest.approx(10, abs=0.5)
    assert shift.after == pytest.approx(50, abs=0.5)


def test_a_step_down_changed_at_its_first_low_point() -> None:
    shift = change_point(series(noise(3, 40, 200, 5) + noise(4, 15, 20, 5)))
    assert shift.at == START + timedelta(minutes=40)
    assert shift.before == pytest.approx(200, abs=5)
    assert shift.after == pytest.approx(20, abs=5)


def test_errors_starting_from_nothing_are_a_change() -> None:
    shift = change_point(series([0.0] * 20 + [3.0, 2.5, 3.5, 3.0, 2.8]))
    assert shift == Shift(START + timedelta(minutes=20), 0.0, 3.0)


def test_a_flat_series_did_not_change() -> None:
    assert change_point(series([7.0] * 60)) == Shift(None, 7.0, 7.0)


@pytest.mark.parametrize("seed", range(20))
def test_noise_without_a_change_is_not_one(seed: int) -> None:
    shift = change_point(series(noise(seed, 120, 10, 1)))
    assert shift.at is None
    assert shift.before == pytest.approx(10, abs=1)
    assert shift.after == pytest.approx(10, abs=1)


@pytest.mark.parametrize("seed", range(20))
def test_noise_around_zero_is_not_a_change_though_it_doubles_and_halves(seed: int) -> None:
    values = [abs(value) for value in noise(seed, 120, 0.01, 0.01)]
    assert change_point(series(values)).at is None


def test_a_steady_ramp_is_not_a_sharp_change() -> None:
    assert change_point(series([float(i) for i in range(100)])).at is None


def test_a_small_step_is_not_a_sharp_change() -> None:
    assert change_point(series([100.0] * 30 + [120.0] * 30)).at is None


def test_a_spike_of_one_point_is_not_a_change() -> None:
    for where in (0, 1, 10, 18, 19):
        values = [5.0] * 20
        values[where] = 500.0
        assert change_point(series(values)).at is None


def test_too_few_points_after_the_step_are_not_a_change() -> None:
    short = [1.0] * 20 + [9.0] * (MIN_SIDE - 1)
    assert change_point(series(short)).at is None
    assert change_point(series([*short, 9.0])).at == START + timedelta(minutes=20)


def test_too_few_points_have_no_change_but_a_level() -> None:
    assert change_point(series([1.0, 1.0, 9.0, 9.0, 9.0])) == Shift(None, 1.0, 9.0)
    assert change_point(series([4.0])) == Shift(None, 4.0, 4.0)
    assert change_point([]) == Shift(None, None, None)
