"""Across schedules: a user's shifts, and who is on call now and next."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from watchkeep.oncall.engine import Entry
from watchkeep.oncall.history import check_window, entries
from watchkeep.oncall.models import Schedule
from watchkeep.oncall.service import list_schedules
from watchkeep.oncall.stored import whole_seconds

LOOKAHEAD = timedelta(days=90)
"""How far ahead "next" looks."""


@dataclass(frozen=True)
class UserShift:
    """One final entry of ``schedule`` that the user is part of."""

    schedule: Schedule
    start: datetime
    end: datetime
    users: tuple[str, ...]


@dataclass(frozen=True)
class OncallStatus:
    """Who is on call at an instant (``current``, clipped to start there) and who is next."""

    schedule: Schedule
    current: Entry | None
    next: Entry | None


def shifts_of_user(
    session: Session, *, user_id: int, start: datetime, end: datetime
) -> list[UserShift]:
    """The user's final entries over [start, end) across every schedule, by start.

    The past comes from history where recorded; entries are clipped to the window.
    BadWindow (400) for an empty window or one longer than 366 days.
    """
    start, end = whole_seconds(start), whole_seconds(end)
    check_window(start, end)
    wanted = str(user_id)
    found = [
        UserShift(schedule, entry.start, entry.end, entry.users)
        for schedule in list_schedules(session)
        for entry in entries(session, schedule, start, end).final
        if wanted in entry.users
    ]
    return sorted(found, key=lambda s: (s.start, s.schedule.name))


def next_shift_of_user(
    session: Session, *, user_id: int, now: datetime, lookahead: timedelta = LOOKAHEAD
) -> UserShift | None:
    """The user's shift running at ``now`` or, if none, the first one to start after it."""
    now = whole_seconds(now)
    upcoming = shifts_of_user(session, user_id=user_id, start=now, end=now + lookahead)
    return upcoming[0] if upcoming else None


def status(
    session: Session, schedule: Schedule, now: datetime, lookahead: timedelta = LOOKAHEAD
) -> OncallStatus:
    """Who is on call at ``now`` (until when) and who takes over next."""
    now = whole_seconds(now)
    final = entries(session, schedule, now, now + lookahead).final
    current = final[0] if final and final[0].start == now else None
    following = final[1:] if current else final
    return OncallStatus(schedule, current, following[0] if following else None)


def status_board(session: Session, now: datetime) -> list[OncallStatus]:
    """:func:`status` for every schedule, by name."""
    return [status(session, schedule, now) for schedule in list_schedules(session)]
