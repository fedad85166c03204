"""A deliberately simple reference for DESIGN.md §5, to hold the fast engine to.

It follows the text literally and cares nothing for speed: turns are stepped one by one
from the anchor with datetimes and zoneinfo (fold=0), "who is on call at t" is evaluated by
checking every rule at t, and a window is rendered by evaluating t at the start of every
elementary interval between all the instants where the answer could change.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from watchkeep.oncall.spec import Layer, Schedule

Entry = tuple[datetime, datetime, tuple[str, ...]]


def instant(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive local reading as a UTC instant, fold=0."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def wall(moment: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall-clock reading of an instant."""
    return moment.astimezone(zone).replace(tzinfo=None, fold=0)


@dataclass
class Turns:
    starts: list[datetime]
    ends: list[datetime]


def turns_until(layer: Layer, zone: ZoneInfo, until: datetime) -> Turns:
    """Every turn from the anchor up to the first one starting after ``until``."""
    turns = Turns([], [])
    local, start, k = layer.anchor, instant(layer.anchor, zone), 0
    while True:
        handover = layer.handovers[k % len(layer.handovers)]
        if handover.unit == "hourly":
            end = start + timedelta(hours=handover.interval)
            local = wall(end, zone)
        else:
            days = handover.interval * (7 if handover.unit == "weekly" else 1)
            local = local + timedelta(days=days)
            end = instant(local, zone)
        turns.starts.append(start)
        turns.ends.append(end)
        if start > until:
            return turns
        start, k = end, k + 1


def turn_users(layer: Layer, k: int) -> tuple[str, ...]:
    n = len(layer.users)
    if n == 0:
        return ()
    chosen = {layer.users[(k * layer.concurrent + j) % n] for j in range(layer.concurrent)}
    return tuple(sorted(u for u in chosen if u is not None))


def working_intervals(layer: Layer, zone: ZoneInfo, around: datetime) -> list[tuple]:
    """The working intervals of the local dates near ``around``, as instants."""
    out = []
    today = wall(around, zone).date()
    for offset in range(-4, 3):
        day = today + timedelta(days=offset)
        for interval in layer.working_intervals or ():
            if interval.weekday != day.weekday():
                continue
            end_day = day + timedelta(days=1) if interval.end <= interval.start else day
            out.append(
                (
                    instant(datetime.combine(day, interval.start), zone),
                    instant(datetime.combine(end_day, interval.end), zone),
                )
            )
    return out


def layer_users_at(layer: Layer, zone: ZoneInfo, turns: Turns, t: datetime) -> tuple[str, ...]:
    """§5 for one layer at instant t."""
    if layer.start is not None and t < layer.start:
        return ()
    if layer.end is not None and t >= layer.end:
        return ()
    if layer.working_intervals is not None and not any(
        start <= t < end for start, end in working_intervals(layer, zone, t)
    ):
        return ()
    k = bisect_right(turns.starts, t) - 1
    if k < 0 or not turns.starts[k] <= t < turns.ends[k]:
        return ()  # before the anchor: turns before it do not exist
    return turn_users(layer, k)


def final_users_at(schedule: Schedule, turns: list[Turns], t: datetime) -> tuple[str, ...]:
    """§5's final schedule at instant t."""
    covering = [
        (override.created_at, index, override.user)
        for index, override in enumerate(schedule.overrides)
        if override.start <= t < override.end
    ]
    if covering:
        user = max(covering)[2]  # (created_at, index) is unique: the user is never compared
        return () if user is None else (user,)
    for layer, layer_turns in reversed(list(zip(schedule.layers, turns, strict=True))):
        users = layer_users_at(layer, schedule.zone, layer_turns, t)
        if users:
            return users
    return ()


def boundaries(schedule: Schedule, turns: list[Turns], lo: datetime, hi: datetime) -> list:
    """Every instant in (lo, hi) where the answer could change, plus lo."""
    zone = schedule.zone
    points = {lo}
    for layer, layer_turns in zip(schedule.layers, turns, strict=True):
        points.update(layer_turns.starts)
        points.update(p for p in (layer.start, layer.end) if p is not None)
        day = lo
        while day < hi + timedelta(days=2):
            for start, end in working_intervals(layer, zone, day):
                points.update((start, end))
            day += timedelta(days=1)
    for override in schedule.overrides:
        points.update((override.start, override.end))
    return sorted(p for p in points if lo <= p < hi)


def normalise(pieces: list[Entry]) -> list[Entry]:
    out: list[Entry] = []
    for start, end, users in pieces:
        if not users:
            continue
        if out and out[-1][1] == start and out[-1][2] == users:
            out[-1] = (out[-1][0], end, users)
        else:
            out.append((start, end, users))
    return out


def render(schedule: Schedule, lo: datetime, hi: datetime) -> tuple[list[Entry], list[list[Entry]]]:
    """(final entries, each layer's entries) for the window [lo, hi)."""
    if not lo < hi:
        return [], [[] for _ in schedule.layers]
    turns = [turns_until(layer, schedule.zone, hi) for layer in schedule.layers]
    points = boundaries(schedule, turns, lo, hi)
    spans = list(zip(points, [*points[1:], hi], strict=True))
    final = normalise([(a, b, final_users_at(schedule, turns, a)) for a, b in spans])
    layers = [
        normalise([(a, b, layer_users_at(layer, schedule.zone, layer_turns, a)) for a, b in spans])
        for layer, layer_turns in zip(schedule.layers, turns, strict=True)
    ]
    return final, layers


def oncall_at(schedule: Schedule, t: datetime) -> tuple[str, ...]:
    """§5's final schedule at one instant."""
    turns = [turns_until(layer, schedule.zone, t) for layer in schedule.layers]
    return final_users_at(schedule, turns, t)
