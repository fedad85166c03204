"""How times read on the pages: the viewer's zone, the year only when it is not this year,
how long ago, and what a datetime-local input holds."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from watchkeep.http.forms import parse_local
from watchkeep.http.timefmt import ago, full, instant, local_input, short, zone_named

NOW = datetime(2026, 12, 3, 22, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")


def test_this_years_dates_leave_the_year_out_and_others_show_it() -> None:
    assert short(datetime(2026, 1, 1, 0, 0, tzinfo=UTC), UTC, NOW) == "01 Jan 00:00"
    assert short(datetime(2025, 12, 5, 9, 0, tzinfo=UTC), UTC, NOW) == "05 Dec 2025 09:00"
    assert short(datetime(2025, 12, 5, 9, 0, tzinfo=UTC), PARIS, NOW) == "05 Dec 2025 10:00"
    weekday = short(datetime(2026, 12, 3, 9, 40, tzinfo=UTC), PARIS, NOW, weekday=True)
    assert weekday == "Thu 03 Dec 10:40"


def test_the_year_is_the_viewers_year() -> None:
    """On New Year's Eve evening in UTC it is already next year in Tokyo."""
    late = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)
    tokyo = ZoneInfo("Asia/Tokyo")
    assert short(late, tokyo, late) == "01 Jan 05:00"
    assert short(late, tokyo, late - timedelta(hours=12)) == "01 Jan 2027 05:00"


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(0, "just now"), (59, "just now"), (60, "1m ago"), (2760, "46m ago"),
     (3 * 3600 + 300, "3h 5m ago"), (2 * 86400 + 3600 * 4, "2d 4h ago"), (-600, "in 10m")],
)  # fmt: skip
def test_how_long_ago(seconds: int, said: str) -> None:
    assert ago(NOW - timedelta(seconds=seconds), NOW) == said


def test_iso_strings_from_payloads_are_instants() -> None:
    assert instant("2026-12-05T10:00:00Z") == datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    assert instant("not a time") is None and instant(None) is None
    assert full(datetime(2026, 12, 5, 10, 0, tzinfo=UTC), PARIS) == (
        "2026-12-05 11:00:00 Europe/Paris"
    )


def test_an_unknown_zone_falls_back_to_utc() -> None:
    assert zone_named("Mars/Olympus") is UTC and zone_named(None) is UTC


def test_a_local_input_round_trips_in_the_viewers_zone() -> None:
    value = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    shown = local_input(value, PARIS)
    assert shown == "2026-07-01T10:30"
    assert parse_local(shown, "occurred_at", PARIS) == value
    assert parse_local("", "occurred_at", PARIS) is None
