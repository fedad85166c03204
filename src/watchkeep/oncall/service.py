"""Stored schedules: create, find, change and delete them and their layers.

Layers come in as spec JSON (DESIGN.md §5) with users given as user ids, and are validated by
the engine's parser (see ``stored.validate_layers``). Every change to what the schedule puts
on call records history first, in the same transaction, so that the past stays as it was.
"""

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.catalog.models import Team, team_member
from watchkeep.core.actor import Actor, Role, at_least
from watchkeep.core.errors import Conflict, Forbidden, Invalid, NotFound
from watchkeep.core.ids import parse_id
from watchkeep.oncall.history import entries, oncall_now, record_history
from watchkeep.oncall.models import Schedule, ScheduleLayer
from watchkeep.oncall.stored import (
    LayerData,
    layer_data,
    layer_json,
    spec_of,
    validate_layers,
    whole_seconds,
)

__all__ = [
    "KEEP",
    "can_manage",
    "create",
    "delete",
    "entries",
    "find_by_name",
    "get",
    "get_by_ref",
    "list_schedules",
    "oncall_now",
    "record_history",
    "require_manage",
    "spec_of",
    "update",
]


class _Keep(Enum):
    KEEP = "keep"


KEEP: Final = _Keep.KEEP
"""Passed as ``team_id`` to :func:`update`: leave the team as it is (``None`` clears it)."""


def list_schedules(session: Session) -> list[Schedule]:
    """Every schedule, by name."""
    return list(session.scalars(select(Schedule).order_by(Schedule.name)))


def get(session: Session, *, schedule_id: int) -> Schedule:
    """The schedule with this id, or NotFound."""
    schedule = session.get(Schedule, schedule_id)
    if schedule is None:
        raise NotFound(f"schedule {schedule_id} does not exist")
    return schedule


def find_by_name(session: Session, *, name: str) -> Schedule | None:
    """The schedule with exactly this name, if any."""
    return session.scalar(select(Schedule).where(Schedule.name == name.strip()))


def get_by_ref(session: Session, *, ref: str | int) -> Schedule:
    """A schedule by id or by name (what people type on the command line)."""
    schedule_id = parse_id(ref)
    if schedule_id is not None:
        return get(session, schedule_id=schedule_id)
    schedule = find_by_name(session, name=str(ref))
    if schedule is None:
        raise NotFound(f"no schedule named {ref!r}")
    return schedule


def is_team_member(session: Session, *, team_id: int, user_id: int) -> bool:
    found = session.execute(
        select(team_member.c.user_id).where(
            team_member.c.team_id == team_id, team_member.c.user_id == user_id
        )
    ).first()
    return found is not None


def can_manage(session: Session, actor: Actor, schedule: Schedule) -> bool:
    """Admins, and responders when the schedule has no team or they are in its team."""
    if actor.is_admin:
        return True
    if not at_least(actor.role, Role.RESPONDER):
        return False
    return schedule.team_id is None or is_team_member(
        session, team_id=schedule.team_id, user_id=actor.user_id
    )


def require_manage(session: Session, actor: Actor, schedule: Schedule) -> None:
    """Forbidden unless ``actor`` may change ``schedule``."""
    if not can_manage(session, actor, schedule):
        actor.require(Role.RESPONDER)
        team = schedule.team.name if schedule.team else f"team {schedule.team_id}"
        raise Forbidden(f"only admins and members of {team} may change schedule {schedule.name}")


def _name(session: Session, name: str, schedule_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise Invalid("name: must not be empty", field="name")
    if len(name) > 200:
        raise Invalid("name: at most 200 characters", field="name")
    existing = find_by_name(session, name=name)
    if existing is not None and existing.id != schedule_id:
        raise Conflict(f"a schedule named {name!r} already exists", field="name")
    return name


def _team(session: Session, actor: Actor, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = session.get(Team, team_id)
    if team is None:
        raise Invalid(f"team_id: team {team_id} does not exist", field="team_id")
    if not actor.is_admin and not is_team_member(session, team_id=team_id, user_id=actor.user_id):
        raise Forbidden(f"only admins and members of {team.name} may give it a schedule")
    return team


def _layers(data: list[dict[str, object]]) -> list[ScheduleLayer]:
    return [ScheduleLayer(position=i, **layer) for i, layer in enumerate(data)]


def create(
    session: Session,
    *,
    actor: Actor,
    name: str,
    timezone: str,
    layers: Sequence[object] = (),
    description: str = "",
    team_id: int | None = None,
    now: datetime,
) -> Schedule:
    """Create a schedule; ``layers`` are spec JSON, lowest precedence first, users as ids."""
    actor.require(Role.RESPONDER)
    now = whole_seconds(now)
    schedule = Schedule(
        name=_name(session, name),
        description=description.strip(),
        timezone=timezone,
        team=_team(session, actor, team_id),
        created_at=now,
        updated_at=now,
        history_until=now,
    )
    schedule.layers = _layers(validate_layers(session, timezone=timezone, layers=layers))
    session.add(schedule)
    session.flush()
    return schedule


def update(
    session: Session,
    *,
    schedule: Schedule,
    actor: Actor,
    name: str | None = None,
    description: str | None = None,
    timezone: str | None = None,
    team_id: int | _Keep | None = KEEP,
    layers: Sequence[object] | None = None,
    now: datetime,
) -> Schedule:
    """Change a schedule; ``layers``, when given, replace all of its layers.

    A change of time zone or layers first freezes the history up to ``now``.
    """
    require_manage(session, actor, schedule)
    now = whole_seconds(now)
    new_layers: list[LayerData] | None = None
    if timezone is not None or layers is not None:
        new_layers = validate_layers(
            session,
            timezone=schedule.timezone if timezone is None else timezone,
            layers=[layer_json(layer_data(layer)) for layer in schedule.layers]
            if layers is None
            else layers,
        )
        record_history(session, schedule, now, cut=True)
    if name is not None:
        schedule.name = _name(session, name, schedule.id)
    if description is not None:
        schedule.description = description.strip()
    if not isinstance(team_id, _Keep) and team_id != schedule.team_id:
        schedule.team = _team(session, actor, team_id)
    if new_layers is not None:
        if timezone is not None:
            schedule.timezone = timezone
        schedule.layers.clear()
        session.flush()  # the old positions must go before the new ones arrive
        schedule.layers.extend(_layers(new_layers))
    schedule.updated_at = now
    session.flush()
    return schedule


def delete(session: Session, *, schedule: Schedule, actor: Actor) -> None:
    """Delete a schedule with its layers, overrides and history."""
    require_manage(session, actor, schedule)
    session.delete(schedule)
    session.flush()
