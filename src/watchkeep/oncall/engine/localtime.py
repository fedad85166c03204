"""Local wall-clock time and UTC instants as integer seconds, converted as zoneinfo does.

The engine computes in integers: an *instant* is seconds since the Unix epoch (UTC) and a
*local* value is the wall-clock reading expressed the same way (seconds since the naive
1970-01-01T00:00). Local → instant always uses ``fold=0`` (§5), which is what a naive
``datetime`` handed to ``ZoneInfo.utcoffset`` means.
"""

from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

DAY = 86_400
HOUR = 3_600
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_NAIVE = EPOCH.replace(tzinfo=None)  # wall-clock readings are naive on purpose
_ONE_SECOND = timedelta(seconds=1)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Offset changes are found by probing every three days and bisecting: the closest two
# offset changes of any zone in tzdata since 1900 are 95 hours apart (Africa/Freetown,
# 1939), so a 72-hour step never hides a change and its reversal
# (tests/unit/oncall/test_engine.py holds this against tzdata's own transition lists).
PROBE = 3 * DAY


def instant_seconds(value: datetime) -> int:
    """An aware datetime as whole seconds since the epoch (floor); naive values are UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - EPOCH) // _ONE_SECOND


def naive_seconds(value: datetime) -> int:
    """A naive local date-time as local seconds since 1970-01-01T00:00 (no zone involved)."""
    return (value - EPOCH_NAIVE) // _ONE_SECOND


def to_datetime(instant: int) -> datetime:
    """Seconds since the epoch as an aware UTC datetime."""
    return datetime.fromtimestamp(instant, UTC)


def _seconds(offset: timedelta | None) -> int:
    if offset is None:  # pragma: no cover - a ZoneInfo always has an offset
        return 0
    return offset.days * DAY + offset.seconds


def utc_of_local(zone: ZoneInfo, local: int) -> int:
    """The instant of a local wall-clock reading, ``fold=0``: a gap time lands after the gap,
    an ambiguous time is its first occurrence."""
    # timedelta(days, seconds) positionally: the keyword form is a third slower.
    return local - _seconds(zone.utcoffset(EPOCH_NAIVE + timedelta(0, local)))


def offset_at(zone: ZoneInfo, instant: int) -> int:
    """The zone's UTC offset in seconds at an instant (wall = instant + offset)."""
    return _seconds(datetime.fromtimestamp(instant, zone).utcoffset())


def local_day(zone: ZoneInfo, instant: int) -> int:
    """The local date of an instant, as days since 1970-01-01."""
    return (instant + offset_at(zone, instant)) // DAY


def _year_start(year: int) -> int:
    return (date(year, 1, 1).toordinal() - _EPOCH_ORDINAL) * DAY


def _year_of(instant: int) -> int:
    return date.fromordinal(_EPOCH_ORDINAL + instant // DAY).year


@lru_cache(maxsize=4096)
def _changes_in_year(zone: ZoneInfo, year: int) -> tuple[int, ...]:
    """Instants c in (1 Jan year, 1 Jan year+1] where the offset at c differs from c - 1."""
    start, stop = _year_start(year), _year_start(year + 1)
    changes: list[int] = []
    before = start
    offset = offset_at(zone, start)
    while before < stop:
        after = min(before + PROBE, stop)
        new = offset_at(zone, after)
        if new != offset:
            low, high = before, after  # offset(low) is the old one, offset(high) the new one
            while high - low > 1:
                middle = (low + high) // 2
                if offset_at(zone, middle) == offset:
                    low = middle
                else:
                    high = middle
            changes.append(high)
            offset = new
        before = after
    return tuple(changes)


def next_change(zone: ZoneInfo, after: int, limit: int) -> int | None:
    """The first instant c with after < c <= limit where the zone's offset changes, or None."""
    if limit <= after:
        return None
    # A change exactly on 1 January belongs to the previous year's list.
    for year in range(_year_of(after - 1), _year_of(limit) + 1):
        changes = _changes_in_year(zone, year)
        position = bisect_right(changes, after)
        if position < len(changes):
            change = changes[position]
            return change if change <= limit else None
    return None
