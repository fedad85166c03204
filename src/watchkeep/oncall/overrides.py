"""Overrides: "cover me for these hours". The newest override covering an instant wins.

Creating or deleting one is a configuration change: history is recorded up to now first, so
an override can only change who is on call from now on.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth.models import User
from watchkeep.core.actor import Actor, Role
from watchkeep.core.clock import ensure_utc
from watchkeep.core.errors import Forbidden, Invalid, NotFound
from watchkeep.oncall.history import record_history
from watchkeep.oncall.models import Schedule, ScheduleOverride
from watchkeep.oncall.service import can_manage
from watchkeep.oncall.stored import whole_seconds

HORIZON = timedelta(days=366)
"""An override ends at most this far ahead, and lasts at most this long."""


def on_rotation(schedule: Schedule, user_id: int) -> bool:
    """Whether the user has a slot in one of the schedule's layers."""
    return any(str(user_id) in layer.users for layer in schedule.layers)


def can_override(session: Session, actor: Actor, schedule: Schedule) -> bool:
    """Who manages the schedule, and responders on its rotation, may add overrides."""
    if can_manage(session, actor, schedule):
        return True
    return actor.role is Role.RESPONDER and on_rotation(schedule, actor.user_id)


def _check_window(start: datetime, end: datetime, now: datetime) -> None:
    if end <= start:
        raise Invalid("end: must be after start", field="end")
    if end <= now:
        raise Invalid("end: must be in the future; the past stays as it was", field="end")
    if end - start > HORIZON:
        raise Invalid(f"end: an override lasts at most {HORIZON.days} days", field="end")
    if end > now + HORIZON:
        raise Invalid(f"end: must be within {HORIZON.days} days from now", field="end")


def create_override(
    session: Session,
    *,
    schedule: Schedule,
    actor: Actor,
    user_id: int | None,
    start: datetime,
    end: datetime,
    note: str = "",
    now: datetime,
) -> ScheduleOverride:
    """Put ``user_id`` (None: nobody) on call alone over [start, end), inside the horizon."""
    if not can_override(session, actor, schedule):
        actor.require(Role.RESPONDER)
        raise Forbidden(f"you may not override schedule {schedule.name}")
    moment = ensure_utc(now)
    start, end = whole_seconds(start), whole_seconds(end)
    _check_window(start, end, moment)
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            raise Invalid(f"user_id: no active user with id {user_id}", field="user_id")
    record_history(session, schedule, moment, cut=True)
    override = ScheduleOverride(
        schedule_id=schedule.id,
        user_id=user_id,
        start=start,
        end=end,
        created_at=moment,
        created_by=actor.user_id,
        note=note.strip(),
    )
    session.add(override)
    session.flush()
    return override


def list_overrides(
    session: Session,
    *,
    schedule_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[ScheduleOverride]:
    """The schedule's overrides overlapping [start, end) (either side open), by start."""
    query = select(ScheduleOverride).where(ScheduleOverride.schedule_id == schedule_id)
    if start is not None:
        query = query.where(ScheduleOverride.end > start)
    if end is not None:
        query = query.where(ScheduleOverride.start < end)
    return list(session.scalars(query.order_by(ScheduleOverride.start, ScheduleOverride.id)))


def get_override(session: Session, *, schedule: Schedule, override_id: int) -> ScheduleOverride:
    """One override of this schedule, or NotFound."""
    override = session.get(ScheduleOverride, override_id)
    if override is None or override.schedule_id != schedule.id:
        raise NotFound(f"schedule {schedule.id} has no override {override_id}")
    return override


def delete_override(
    session: Session,
    *,
    schedule: Schedule,
    override_id: int,
    actor: Actor,
    now: datetime,
) -> None:
    """Remove an override (its creator, its user, or who manages the schedule may)."""
    override = get_override(session, schedule=schedule, override_id=override_id)
    mine = actor.user_id in (override.created_by, override.user_id)
    if not (can_manage(session, actor, schedule) or (mine and actor.role is not Role.VIEWER)):
        actor.require(Role.RESPONDER)
        raise Forbidden(f"you may not remove override {override_id}")
    record_history(session, schedule, now, cut=True)
    session.delete(override)
    session.flush()
