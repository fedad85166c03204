"""The engine against the reference (Hypothesis), DST regressions, and every §5 rule."""

import json
import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import unavailable
from tests.hypothesis_profiles import examples
from tests.shared_data import SCHEDULE_SPECS, shared_path
from tests.unit.oncall import reference

from watchkeep.oncall import Schedule, oncall_at, parse_schedule, render
from watchkeep.oncall.engine.localtime import (
    PROBE,
    instant_seconds,
    naive_seconds,
    next_change,
)
from watchkeep.oncall.engine.turns import compile_rotation

BENCH = shared_path(*SCHEDULE_SPECS)
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
    max_examples=examples(2), deadline=None, suppress_health_check=[HealthCheck.too_slow]
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


@settings(max_examples=examples(1.5), deadline=None)
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
    """The probe that finds offset changes is exact for all of tzdata since 1900."""
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
        closest = min([closest, *(b - a for a, b in pairwise(recent))])
    assert closest > PROBE


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


# ---- explicit cases: a compact way to write a schedule and read its entries -------------


def layer(users: list | None = None, anchor: str = "2025-01-06T09:00:00", **extra: Any) -> dict:
    every = extra.pop("every", [(1, "daily")])
    return {
        "users": ["ann", "ben"] if users is None else users,
        "anchor": anchor,
        "handovers": [{"interval": n, "unit": unit} for n, unit in every],
        **extra,
    }


def schedule(*layers: dict, overrides: tuple = (), tz: str = "Europe/London") -> Schedule:
    return parse_schedule({"timezone": tz, "layers": list(layers), "overrides": list(overrides)})


def override(user: str | None, start: str, end: str, created: str = "2025-01-01") -> dict:
    return {"user": user, "start": start, "end": end, "created_at": created}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def rows(sched: Schedule, lo: str, hi: str, layer_index: int | None = None) -> list[tuple]:
    result = render(sched, at(lo), at(hi))
    entries = result.final if layer_index is None else result.layers[layer_index]
    return [(z(e.start)[:-4], z(e.end)[:-4], ",".join(e.users)) for e in entries]


# ---- DST regressions (Europe/London: 2025-03-30 01:00Z springs forward, 2025-10-26 01:00Z
# falls back) --------------------------------------------------------------------------------


def test_an_anchor_in_the_spring_gap_lands_after_it_and_later_turns_keep_its_time() -> None:
    sched = schedule(layer(anchor="2025-03-30T01:30:00"))
    assert rows(sched, "2025-03-29", "2025-04-01T12:00") == [
        ("2025-03-30T01:30", "2025-03-31T00:30", "ann"),  # 02:30 BST, after the gap
        ("2025-03-31T00:30", "2025-04-01T00:30", "ben"),  # 01:30 BST again
        ("2025-04-01T00:30", "2025-04-01T12:00", "ann"),
    ]


def test_an_ambiguous_anchor_is_the_first_occurrence() -> None:
    sched = schedule(layer(anchor="2025-10-26T01:30:00"))
    assert rows(sched, "2025-10-26", "2025-10-27T03:00")[0] == (
        "2025-10-26T00:30",  # 01:30 BST, not 01:30 GMT
        "2025-10-27T01:30",
        "ann",
    )


@pytest.mark.parametrize(
    ("anchor", "hours"), [("2025-03-29T12:00:00", 23), ("2025-10-25T12:00:00", 25)]
)
def test_a_daily_turn_over_a_change_lasts_23_or_25_hours(anchor: str, hours: int) -> None:
    lo = at(anchor) - timedelta(days=1)  # nothing before the anchor: turn 0 comes first
    entry = render(schedule(layer(anchor=anchor)), lo, lo + timedelta(days=4)).final[0]
    assert entry.end - entry.start == timedelta(hours=hours)


def test_an_hourly_turn_is_exactly_3600_seconds_across_a_change() -> None:
    sched = schedule(layer(["ann", "ben", "cat"], "2025-03-30T00:00:00", every=[(1, "hourly")]))
    entries = render(sched, at("2025-03-30T00:00"), at("2025-03-30T04:00")).final
    assert [e.end - e.start for e in entries] == [timedelta(hours=1)] * 4
    assert [e.users for e in entries] == [("ann",), ("ben",), ("cat",), ("ann",)]


def test_a_working_interval_that_inverts_on_the_change_day_is_empty() -> None:
    # 01:30 (in the gap, fold=0 → 01:30Z) to 02:00 (BST, 01:00Z) inverts on 30 March.
    sunday = [{"weekday": "sun", "start": "01:30", "end": "02:00"}]
    sched = schedule(layer(["ann"], every=[(1, "weekly")], working_intervals=sunday))
    assert rows(sched, "2025-03-23", "2025-04-07") == [
        ("2025-03-23T01:30", "2025-03-23T02:00", "ann"),
        ("2025-04-06T00:30", "2025-04-06T01:00", "ann"),
    ]


@pytest.mark.parametrize(
    ("moment", "users"),
    [
        ("2025-03-30T01:10", ("ann",)),  # 02:10 BST: the 01:30 handover (01:30Z) is still ahead
        ("2025-03-30T01:30", ("ben",)),
        ("2025-10-26T00:10", ("ann",)),
        ("2025-10-26T01:10", ("ben",)),  # 01:10 GMT, the repeated hour: handed over at 00:30Z
    ],
)
def test_the_turn_around_a_handover_in_a_gap_or_repeated_hour(moment: str, users: tuple) -> None:
    anchors = {"03": "2025-03-29T01:30:00", "10": "2025-10-25T01:30:00"}
    sched = schedule(layer(anchor=anchors[moment[5:7]]))
    assert oncall_at(sched, at(moment)) == users
    lo = at(moment)
    assert render(sched, lo, lo + timedelta(hours=1)).final[0].users == users


def test_hourly_handovers_never_realign_to_the_anchors_time_of_day() -> None:
    sched = schedule(layer(anchor="2025-03-28T09:00:00", every=[(24, "hourly")]))
    assert [r[0] for r in rows(sched, "2025-03-28T09:00", "2025-04-01")] == [
        "2025-03-28T09:00",
        "2025-03-29T09:00",
        "2025-03-30T09:00",  # 10:00 BST from here on
        "2025-03-31T09:00",
    ]


def test_a_mixed_sequence_follows_hourly_ends_and_local_days() -> None:
    # daily, then 2 hours: the hourly turn ends 7200 s after it starts, and the next daily
    # turn starts at that instant's wall reading (14:00 BST) and ends a local day later.
    sched = schedule(layer(anchor="2025-03-29T12:00:00", every=[(1, "daily"), (2, "hourly")]))
    assert [r[:2] for r in rows(sched, "2025-03-29T12:00", "2025-03-31T16:00")] == [
        ("2025-03-29T12:00", "2025-03-30T11:00"),
        ("2025-03-30T11:00", "2025-03-30T13:00"),
        ("2025-03-30T13:00", "2025-03-31T13:00"),
        ("2025-03-31T13:00", "2025-03-31T15:00"),
        ("2025-03-31T15:00", "2025-03-31T16:00"),
    ]


def test_a_turn_emptied_by_a_skipped_day_puts_nobody_on_call_and_the_rotation_moves_on() -> None:
    # Samoa skipped 30 December 2011: that day's 09:00 handover is the same instant as
    # 31 December's, so turn 1 is [t, t) and ben is never on call.
    sched = schedule(layer(["ann", "ben", "cat"], "2011-12-29T09:00:00"), tz="Pacific/Apia")
    assert rows(sched, "2011-12-29", "2012-01-01T19:00") == [
        ("2011-12-29T19:00", "2011-12-30T19:00", "ann"),
        ("2011-12-30T19:00", "2011-12-31T19:00", "cat"),
        ("2011-12-31T19:00", "2012-01-01T19:00", "ann"),
    ]
    assert rows(sched, "2011-12-29", "2012-01-01T19:00") == [
        (z(a)[:-4], z(b)[:-4], ",".join(u))
        for a, b, u in reference.render(sched, at("2011-12-29"), at("2012-01-01T19:00"))[0]
    ]


# ---- §5's precise rules, one test each ---------------------------------------------------


def test_turn_k_holds_users_k_times_concurrent_plus_j_and_nothing_before_the_anchor() -> None:
    sched = schedule(layer(["ann", "ben", "cat"], "2025-01-06T00:00:00", concurrent=2))
    assert rows(sched, "2025-01-05", "2025-01-09") == [
        ("2025-01-06T00:00", "2025-01-07T00:00", "ann,ben"),
        ("2025-01-07T00:00", "2025-01-08T00:00", "ann,cat"),
        ("2025-01-08T00:00", "2025-01-09T00:00", "ben,cat"),
    ]


def test_every_range_is_half_open() -> None:
    sched = schedule(
        layer(["ann"], working_intervals=[{"weekday": "mon", "start": "10:00", "end": "12:00"}]),
        layer(["ben", "cat"], start="2025-01-06T13:00:00Z", end="2025-01-06T15:00:00Z"),
        overrides=(override("dan", "2025-01-07T10:00Z", "2025-01-07T11:00Z"),),
    )
    probes = {
        "2025-01-06T09:59:59": (),
        "2025-01-06T10:00": ("ann",),  # working interval start is in
        "2025-01-06T11:59:59": ("ann",),
        "2025-01-06T12:00": (),  # its end is out
        "2025-01-06T13:00": ("ben",),  # the layer's start is in
        "2025-01-06T15:00": (),  # layer end is out
        "2025-01-07T10:00": ("dan",),
        "2025-01-07T11:00": (),  # override end is out
    }
    for moment, users in probes.items():
        assert oncall_at(sched, at(moment)) == users, moment
    assert rows(sched, "2025-01-06T13:00", "2025-01-06T14:00", 1) == [
        ("2025-01-06T13:00", "2025-01-06T14:00", "ben")  # the window's end is out
    ]
    # A turn's start is in it, and its end belongs to the next turn.
    daily = schedule(layer())
    assert oncall_at(daily, at("2025-01-07T08:59:59")) == ("ann",)
    assert oncall_at(daily, at("2025-01-07T09:00")) == ("ben",)


def test_empty_or_inverted_ranges_contribute_nothing() -> None:
    sched = schedule(
        layer(["ann"], start="2025-01-08T00:00:00Z", end="2025-01-07T00:00:00Z"),
        overrides=(override("dan", "2025-01-07T10:00Z", "2025-01-07T09:00Z"),),
    )
    assert rows(sched, "2025-01-06", "2025-01-09") == []
    assert rows(schedule(layer()), "2025-01-09", "2025-01-06") == []
    assert rows(schedule(layer()), "2025-01-09", "2025-01-09") == []


def test_duplicate_users_collapse_and_an_empty_list_puts_nobody_on_call() -> None:
    assert rows(
        schedule(layer(["ann", "ann", "ben"], concurrent=5)), "2025-01-07", "2025-01-09"
    ) == [("2025-01-07T00:00", "2025-01-09T00:00", "ann,ben")]
    sched = schedule(layer(["ann"]), layer([]))
    assert rows(sched, "2025-01-07", "2025-01-08", 1) == []
    assert rows(sched, "2025-01-07", "2025-01-08") == [
        ("2025-01-07T00:00", "2025-01-08T00:00", "ann")
    ]


@pytest.mark.parametrize(
    ("working", "expected"),
    [
        ("absent", [("2025-01-07T00:00", "2025-01-08T00:00", "ann")]),
        (None, [("2025-01-07T00:00", "2025-01-08T00:00", "ann")]),
        ([], []),
    ],
)
def test_working_intervals_absent_or_null_mean_always_and_empty_means_never(
    working: object, expected: list
) -> None:
    extra = {} if working == "absent" else {"working_intervals": working}
    assert rows(schedule(layer(["ann"], **extra)), "2025-01-07", "2025-01-08") == expected


def test_a_working_interval_belongs_to_the_date_it_starts_on() -> None:
    sunday_night = [{"weekday": "sun", "start": "22:00", "end": "06:00"}]
    sched = schedule(layer(["ann"], working_intervals=sunday_night))
    # Sunday 12 January 22:00 to Monday 06:00; nothing on the Sunday morning before it.
    assert rows(sched, "2025-01-12", "2025-01-14") == [
        ("2025-01-12T22:00", "2025-01-13T06:00", "ann")
    ]


def test_end_equal_to_start_is_24_hours_and_overlapping_intervals_are_unioned() -> None:
    intervals = [
        {"weekday": "mon", "start": "09:00", "end": "09:00"},
        {"weekday": "tue", "start": "08:00", "end": "10:00"},
        {"weekday": "tue", "start": "09:30", "end": "11:00"},
    ]
    sched = schedule(layer(["ann"], every=[(1, "weekly")], working_intervals=intervals))
    assert rows(sched, "2025-01-13", "2025-01-15") == [
        ("2025-01-13T09:00", "2025-01-14T11:00", "ann")
    ]


def test_a_layer_with_nobody_lets_lower_layers_show_through_but_a_null_override_does_not() -> None:
    nine_to_ten = [{"weekday": day, "start": "09:00", "end": "10:00"} for day in WEEKDAYS]
    sched = schedule(
        layer(["low"], "2025-01-06T00:00:00", every=[(1, "weekly")]),
        layer(["top", None], working_intervals=nine_to_ten, end="2025-01-09T00:00:00Z"),
        overrides=(override(None, "2025-01-06T12:00Z", "2025-01-06T13:00Z"),),
    )
    assert rows(sched, "2025-01-06T08:00", "2025-01-10") == [
        ("2025-01-06T08:00", "2025-01-06T09:00", "low"),  # outside working intervals
        ("2025-01-06T09:00", "2025-01-06T10:00", "top"),
        ("2025-01-06T10:00", "2025-01-06T12:00", "low"),
        # 12:00-13:00 is a gap: the null override hides every layer
        ("2025-01-06T13:00", "2025-01-08T09:00", "low"),  # 7 Jan is a null slot
        ("2025-01-08T09:00", "2025-01-08T10:00", "top"),
        ("2025-01-08T10:00", "2025-01-10T00:00", "low"),  # past the top layer's end
    ]


def test_the_most_recent_override_wins_and_on_a_tie_the_later_one_in_the_list() -> None:
    sched = schedule(
        layer(["ann"]),
        overrides=(
            override("old", "2025-01-07T00:00Z", "2025-01-07T06:00Z", "2025-01-02"),
            override("new", "2025-01-07T02:00Z", "2025-01-07T04:00Z", "2025-01-03"),
            override("tie1", "2025-01-07T05:00Z", "2025-01-07T08:00Z", "2025-01-01"),
            override("tie2", "2025-01-07T07:00Z", "2025-01-07T09:00Z", "2025-01-01"),
        ),
    )
    assert rows(sched, "2025-01-07", "2025-01-07T10:00") == [
        ("2025-01-07T00:00", "2025-01-07T02:00", "old"),
        ("2025-01-07T02:00", "2025-01-07T04:00", "new"),
        ("2025-01-07T04:00", "2025-01-07T06:00", "old"),  # old beats both ties: created later
        ("2025-01-07T06:00", "2025-01-07T07:00", "tie1"),
        ("2025-01-07T07:00", "2025-01-07T09:00", "tie2"),  # same created_at, later in list
        ("2025-01-07T09:00", "2025-01-07T10:00", "ann"),
    ]


def test_render_lists_the_overrides_touching_the_window_clipped_in_spec_order() -> None:
    sched = schedule(
        layer(["ann"]),
        overrides=(
            override("late", "2025-01-07T20:00Z", "2025-01-08T02:00Z", "2025-01-02"),
            override("outside", "2025-01-05T00:00Z", "2025-01-06T00:00Z"),
            override(None, "2025-01-06T22:00Z", "2025-01-07T01:00Z"),
        ),
    )
    listed = render(sched, at("2025-01-07"), at("2025-01-08")).overrides
    assert [(z(o.start), z(o.end), o.user, o.position) for o in listed] == [
        ("2025-01-07T20:00:00Z", "2025-01-08T00:00:00Z", "late", 0),
        ("2025-01-07T00:00:00Z", "2025-01-07T01:00:00Z", None, 2),
    ]


def test_layer_entries_are_normalised_and_ignore_overrides() -> None:
    sched = schedule(
        layer(["ben", "ann", "ben", "ann"], concurrent=2, start="2025-01-07T06:00:00Z"),
        overrides=(override("dan", "2025-01-07T10:00Z", "2025-01-07T11:00Z"),),
    )
    assert rows(sched, "2025-01-06", "2025-01-08T12:00", 0) == [
        ("2025-01-07T06:00", "2025-01-08T12:00", "ann,ben")  # sorted, merged, clipped
    ]


def test_the_final_schedule_merges_on_the_user_set_alone() -> None:
    sched = schedule(
        layer(["ann"]),
        layer(["ann"], working_intervals=[{"weekday": "tue", "start": "09:00", "end": "17:00"}]),
        overrides=(override("ann", "2025-01-07T17:00Z", "2025-01-07T18:00Z"),),
    )
    assert rows(sched, "2025-01-07", "2025-01-08") == [
        ("2025-01-07T00:00", "2025-01-08T00:00", "ann")
    ]


def test_instants_without_an_offset_are_utc_and_output_is_whole_seconds_z() -> None:
    offsets = schedule(layer(["ann"], start="2025-01-07T10:00:00+02:00"))
    plain = schedule(layer(["ann"], start="2025-01-07T08:00:00"))
    assert rows(offsets, "2025-01-07", "2025-01-08") == rows(plain, "2025-01-07", "2025-01-08")
    entry = render(plain, datetime(2025, 1, 7), datetime(2025, 1, 8, 0, 0, 0, 500)).final[0]
    assert z(entry.start) == "2025-01-07T08:00:00Z"
    assert oncall_at(plain, datetime(2025, 1, 7, 8, 0, 0, 999_999)) == ("ann",)


# ---- the shared benchmark specs ---------------------------------------------------------


def bench_specs() -> list[dict]:
    return json.loads(BENCH.read_text())["specs"] if BENCH.exists() else []


def test_the_shared_bench_specs_are_there() -> None:
    if not BENCH.exists():
        unavailable(f"{BENCH} is missing; set WATCHKEEP_SHARED_DIR")


@pytest.mark.parametrize("case", bench_specs(), ids=lambda case: case["id"])
def test_every_bench_spec_renders_its_expected_number_of_final_entries(case: dict) -> None:
    sched = parse_schedule(case["spec"])
    lo, hi = at(case["window"]["start"][:-1]), at(case["window"]["end"][:-1])
    final = render(sched, lo, hi).final
    assert len(final) == case["expected_final_entries"]
    picker = random.Random(case["id"])
    for _ in range(50):
        t = lo + timedelta(seconds=picker.randrange(int((hi - lo).total_seconds())))
        rendered = next((e.users for e in final if e.start <= t < e.end), ())
        assert oncall_at(sched, t) == rendered
