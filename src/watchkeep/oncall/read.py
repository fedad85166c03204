"""Turn schedules, entries and overrides into API bodies, users as ``{id, name}``.

Shared by the API and the CLI's local mode.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from watchkeep.auth.models import User
from watchkeep.oncall.engine import Entry
from watchkeep.oncall.history import Entries
from watchkeep.oncall.models import Schedule, ScheduleOverride
from watchkeep.oncall.people import name_of, users_by_id
from watchkeep.oncall.schemas import (
    EntriesRead,
    EntryRead,
    Handover,
    LayerEntries,
    LayerRead,
    OncallRead,
    OverrideRead,
    Ref,
    ScheduleRead,
    ShiftRead,
    UserRef,
    WorkingInterval,
)
from watchkeep.oncall.shifts import UserShift


def user_ref(users: Mapping[str, User], user_id: str) -> UserRef:
    return UserRef(id=int(user_id), name=name_of(users, user_id))


def _person(user: User | None) -> UserRef | None:
    return None if user is None else UserRef(id=user.id, name=user.name)


def schedule_read(session: Session, schedule: Schedule) -> ScheduleRead:
    users = users_by_id(session, (u for layer in schedule.layers for u in layer.users))
    return ScheduleRead(
        id=schedule.id,
        name=schedule.name,
        description=schedule.description,
        timezone=schedule.timezone,
        team=Ref(id=schedule.team.id, name=schedule.team.name) if schedule.team else None,
        layers=[
            LayerRead(
                position=layer.position,
                name=layer.name,
                users=[None if u is None else user_ref(users, u) for u in layer.users],
                anchor=layer.anchor,
                handovers=[Handover(**h) for h in layer.handovers],
                working_intervals=None
                if layer.working_intervals is None
                else [WorkingInterval(**w) for w in layer.working_intervals],
                concurrent=layer.concurrent,
                start=layer.start,
                end=layer.end,
            )
            for layer in schedule.layers
        ],
        created_at=schedule.created_at,
        updated_at=schedule.updated_at,
        history_until=schedule.history_until,
    )


def override_read(override: ScheduleOverride) -> OverrideRead:
    return OverrideRead(
        id=override.id,
        user=_person(override.user),
        start=override.start,
        end=override.end,
        note=override.note,
        created_at=override.created_at,
        created_by=_person(override.creator),
    )


def _entries(users: Mapping[str, User], entries: Iterable[Entry]) -> list[EntryRead]:
    return [
        EntryRead(start=e.start, end=e.end, users=[user_ref(users, u) for u in e.users])
        for e in entries
    ]


def entries_read(
    session: Session, schedule: Schedule, found: Entries, start: datetime, end: datetime
) -> EntriesRead:
    everyone = [*found.final, *(e for layer in found.layers for e in layer)]
    users = users_by_id(session, (u for e in everyone for u in e.users))
    return EntriesRead(
        start=start,
        end=end,
        timezone=schedule.timezone,
        layers=[
            LayerEntries(position=layer.position, name=layer.name, entries=_entries(users, rows))
            for layer, rows in zip(schedule.layers, found.layers, strict=True)
        ],
        overrides=[override_read(o) for o in found.overrides],
        final=_entries(users, found.final),
    )


def oncall_read(session: Session, at: datetime, user_ids: Sequence[str]) -> OncallRead:
    users = users_by_id(session, user_ids)
    return OncallRead(at=at, users=[user_ref(users, u) for u in user_ids])


def shifts_read(session: Session, shifts: Sequence[UserShift]) -> list[ShiftRead]:
    users = users_by_id(session, (u for s in shifts for u in s.users))
    return [
        ShiftRead(
            schedule=Ref(id=s.schedule.id, name=s.schedule.name),
            start=s.start,
            end=s.end,
            users=[user_ref(users, u) for u in s.users],
        )
        for s in shifts
    ]
