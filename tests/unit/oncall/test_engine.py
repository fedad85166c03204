"""The engine against the reference (Hypothesis), DST regressions, and every §5 rule."""

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.oncall import reference
from watchkeep.oncall import Schedule, oncall_at, parse_schedule, render
from watchkeep.oncall.engine.localtime import instant_seconds, naive_seconds, next_change
from watchkeep.oncall.engine.turns import compile_rotation

BENCH = Path(__file__).parents[3] / ".." / "shared" / "bench" / "schedule_specs.json"
# Each zone with days around its 2025 offset changes, so windows often cross one.
ZONE_CHANGES = {
    "Australia/Sydney": [datetime(2025, 4, 6), datetime(2025, 10, 5)],
    "America/New_York": [datetime(2025, 3, 9), datetime(2025, 11, 2)],
    "Pacific/Chatham": [datetime(2025, 4, 6), datetime(2025, 9, 28)],
    "Asia/Kolkata": [datetime(2025, 7, 1)],
    "Europe/London": [datetime(2025, 3, 30), datetime(2025, 10, 26)],
    "UTC": [datetime(2025, 7, 1)],
}
# Local times that fall in a gap or an ambiguous hour somewhere above.
AWKWARD_TIMES = ["00:00", "01:30", "02:00", "02:30", "02:45", "03:00", "03:45", "23:30"]
PEOPLE = ["ann", "ben", "cat", "dan", "eve"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def engine_entries(schedule: Schedule, lo: datetime, hi: datetime) -> tuple[list, list]:
    result = render(schedule, lo, hi)
    return (
        [tuple(e) for e in result.final],
        [[tuple(e) for e in layer] for layer in result.layers],
    )


def reference_entries(schedule: Schedule, lo: datetime, hi: datetime) -> tuple[list, list]:
    return reference.render(schedule, lo, hi)


# ---- Hypothesis strategies ---------------------------------------------------------------


@st.composite
def clock_times(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(AWKWARD_TIMES))
    minutes = draw(st.integers(0, 24 * 4 - 1)) * 15 + draw(st.sampled_from([0, 0, 0, 7]))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def working_intervals(draw: st.DrawFn) -> list[dict[str, str]] | None:
    kind = draw(st.sampled_from(["absent", "none", "empty", "some", "some", "some"]))
    if kind in ("absent", "none"):
        return None
    if kind == "empty":
        return []
    intervals = []
    for _ in range(draw(st.integers(1, 3))):
        start = draw(clock_times())
        end = start if draw(st.integers(0, 5)) == 0 else draw(clock_times())
        # Mostly every day (as real rotations are), sometimes a few chosen weekdays.
        days = WEEKDAYS if draw(st.booleans()) else draw(st.sets(st.sampled_from(WEEKDAYS)))
        intervals += [{"weekday": day, "start": start, "end": end} for day in sorted(days)]
    return intervals


@st.composite
def handovers(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for _ in range(draw(st.integers(1, 3))):
        unit = draw(st.sampled_from(["hourly", "hourly", "daily", "weekly"]))
        top = {"hourly": 30, "daily": 3, "weekly": 2}[unit]
        out.append({"interval": draw(st.integers(1, top)), "unit": unit})
    return out


@st.composite
def layers(draw: st.DrawFn, window_start: datetime) -> dict[str, Any]:
    users = draw(st.lists(st.sampled_from([*PEOPLE, None]), min_size=1, max_size=5))
    if draw(st.integers(0, 9)) == 0:
        users = []
    day = window_start - timedelta(days=draw(st.integers(-3, 200)))
    hh, mm = draw(clock_times()).split(":")
    anchor = datetime(day.year, day.month, day.day, int(hh), int(mm))
    if draw(st.integers(0, 4)) == 0:
        anchor += timedelta(seconds=draw(st.integers(1, 59)))
    layer: dict[str, Any] = {
        "name": "L",
        "users": users,
        "anchor": anchor.isoformat(),
        "handovers": draw(handovers()),
        "concurrent": draw(st.integers(1, 4)),
    }
    working = draw(working_intervals())
    if working is not None or draw(st.booleans()):
        layer["working_intervals"] = working
    for key in ("start", "end"):
        if draw(st.integers(0, 3)) == 0:
            layer[key] = z(window_start + timedelta(minutes=15 * draw(st.integers(-200, 600))))
    return layer


@st.composite
def specs(draw: st.DrawFn) -> tuple[dict[str, Any], datetime, datetime]:
    timezone = draw(st.sampled_from(sorted(ZONE_CHANGES)))
    base = draw(st.sampled_from(ZONE_CHANGES[timezone]))
    lo = (base + timedelta(minutes=15 * draw(st.integers(-200, 100)))).replace(tzinfo=UTC)
    if draw(st.integers(0, 5)) == 0:
        lo += timedelta(seconds=draw(st.integers(1, 899)))
    hours = draw(st.sampled_from([0, 1, 5, 24, 49, 72, 120, 200]))
    hi = lo + timedelta(hours=hours, minutes=15 * draw(st.integers(0, 4 * 24)))
    created = [z(lo - timedelta(days=d)) for d in (1, 2, 3)]
    overrides = []
    for _ in range(draw(st.integers(0, 4))):
        start = lo + timedelta(minutes=15 * draw(st.integers(-100, 500)))
        overrides.append(
            {
                "user": draw(st.sampled_from([*PEOPLE, None])),
                "start": z(start),
                "end": z(start + timedelta(minutes=15 * draw(st.integers(-4, 200)))),
                "created_at": draw(st.sampled_from(created)),
            }
        )
    spec = {
        "timezone": timezone,
        "layers": [draw(layers(lo)) for _ in range(draw(st.integers(1, 3)))],
        "overrides": overrides,
    }
    return spec, lo, hi


PROPERTY = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(specs())
def test_the_engine_renders_what_the_reference_renders(case: tuple) -> None:
    spec, lo, hi = case
    schedule = parse_schedule(spec)
    assert engine_entries(schedule, lo, hi) == reference_entries(schedule, lo, hi)


@PROPERTY
@given(specs(), st.lists(st.floats(0, 1), min_size=1, max_size=5))
def test_the_point_query_agrees_with_the_render_and_the_reference(
    case: tuple, fractions: list[float]
) -> None:
    spec, lo, hi = case
    schedule = parse_schedule(spec)
    final = render(schedule, lo, hi).final
    for fraction in fractions:
        t = lo + timedelta(seconds=int((hi - lo).total_seconds() * fraction))
        if t >= hi:
            continue
        rendered = next((e.users for e in final if e.start <= t < e.end), ())
        assert oncall_at(schedule, t) == rendered == reference.oncall_at(schedule, t)


@st.composite
def anchor_days(draw: st.DrawFn, timezone: str) -> datetime:
    """Any day, or one on which the zone's offset changes (a gap or a repeated hour)."""
    if draw(st.booleans()):
        return draw(st.sampled_from(ZONE_CHANGES[timezone]))
    return draw(st.datetimes(datetime(2019, 1, 1), datetime(2026, 1, 1)))


@st.composite
def far_targets(draw: st.DrawFn) -> tuple[str, datetime, str, list, list[int]]:
    timezone = draw(st.sampled_from(sorted(ZONE_CHANGES)))
    cycle = draw(handovers().filter(lambda hs: len({h["unit"] == "hourly" for h in hs}) == 2))
    hours = st.one_of(st.integers(0, 200), st.integers(0, 4 * 365 * 24))
    later = draw(st.lists(hours, min_size=1, max_size=4))
    return timezone, draw(anchor_days(timezone)), draw(st.sampled_from(AWKWARD_TIMES)), cycle, later


@settings(max_examples=150, deadline=None)
@given(far_targets())
def test_jumping_over_years_of_a_mixed_cycle_finds_the_turns_that_stepping_finds(
    case: tuple[str, datetime, str, list, list[int]],
) -> None:
    timezone, day, clock, cycle, hours_later = case
    hh, mm = clock.split(":")
    anchor = day.replace(hour=int(hh), minute=int(mm), second=0, microsecond=0)
    schedule = parse_schedule(
        {
            "timezone": timezone,
            "layers": [{"users": ["a"], "anchor": anchor.isoformat(), "handovers": cycle}],
        }
    )
    layer, zone = schedule.layers[0], schedule.zone
    rotation = compile_rotation(zone, naive_seconds(anchor), layer.handovers)
    start = reference.instant(anchor, zone)
    targets = [start + timedelta(hours=h, minutes=17) for h in hours_later]
    # Forward, then backward: the second seek cannot reuse the first one's position.
    targets.sort()
    targets.append(targets[0])
    steps = reference.turns_until(layer, zone, targets[-2] + timedelta(days=30))
    for target in targets:
        turns = rotation.turns_from(instant_seconds(target))
        got = [(s, e) for s, e, _ in (next(turns) for _ in range(3))]
        k = next(i for i, end in enumerate(steps.ends) if end > target)
        want = [
            (instant_seconds(steps.starts[i]), instant_seconds(steps.ends[i]))
            for i in range(k, k + 3)
        ]
        assert got == want


def test_offset_changes_are_never_closer_than_the_probe_step() -> None:
    """The day-long probe that finds offset changes is exact for all of tzdata since 1900."""
    pure = pytest.importorskip("zoneinfo._zoneinfo")
    import zoneinfo

    closest = timedelta(days=365).total_seconds()
    for key in sorted(zoneinfo.available_timezones()):
        zone = pure.ZoneInfo.no_cache(key)
        changes, offset = [], zone._tti_before.utcoff if zone._tti_before else None
        for moment, info in zip(zone._trans_utc, zone._ttinfos, strict=True):
            if info.utcoff != offset:
                changes.append(moment)
                offset = info.utcoff
        recent = [c for c in changes if c > -2_208_988_800]  # since 1900
        closest = min([closest, *(b - a for a, b in zip(recent, recent[1:], strict=False))])
    assert closest > 86_400


@pytest.mark.parametrize("timezone", sorted(ZONE_CHANGES))
def test_the_probe_finds_every_offset_change_an_hourly_scan_finds(timezone: str) -> None:
    zone = parse_schedule({"timezone": timezone, "layers": []}).zone
    lo = instant_seconds(datetime(2023, 6, 1, tzinfo=UTC))
    hi = instant_seconds(datetime(2026, 6, 1, tzinfo=UTC))
    scanned = [
        t
        for t in range(lo + 3600, hi, 3600)
        if datetime.fromtimestamp(t, zone).utcoffset()
        != datetime.fromtimestamp(t - 3600, zone).utcoffset()
    ]
    found, at = [], lo
    while (change := next_change(zone, at, hi)) is not None:
        found.append(change)
        at = change
    assert [c - c % 3600 for c in found] == [s - s % 3600 for s in scanned]
