"""Working intervals as instants, computed per local date (never by stepping minutes).

An interval belongs to the local date it starts on; ``end <= start`` ends on the next date
(``end == start`` is 24 h). Each endpoint is converted separately with fold=0, so an
interval that inverts on a DST day is empty (§5). A layer's intervals are unioned.
"""

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from watchkeep.oncall.engine.localtime import DAY, local_day, utc_of_local
from watchkeep.oncall.spec import WorkingInterval

# (weekday, start second of day, end second of day, ends on the next date)
Shift = tuple[int, int, int, bool]
# Which local dates can hold an interval touching instant t: wall(t)'s date, minus up to
# a day for an overnight interval, widened by the largest DST jump a fold=0 conversion can
# add or take away (a day, for Samoa 2011). Extra dates only cost two conversions each.
_DAYS_BEFORE, _DAYS_AFTER = 3, 1


def compile_shifts(intervals: Sequence[WorkingInterval]) -> tuple[Shift, ...]:
    """The intervals as second-of-day offsets."""
    shifts = []
    for interval in intervals:
        start = interval.start.hour * 3600 + interval.start.minute * 60
        end = interval.end.hour * 3600 + interval.end.minute * 60
        shifts.append((interval.weekday, start, end, end <= start))
    return tuple(shifts)


def _instants(zone: ZoneInfo, day: int, shift: Shift) -> tuple[int, int]:
    _, start, end, overnight = shift
    local = day * DAY
    return (
        utc_of_local(zone, local + start),
        utc_of_local(zone, local + (DAY if overnight else 0) + end),
    )


def _weekday(day: int) -> int:
    return (day + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0


def working_spans(
    zone: ZoneInfo, shifts: Sequence[Shift], lo: int, hi: int
) -> list[tuple[int, int]]:
    """The union of the working intervals, clipped to [lo, hi), sorted and disjoint."""
    first = local_day(zone, lo) - _DAYS_BEFORE
    last = local_day(zone, hi) + _DAYS_AFTER
    raw: list[tuple[int, int]] = []
    for shift in shifts:
        day = first + (shift[0] - _weekday(first)) % 7
        while day <= last:
            start, end = _instants(zone, day, shift)
            if start < lo:
                start = lo
            if end > hi:
                end = hi
            if start < end:
                raw.append((start, end))
            day += 7
    raw.sort()
    spans: list[tuple[int, int]] = []
    for start, end in raw:
        if spans and start <= spans[-1][1]:
            if end > spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def is_working(zone: ZoneInfo, shifts: Sequence[Shift], t: int) -> bool:
    """Whether instant t lies in one of the working intervals (a point query)."""
    today = local_day(zone, t)
    for shift in shifts:
        day = today - _DAYS_BEFORE + (shift[0] - _weekday(today - _DAYS_BEFORE)) % 7
        while day <= today + _DAYS_AFTER:
            start, end = _instants(zone, day, shift)
            if start <= t < end:
                return True
            day += 7
    return False
