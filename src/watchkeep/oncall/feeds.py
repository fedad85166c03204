"""Calendar feeds behind secret URLs: one per schedule and one per user ("my shifts").

Only a hash of each secret is stored, so a feed URL is shown once, when it is made; making a
new one (rotating) makes the old URL stop working.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth.secrets import digest, new_token
from watchkeep.core.actor import Actor
from watchkeep.core.errors import NotFound
from watchkeep.oncall.engine import Entry, format_instant
from watchkeep.oncall.history import entries
from watchkeep.oncall.ical import FeedEvent, calendar
from watchkeep.oncall.models import Schedule, UserFeed
from watchkeep.oncall.people import name_of, names_of, users_by_id
from watchkeep.oncall.service import require_manage
from watchkeep.oncall.shifts import UserShift, shifts_of_user
from watchkeep.oncall.stored import whole_seconds

PAST = timedelta(days=30)
AHEAD = timedelta(days=90)
MARGIN = timedelta(days=7)
T = TypeVar("T", Entry, UserShift)
FEED_PREFIX = "wkcal"  # marks a feed secret, as "wk" marks an API token


def schedule_feed_path(token: str) -> str:
    """Where the schedule feed with this secret is served."""
    return f"/feeds/schedules/{token}.ics"


def user_feed_path(token: str) -> str:
    """Where the "my shifts" feed with this secret is served."""
    return f"/feeds/users/{token}.ics"


def rotate_schedule_feed(session: Session, *, schedule: Schedule, actor: Actor) -> str:
    """A new secret for the schedule's feed (the old URL stops working); returns its path."""
    require_manage(session, actor, schedule)
    token = new_token(FEED_PREFIX)
    schedule.feed_token_hash = digest(token)
    session.flush()
    return schedule_feed_path(token)


def rotate_user_feed(session: Session, *, user_id: int, now: datetime) -> str:
    """A new secret for the user's "my shifts" feed (the old URL stops working); its path."""
    token = new_token(FEED_PREFIX)
    feed = session.scalar(select(UserFeed).where(UserFeed.user_id == user_id))
    if feed is None:
        feed = UserFeed(user_id=user_id, token_hash="", created_at=now)
        session.add(feed)
    feed.token_hash = digest(token)
    feed.created_at = now
    session.flush()
    return user_feed_path(token)


def has_user_feed(session: Session, *, user_id: int) -> bool:
    return session.scalar(select(UserFeed.id).where(UserFeed.user_id == user_id)) is not None


def _window(now: datetime) -> tuple[datetime, datetime]:
    """The feed's window, from midnight UTC so that it stays put through the day."""
    midnight = whole_seconds(now).replace(hour=0, minute=0, second=0)
    return midnight - PAST, midnight + AHEAD


def _whole(entries_: Sequence[T], start: datetime, end: datetime) -> list[T]:
    """The entries overlapping [start, end), found in a wider window: a shift that runs over
    the edge of the feed's window keeps its real start and end (up to MARGIN beyond)."""
    return [e for e in entries_ if e.end > start and e.start < end]


def schedule_feed(session: Session, *, token: str, now: datetime) -> bytes:
    """The schedule's final entries from 30 days back to 90 days ahead, as iCalendar."""
    schedule = session.scalar(select(Schedule).where(Schedule.feed_token_hash == digest(token)))
    if schedule is None:
        raise NotFound("no calendar feed at this address")
    start, end = _window(now)
    final = _whole(entries(session, schedule, start - MARGIN, end + MARGIN).final, start, end)
    users = users_by_id(session, (u for e in final for u in e.users))
    events = [
        FeedEvent(
            uid=f"schedule-{schedule.id}-{format_instant(e.start)}@watchkeep",
            start=e.start,
            end=e.end,
            summary=names_of(users, e.users),
            description=f"On call for {schedule.name}",
        )
        for e in final
    ]
    return calendar(f"On call: {schedule.name}", events, now=now)


def user_feed(session: Session, *, token: str, now: datetime) -> bytes:
    """The user's shifts across schedules, 30 days back to 90 days ahead, as iCalendar."""
    feed = session.scalar(select(UserFeed).where(UserFeed.token_hash == digest(token)))
    if feed is None:
        raise NotFound("no calendar feed at this address")
    start, end = _window(now)
    me = str(feed.user_id)
    shifts = _whole(
        shifts_of_user(session, user_id=feed.user_id, start=start - MARGIN, end=end + MARGIN),
        start,
        end,
    )
    users = users_by_id(session, [me, *(u for s in shifts for u in s.users)])
    events = []
    for shift in shifts:
        others = [u for u in shift.users if u != me]
        events.append(
            FeedEvent(
                uid=f"user-{me}-schedule-{shift.schedule.id}-{format_instant(shift.start)}@watchkeep",
                start=shift.start,
                end=shift.end,
                summary=f"On call: {shift.schedule.name}",
                description=f"With {names_of(users, others)}" if others else "",
            )
        )
    return calendar(f"My shifts ({name_of(users, me)})", events, now=now)
