"""The on-call engine (DESIGN.md §5): a schedule and a window in, entries out. Pure.

``render`` gives each layer's entries, the overrides that touch the window and the final
schedule; ``oncall_at`` answers "who is on call at t" without rendering anything. Inside,
everything is integer seconds (see ``localtime``); datetimes appear only at the edges.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from watchkeep.oncall.engine.layers import (
    Segment,
    compile_layer,
    layer_segments,
    layer_users_at,
)
from watchkeep.oncall.engine.localtime import EPOCH, instant_seconds, to_datetime
from watchkeep.oncall.engine.sweep import OverrideSpan, final_segments, resolve_overrides
from watchkeep.oncall.spec import Override, Schedule

__all__ = [
    "Entry",
    "OverrideEntry",
    "Rendering",
    "entry_json",
    "format_instant",
    "oncall_at",
    "render",
    "rendering_json",
]


class Entry(NamedTuple):
    """Who is on call over [start, end): ``users`` sorted, never empty."""

    start: datetime
    end: datetime
    users: tuple[str, ...]


class OverrideEntry(NamedTuple):
    """An override that touches the window, clipped to it; ``position`` is its place in the spec."""

    start: datetime
    end: datetime
    user: str | None
    created_at: datetime
    position: int


@dataclass(frozen=True, slots=True)
class Rendering:
    """The result of :func:`render`."""

    final: tuple[Entry, ...]
    layers: tuple[tuple[Entry, ...], ...]  # in the spec's order, lowest first
    overrides: tuple[OverrideEntry, ...]  # in the spec's order


def _ranks(overrides: Sequence[Override]) -> list[int]:
    """Precedence of each override: later created_at wins, then later in the list."""
    order = sorted(range(len(overrides)), key=lambda i: (overrides[i].created_at, i))
    ranks = [0] * len(overrides)
    for rank, index in enumerate(order):
        ranks[index] = rank
    return ranks


def _entries(segments: list[Segment]) -> tuple[Entry, ...]:
    """Segments as entries with aware UTC datetimes.

    Boundaries come in increasing order and mostly a fixed step apart, so each datetime is
    the previous one plus a cached timedelta: several times cheaper than ``fromtimestamp``
    (measured; a map/accumulate pipeline was slower still).
    """
    out = []
    new = tuple.__new__  # skips NamedTuple's Python-level __new__; same object
    steps: dict[int, timedelta] = {}
    last, last_moment = 0, EPOCH
    for start, end, users in segments:
        if start != last:
            step = steps.get(start - last)
            if step is None:
                step = steps[start - last] = timedelta(seconds=start - last)
            last, last_moment = start, last_moment + step
        begin = last_moment
        step = steps.get(end - last)
        if step is None:
            step = steps[end - last] = timedelta(seconds=end - last)
        last, last_moment = end, last_moment + step
        out.append(new(Entry, (begin, last_moment, users)))
    return tuple(out)


def render(schedule: Schedule, start: datetime, end: datetime) -> Rendering:
    """Render the window [start, end) (aware datetimes; naive ones are UTC).

    The engine works in whole seconds: sub-second parts of the window are dropped.
    """
    zone = schedule.zone
    lo, hi = instant_seconds(start), instant_seconds(end)
    per_layer = [
        layer_segments(compile_layer(layer, zone), zone, lo, hi) if lo < hi else []
        for layer in schedule.layers
    ]
    spans: list[OverrideSpan] = [
        (instant_seconds(o.start), instant_seconds(o.end), o.user, rank)
        for o, rank in zip(schedule.overrides, _ranks(schedule.overrides), strict=True)
    ]
    resolved = resolve_overrides(spans, lo, hi)
    layers = tuple(_entries(segments) for segments in per_layer)
    if not resolved and len(per_layer) == 1:
        final = layers[0]  # a layer's entries are already normalised like the final ones
    else:
        final = _entries(final_segments(per_layer, resolved))
    overrides = tuple(
        OverrideEntry(to_datetime(max(s, lo)), to_datetime(min(e, hi)), o.user, o.created_at, index)
        for index, (o, (s, e, _, _)) in enumerate(zip(schedule.overrides, spans, strict=True))
        if max(s, lo) < min(e, hi)
    )
    return Rendering(final=final, layers=layers, overrides=overrides)


def oncall_at(schedule: Schedule, at: datetime) -> tuple[str, ...]:
    """The sorted users on call at instant ``at`` (naive = UTC), without rendering."""
    t = instant_seconds(at)
    moment = to_datetime(t)  # compare at whole seconds, as render does
    winner: tuple[datetime, int] | None = None
    user: str | None = None
    for index, override in enumerate(schedule.overrides):
        if override.start <= moment < override.end and (
            winner is None or (override.created_at, index) > winner
        ):
            winner, user = (override.created_at, index), override.user
    if winner is not None:
        return () if user is None else (user,)
    zone = schedule.zone
    for layer in reversed(schedule.layers):
        users = layer_users_at(compile_layer(layer, zone), zone, t)
        if users:
            return users
    return ()


def format_instant(value: datetime) -> str:
    """An instant as ``YYYY-MM-DDTHH:MM:SSZ`` (naive values are UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_json(entry: Entry) -> dict[str, object]:
    """An entry as ``{"start", "end", "users"}`` with ``…Z`` instants."""
    return {
        "start": format_instant(entry.start),
        "end": format_instant(entry.end),
        "users": list(entry.users),
    }


def rendering_json(rendering: Rendering) -> dict[str, object]:
    """The stable ``{"final": [...], "layers": [[...], ...]}`` shape of ``schedule render``."""
    return {
        "final": [entry_json(entry) for entry in rendering.final],
        "layers": [[entry_json(entry) for entry in layer] for layer in rendering.layers],
    }
