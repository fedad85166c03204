"""One layer's own entries: its turns cut by working intervals and bounds, in a window."""

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, cycle, islice
from math import gcd
from zoneinfo import ZoneInfo

from watchkeep.oncall.engine.localtime import instant_seconds, naive_seconds
from watchkeep.oncall.engine.turns import HourlyRotation, Rotation, Turn, compile_rotation
from watchkeep.oncall.engine.working import Shift, compile_shifts, is_working, working_spans
from watchkeep.oncall.spec import Layer

Users = tuple[str, ...]
Segment = tuple[int, int, Users]  # [start, end) instants and the sorted users on call
# Stands in for "no end", far outside any real window but still a plain int.
NEVER_AFTER = 2**62


@dataclass(frozen=True, slots=True)
class CompiledLayer:
    """A layer in engine terms. ``slots[k % len(slots)]`` are turn k's users."""

    rotation: Rotation
    slots: tuple[Users, ...]
    shifts: tuple[Shift, ...] | None  # None = 24/7
    lo: int  # max(layer start, turn 0's start): nothing is on call before it
    hi: int
    silent: bool  # nobody is ever on call (no users, only nulls, or no working time)
    # Consecutive turns never share a user set and none is empty: nothing to merge or drop.
    distinct_neighbours: bool


def turn_slots(users: tuple[str | None, ...], concurrent: int) -> tuple[Users, ...]:
    """Users of turn k for each k modulo the period after which the pattern repeats.

    Turn k holds ``users[(k·c + j) mod n]`` for j < c; that depends on k·c mod n only,
    which repeats every n / gcd(n, c) turns. Nulls drop out; duplicates collapse.
    """
    n = len(users)
    if n == 0:
        return ((),)
    period = n // gcd(n, concurrent)
    width = min(concurrent, n)  # c >= n already covers every position
    return tuple(
        tuple(sorted({u for j in range(width) if (u := users[(k * concurrent + j) % n])}))
        for k in range(period)
    )


def compile_layer(layer: Layer, zone: ZoneInfo) -> CompiledLayer:
    """Precompute what every query of this layer needs."""
    rotation = compile_rotation(zone, naive_seconds(layer.anchor), layer.handovers)
    slots = turn_slots(layer.users, layer.concurrent)
    shifts = None if layer.working_intervals is None else compile_shifts(layer.working_intervals)
    lo = rotation.first_start
    if layer.start is not None:
        lo = max(lo, instant_seconds(layer.start))
    hi = NEVER_AFTER if layer.end is None else instant_seconds(layer.end)
    return CompiledLayer(
        rotation=rotation,
        slots=slots,
        shifts=shifts,
        lo=lo,
        hi=hi,
        silent=not any(slots) or shifts == (),
        distinct_neighbours=all(slots)
        and all(slots[i] != slots[i - 1] for i in range(len(slots)))
        and len(slots) > 1,
    )


def layer_segments(layer: CompiledLayer, zone: ZoneInfo, lo: int, hi: int) -> list[Segment]:
    """The layer's entries in [lo, hi): sorted, disjoint, adjacent equal user sets merged."""
    lo, hi = max(lo, layer.lo), min(hi, layer.hi)
    if layer.silent or lo >= hi:
        return []
    rotation = layer.rotation
    if layer.shifts is None and isinstance(rotation, HourlyRotation) and rotation.steady:
        return _steady_segments(layer, rotation, lo, hi)
    spans = [(lo, hi)] if layer.shifts is None else working_spans(zone, layer.shifts, lo, hi)
    slots, period = layer.slots, len(layer.slots)
    out: list[Segment] = []
    # The entry being built, kept in locals: this loop runs once per turn in the window.
    begin, finish = 0, 0
    current: Users = ()
    turns: Iterator[Turn] | None = None
    pending = (0, 0, 0)  # the turn that reached past the previous span, to reuse
    for span_start, span_end in spans:
        if turns is None or span_start - pending[1] > 2 * (pending[1] - pending[0]):
            # Far from the last turn (or the first span): jump instead of stepping.
            turns = rotation.turns_from(span_start)
            pending = next(turns)
        for turn in chain((pending,), turns):
            start, end, k = turn
            users = slots[k % period]
            if users:
                if start < span_start:
                    start = span_start
                piece_end = span_end if end > span_end else end
                if start < piece_end:
                    if start == finish and users == current:
                        finish = piece_end
                    else:
                        if current:
                            out.append((begin, finish, current))
                        begin, finish, current = start, piece_end, users
            if end >= span_end:
                pending = turn
                break
    if current:
        out.append((begin, finish, current))
    return out


def _steady_segments(
    layer: CompiledLayer, rotation: HourlyRotation, lo: int, hi: int
) -> list[Segment]:
    """A 24/7 layer with one hourly handover: a regular grid, built in C-level passes.

    The commonest shape with many turns (P2: 8,760 a year); the general loop above costs
    a few Python operations per turn, this a few C iterations.
    """
    first, _, k = next(rotation.turns_from(lo))
    step = rotation.cycle
    count = -(-(hi - first) // step)  # turns overlapping [lo, hi)
    slots = layer.slots
    shift = k % len(slots)
    users = islice(cycle(slots[shift:] + slots[:shift]), count)
    stop = first + count * step
    starts, ends = range(first, stop, step), range(first + step, stop + step, step)
    segments = list(zip(starts, ends, users, strict=True))
    segments[0] = (max(lo, first), segments[0][1], segments[0][2])
    segments[-1] = (segments[-1][0], min(hi, stop), segments[-1][2])
    if layer.distinct_neighbours:
        return segments
    return normalise(segments)


def normalise(segments: list[Segment]) -> list[Segment]:
    """Drop gaps (empty user sets) and merge adjacent segments with equal user sets."""
    out: list[Segment] = []
    for start, end, users in segments:
        if not users:
            continue
        if out and out[-1][1] == start and out[-1][2] == users:
            out[-1] = (out[-1][0], end, users)
        else:
            out.append((start, end, users))
    return out


def layer_users_at(layer: CompiledLayer, zone: ZoneInfo, t: int) -> Users:
    """Who this layer puts on call at instant t (empty if nobody)."""
    if layer.silent or not layer.lo <= t < layer.hi:
        return ()
    if layer.shifts is not None and not is_working(zone, layer.shifts, t):
        return ()
    _, _, k = next(layer.rotation.turns_from(t))
    return layer.slots[k % len(layer.slots)]
