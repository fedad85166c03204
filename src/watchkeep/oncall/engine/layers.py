"""One layer's own entries: turns × working intervals × bounds, clipped to a window."""

from dataclasses import dataclass
from math import gcd
from zoneinfo import ZoneInfo

from watchkeep.oncall.engine.localtime import instant_seconds, naive_seconds
from watchkeep.oncall.engine.turns import Rotation, compile_rotation
from watchkeep.oncall.engine.working import Shift, compile_shifts, is_working, working_spans
from watchkeep.oncall.spec import Layer

Users = tuple[str, ...]
Segment = tuple[int, int, Users]  # [start, end) instants and the sorted users on call
# Stand-ins for "unbounded", far outside any real window but still plain ints.
NEVER_BEFORE, NEVER_AFTER = -(2**62), 2**62


@dataclass(frozen=True, slots=True)
class CompiledLayer:
    """A layer in engine terms. ``slots[k % len(slots)]`` are turn k's users."""

    rotation: Rotation
    slots: tuple[Users, ...]
    shifts: tuple[Shift, ...] | None  # None = 24/7
    lo: int  # max(layer start, turn 0's start): nothing is on call before it
    hi: int
    silent: bool  # nobody is ever on call (no users, only nulls, or no working time)


def turn_slots(users: tuple[str | None, ...], concurrent: int) -> tuple[Users, ...]:
    """Users of turn k for each k modulo the period after which the pattern repeats.

    Turn k holds ``users[(k·c + j) mod n]`` for j < c; that depends on k·c mod n only,
    which repeats every n / gcd(n, c) turns. Nulls drop out; duplicates collapse.
    """
    n = len(users)
    if n == 0:
        return ((),)
    period = n // gcd(n, concurrent)
    width = min(concurrent, n - 1) or 1  # c >= n already covers every position
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
    )


def layer_segments(layer: CompiledLayer, zone: ZoneInfo, lo: int, hi: int) -> list[Segment]:
    """The layer's entries in [lo, hi): sorted, disjoint, adjacent equal user sets merged."""
    lo, hi = max(lo, layer.lo), min(hi, layer.hi)
    if layer.silent or lo >= hi:
        return []
    spans = [(lo, hi)] if layer.shifts is None else working_spans(zone, layer.shifts, lo, hi)
    slots, period = layer.slots, len(layer.slots)
    out: list[Segment] = []
    for span_start, span_end in spans:
        for start, end, k in layer.rotation.turns_from(span_start):
            users = slots[k % period]
            if users:
                begin = max(start, span_start)
                finish = min(end, span_end)
                if begin < finish:
                    if out and out[-1][1] == begin and out[-1][2] == users:
                        out[-1] = (out[-1][0], finish, users)
                    else:
                        out.append((begin, finish, users))
            if end >= span_end:
                break
    return out


def layer_users_at(layer: CompiledLayer, zone: ZoneInfo, t: int) -> Users:
    """Who this layer puts on call at instant t (empty if nobody)."""
    if layer.silent or not layer.lo <= t < layer.hi:
        return ()
    if layer.shifts is not None and not is_working(zone, layer.shifts, t):
        return ()
    _, _, k = next(layer.rotation.turns_from(t))
    return layer.slots[k % len(layer.slots)]
