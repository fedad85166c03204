"""The GoAlert-style baseline: step every turn from the anchor, test every minute.

Turns are stepped one by one from the anchor with zoneinfo (fold=0), and each minute of
each turn that overlaps the window is tested against the working intervals (a one-minute
iterator), building each layer's entries; a sweep over the sorted boundaries then resolves
layers and overrides. Exact for specs whose boundaries fall on whole minutes, as the
benchmark's do. The sweep is shared with the ``ical`` baseline.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from watchkeep.oncall.spec import Layer, Schedule

Segment = tuple[int, int, tuple[str, ...]]
MINUTE = 60


def _instant(local: datetime, zone: ZoneInfo) -> int:
    return int(local.replace(tzinfo=zone, fold=0).timestamp())


def turn_users(layer: Layer, k: int) -> tuple[str, ...]:
    """Turn k's users per §5."""
    n = len(layer.users)
    if n == 0:
        return ()
    chosen = {layer.users[(k * layer.concurrent + j) % n] for j in range(layer.concurrent)}
    return tuple(sorted(u for u in chosen if u is not None))


def turns(layer: Layer, zone: ZoneInfo, until: int):  # type: ignore[no-untyped-def]
    """Every turn from the anchor, stepped one at a time: (start, end, k)."""
    local, start, k = layer.anchor, _instant(layer.anchor, zone), 0
    while start < until:
        handover = layer.handovers[k % len(layer.handovers)]
        if handover.unit == "hourly":
            end = start + handover.interval * 3600
            local = datetime.fromtimestamp(end, zone).replace(tzinfo=None)
        else:
            local += timedelta(days=handover.interval * (7 if handover.unit == "weekly" else 1))
            end = _instant(local, zone)
        yield start, end, k
        start, k = end, k + 1


class WorkingClock:
    """Is minute t inside a working interval? Per-date interval instants are cached."""

    def __init__(self, layer: Layer, zone: ZoneInfo) -> None:
        self.intervals = layer.working_intervals or ()
        self.zone = zone
        self.by_date: dict[object, list[tuple[int, int]]] = {}

    def _of(self, day: datetime) -> list[tuple[int, int]]:
        key = day.date()
        cached = self.by_date.get(key)
        if cached is None:
            cached = []
            for interval in self.intervals:
                if interval.weekday == key.weekday():
                    end_day = key + timedelta(days=1) if interval.end <= interval.start else key
                    cached.append(
                        (
                            _instant(datetime.combine(key, interval.start), self.zone),
                            _instant(datetime.combine(end_day, interval.end), self.zone),
                        )
                    )
            self.by_date[key] = cached
        return cached

    def working(self, t: int) -> bool:
        local = datetime.fromtimestamp(t, self.zone)
        for day in (local - timedelta(days=1), local):
            for start, end in self._of(day):
                if start <= t < end:
                    return True
        return False


def layer_segments(layer: Layer, zone: ZoneInfo, lo: int, hi: int) -> list[Segment]:
    """One layer's entries, testing each minute of each turn when it has working intervals."""
    if layer.start is not None:
        lo = max(lo, int(layer.start.timestamp()))
    if layer.end is not None:
        hi = min(hi, int(layer.end.timestamp()))
    clock = None if layer.working_intervals is None else WorkingClock(layer, zone)
    out: list[Segment] = []

    def add(start: int, end: int, users: tuple[str, ...]) -> None:
        if out and out[-1][1] == start and out[-1][2] == users:
            out[-1] = (out[-1][0], end, users)
        else:
            out.append((start, end, users))

    for start, end, k in turns(layer, zone, hi):
        begin, finish = max(start, lo), min(end, hi)
        users = turn_users(layer, k)
        if begin >= finish or not users:
            continue
        if clock is None:
            add(begin, finish, users)
            continue
        run = None
        for minute in range(begin, finish, MINUTE):
            if clock.working(minute):
                run = minute if run is None else run
            elif run is not None:
                add(run, minute, users)
                run = None
        if run is not None:
            add(run, finish, users)
    return out


def sweep(
    layers: list[list[Segment]],
    overrides: list[tuple[int, int, str | None, int]],
    lo: int,
    hi: int,
) -> list[Segment]:
    """Final entries: walk the sorted boundaries keeping what is active on each layer."""
    events: list[tuple[int, int, int, object]] = []  # (time, 0=end/1=start, source, payload)
    for index, segments in enumerate(layers):
        for start, end, users in segments:
            events += [(start, 1, index, users), (end, 0, index, None)]
    base = len(layers)
    for start, end, user, rank in overrides:
        start, end = max(start, lo), min(end, hi)
        if start < end:
            events += [(start, 1, base + rank, user), (end, 0, base + rank, None)]
    events.sort(key=lambda event: (event[0], event[1]))
    active: dict[int, object] = {}
    out: list[Segment] = []
    for i, (moment, starting, source, payload) in enumerate(events):
        if starting:
            active[source] = payload
        else:
            active.pop(source, None)
        following = events[i + 1][0] if i + 1 < len(events) else moment
        if following == moment or not active:
            continue
        top = max(active)
        users = active[top] if top < base else ((active[top],) if active[top] else ())
        if users:
            if out and out[-1][1] == moment and out[-1][2] == users:
                out[-1] = (out[-1][0], following, users)  # type: ignore[assignment]
            else:
                out.append((moment, following, users))  # type: ignore[arg-type]
    return out


def override_spans(schedule: Schedule) -> list[tuple[int, int, str | None, int]]:
    """Overrides with their precedence rank (later created_at, then later in the list)."""
    order = sorted(
        range(len(schedule.overrides)), key=lambda i: (schedule.overrides[i].created_at, i)
    )
    rank = {index: position for position, index in enumerate(order)}
    return [
        (int(o.start.timestamp()), int(o.end.timestamp()), o.user, rank[i])
        for i, o in enumerate(schedule.overrides)
    ]


def render_final(schedule: Schedule, lo: datetime, hi: datetime) -> list[Segment]:
    """The final entries for [lo, hi) as (start, end, users) in epoch seconds."""
    start, end = int(lo.astimezone(UTC).timestamp()), int(hi.astimezone(UTC).timestamp())
    zone = schedule.zone
    layers = [layer_segments(layer, zone, start, end) for layer in schedule.layers]
    return sweep(layers, override_spans(schedule), start, end)


def oncall_at(schedule: Schedule, at: datetime) -> tuple[str, ...]:
    """Who is on call at one instant, the naive way: render the minute around it."""
    final = render_final(schedule, at, at + timedelta(minutes=1))
    return final[0][2] if final else ()
