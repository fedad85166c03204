"""Frozen history: final entries that have ended are stored as ``Shift`` rows and read back.

A schedule's final entries in ``[created_at, history_until)`` come from its shifts, exactly as
they were on call; everything else is rendered from the current configuration. Every
configuration change first records history up to that instant (``cut=True``), so an edit
never rewrites the past, not even the past part of a shift that is running.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.core.errors import DomainError
from watchkeep.oncall.engine import Entry, oncall_at, render
from watchkeep.oncall.models import Schedule, ScheduleOverride, Shift
from watchkeep.oncall.stored import spec_of, whole_seconds

ONE_SECOND = timedelta(seconds=1)
MAX_WINDOW = timedelta(days=366)
"""The longest window :func:`entries` renders."""


class BadWindow(DomainError):
    """A window that is empty, inverted or longer than :data:`MAX_WINDOW`."""

    status_code = 400
    code = "bad_window"


def check_window(start: datetime, end: datetime) -> None:
    """BadWindow unless ``start < end <= start + MAX_WINDOW``."""
    if end <= start:
        raise BadWindow("to must be after from", field="to")
    if end - start > MAX_WINDOW:
        days = (end - start) / timedelta(days=1)
        raise BadWindow(
            f"the window from {start:%Y-%m-%dT%H:%M:%SZ} to {end:%Y-%m-%dT%H:%M:%SZ} is "
            f"{days:g} days long; ask for at most {MAX_WINDOW.days} days at a time",
            field="to",
        )


@dataclass(frozen=True)
class Entries:
    """What a window of a schedule shows: each layer's entries (current configuration), the
    overrides touching the window, and the final schedule (history where recorded)."""

    layers: tuple[tuple[Entry, ...], ...]
    overrides: list[ScheduleOverride]
    final: tuple[Entry, ...]


def overrides_between(
    session: Session, *, schedule_id: int, start: datetime, end: datetime
) -> list[ScheduleOverride]:
    """The schedule's overrides overlapping [start, end], oldest first."""
    return list(
        session.scalars(
            select(ScheduleOverride)
            .where(
                ScheduleOverride.schedule_id == schedule_id,
                ScheduleOverride.end > start,
                ScheduleOverride.start <= end,
            )
            .order_by(ScheduleOverride.created_at, ScheduleOverride.id)
        )
    )


def _shifts(session: Session, schedule_id: int, start: datetime, end: datetime) -> list[Shift]:
    return list(
        session.scalars(
            select(Shift)
            .where(Shift.schedule_id == schedule_id, Shift.end > start, Shift.start < end)
            .order_by(Shift.start)
        )
    )


def record_history(
    session: Session, schedule: Schedule, now: datetime, *, cut: bool = False
) -> list[Shift]:
    """Store the final entries that ended since the last recording; return the new rows.

    With ``cut`` (before a configuration change) the entry running at ``now`` is stored up to
    ``now`` as well: the configuration it came from ends there. A later recording that finds
    the same users continuing extends that row instead of adding one. Idempotent.
    """
    now = whole_seconds(now)
    # Lock the row and read the watermark afresh: two transactions recording the same span
    # (the periodic job and an edit) would otherwise both store it. SQLite serialises
    # writers already (BEGIN IMMEDIATE), so there the lock is a no-op.
    session.refresh(schedule, ["history_until"], with_for_update=True)
    since = schedule.history_until
    if since >= now:
        return []
    spec = spec_of(
        schedule, overrides_between(session, schedule_id=schedule.id, start=since, end=now)
    )
    final = list(render(spec, since, now).final)
    until = now
    if not cut and final and final[-1].end == now and oncall_at(spec, now) == final[-1].users:
        until = final.pop().start  # still running: not history yet
    last = session.scalar(
        select(Shift)
        .where(Shift.schedule_id == schedule.id, Shift.end == since)
        .order_by(Shift.start.desc())
        .limit(1)
    )
    recorded = []
    for entry in final:
        if last is not None and last.end == entry.start and last.users == list(entry.users):
            last.end = entry.end
            continue
        last = Shift(
            schedule_id=schedule.id,
            start=entry.start,
            end=entry.end,
            users=list(entry.users),
            recorded_at=now,
        )
        session.add(last)
        recorded.append(last)
    schedule.history_until = until
    session.flush()
    return recorded


def _outside(entry: Entry, lo: datetime, hi: datetime) -> list[Entry]:
    """The parts of ``entry`` outside [lo, hi)."""
    parts = []
    if entry.start < lo:
        parts.append(Entry(entry.start, min(entry.end, lo), entry.users))
    if entry.end > hi:
        parts.append(Entry(max(entry.start, hi), entry.end, entry.users))
    return [p for p in parts if p.start < p.end]


def merged(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """Entries sorted, with touching neighbours of the same users joined."""
    out: list[Entry] = []
    for entry in sorted(entries):
        if out and out[-1].end == entry.start and out[-1].users == entry.users:
            out[-1] = Entry(out[-1].start, entry.end, entry.users)
        else:
            out.append(entry)
    return tuple(out)


def entries(session: Session, schedule: Schedule, start: datetime, end: datetime) -> Entries:
    """Layers, overrides and the final schedule over [start, end), the past as it really was.

    BadWindow (400) for an empty window or one longer than 366 days.
    """
    start, end = whole_seconds(start), whole_seconds(end)
    check_window(start, end)
    overrides = overrides_between(session, schedule_id=schedule.id, start=start, end=end)
    visible = [o for o in overrides if o.start < end and o.end > start]
    rendering = render(spec_of(schedule, visible), start, end)
    frozen_from, frozen_until = whole_seconds(schedule.created_at), schedule.history_until
    live = [part for e in rendering.final for part in _outside(e, frozen_from, frozen_until)]
    past = [
        Entry(max(s.start, start), min(s.end, end), tuple(s.users))
        for s in _shifts(session, schedule.id, max(start, frozen_from), min(end, frozen_until))
    ]
    return Entries(layers=rendering.layers, overrides=visible, final=merged(live + past))


def oncall_now(session: Session, schedule: Schedule, at: datetime) -> tuple[str, ...]:
    """The user ids on call at ``at`` (sorted): from history if frozen there, else the engine."""
    at = whole_seconds(at)
    if whole_seconds(schedule.created_at) <= at < schedule.history_until:
        shifts = _shifts(session, schedule.id, at, at + ONE_SECOND)
        return tuple(shifts[0].users) if shifts else ()
    spec = spec_of(schedule, overrides_between(session, schedule_id=schedule.id, start=at, end=at))
    return oncall_at(spec, at)
