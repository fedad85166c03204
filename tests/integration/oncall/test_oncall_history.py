"""Frozen history: shifts that have ended keep who was really on call, whatever changes later.

The clock is passed explicitly (``now=``); nothing sleeps.
"""

from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person, make_schedule, rotation

from watchkeep.core.db import Database
from watchkeep.jobs.registry import JobContext
from watchkeep.oncall import overrides as overrides_service
from watchkeep.oncall import service as schedules
from watchkeep.oncall.engine import Entry, render
from watchkeep.oncall.history import entries, oncall_now, record_history
from watchkeep.oncall.models import Schedule, Shift
from watchkeep.oncall.shifts import next_shift_of_user, shifts_of_user
from watchkeep.oncall.tasks import record_all_history

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the rotations' anchor in Europe/London
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
WINDOW = (T0 - DAY, T0 + 10 * DAY)


make = partial(make_schedule, now=T0 - DAY)  # "Primary" in Europe/London, made the day before


def ids(*people: Person) -> tuple[str, ...]:
    return tuple(sorted(str(p.user.id) for p in people))


def stored_shifts(
    session: Session, schedule: Schedule
) -> list[tuple[datetime, datetime, list[str]]]:
    rows = session.scalars(
        select(Shift).where(Shift.schedule_id == schedule.id).order_by(Shift.start)
    )
    return [(s.start, s.end, s.users) for s in rows]


def test_changing_the_rotation_keeps_the_past_and_changes_the_future(
    session: Session, alice: Person, bob: Person, carol: Person
) -> None:
    schedule = make(session, alice, rotation(alice, bob, carol))
    before = entries(session, schedule, *WINDOW).final
    assert before[:4] == (
        Entry(T0, T0 + DAY, ids(alice)),
        Entry(T0 + DAY, T0 + 2 * DAY, ids(bob)),
        Entry(T0 + 2 * DAY, T0 + 3 * DAY, ids(carol)),
        Entry(T0 + 3 * DAY, T0 + 4 * DAY, ids(alice)),
    )

    # The clock moves past three shifts and into Alice's second one; the job records them.
    now = T0 + 3 * DAY + 5 * HOUR
    record_history(session, schedule, now)
    assert len(stored_shifts(session, schedule)) == 3
    # Then someone changes the users, their order and the anchor.
    schedules.update(
        session,
        schedule=schedule,
        actor=alice.actor,
        layers=[rotation(carol, bob, anchor="2026-03-02T21:00:00")],
        now=now,
    )

    after = entries(session, schedule, *WINDOW).final
    past = [e for e in after if e.end <= now]
    assert past == [e for e in before if e.end <= now] + [Entry(T0 + 3 * DAY, now, ids(alice))]
    new_rotation = render(schedules.spec_of(schedule), now, WINDOW[1]).final
    assert [e for e in after if e.start >= now] == list(new_rotation)
    assert new_rotation[0] == Entry(now, datetime(2026, 3, 5, 21, tzinfo=UTC), ids(carol))
    assert len(after) == len(past) + len(new_rotation)
    # The layers show the configuration as it is now, past included.
    layer = entries(session, schedule, T0, T0 + DAY).layers[0]
    assert layer == (Entry(datetime(2026, 3, 2, 21, tzinfo=UTC), T0 + DAY, ids(carol)),)
    # Point queries agree: history before the change, the new rotation after it.
    assert oncall_now(session, schedule, T0 + HOUR) == ids(alice)
    assert oncall_now(session, schedule, now - HOUR) == ids(alice)
    assert oncall_now(session, schedule, now + HOUR) == ids(carol)


def test_an_override_changes_only_the_future_part_of_its_range(
    session: Session, alice: Person, bob: Person
) -> None:
    schedule = make(session, alice, rotation(alice))
    now = T0 + 5 * HOUR
    overrides_service.create_override(
        session,
        schedule=schedule,
        actor=alice.actor,
        user_id=bob.user.id,
        start=now - 2 * HOUR,
        end=now + 2 * HOUR,
        now=now,
    )
    assert entries(session, schedule, T0, T0 + DAY).final == (
        Entry(T0, now, ids(alice)),
        Entry(now, now + 2 * HOUR, ids(bob)),
        Entry(now + 2 * HOUR, T0 + DAY, ids(alice)),
    )
    # Deleting it later does not bring Alice back for the hour that has passed.
    overrides = overrides_service.list_overrides(session, schedule_id=schedule.id)
    overrides_service.delete_override(
        session, schedule=schedule, override_id=overrides[0].id, actor=alice.actor, now=now + HOUR
    )
    assert entries(session, schedule, T0, T0 + DAY).final == (
        Entry(T0, now, ids(alice)),
        Entry(now, now + HOUR, ids(bob)),
        Entry(now + HOUR, T0 + DAY, ids(alice)),
    )


def test_a_time_zone_change_keeps_the_past(session: Session, alice: Person, bob: Person) -> None:
    schedule = make(session, alice, rotation(alice, bob))
    now = T0 + DAY + 2 * HOUR
    before = entries(session, schedule, T0, now).final
    schedules.update(
        session, schedule=schedule, actor=alice.actor, timezone="Asia/Kolkata", now=now
    )
    assert schedule.timezone == "Asia/Kolkata"
    assert entries(session, schedule, T0, now).final == before
    # 09:00 in Kolkata is 03:30 UTC: the next handover moves.
    following = entries(session, schedule, now, now + DAY).final
    assert following[0].end == datetime(2026, 3, 4, 3, 30, tzinfo=UTC)


def test_recording_is_idempotent_and_extends_a_shift_that_continues(
    session: Session, alice: Person, bob: Person
) -> None:
    schedule = make(session, alice, rotation(alice, bob))
    assert record_history(session, schedule, T0 - DAY) == []
    now = T0 + 2 * DAY + HOUR
    assert len(record_history(session, schedule, now)) == 2
    assert record_history(session, schedule, now) == []
    assert schedule.history_until == T0 + 2 * DAY  # Alice's running shift is not history yet
    # Cut at now (as a configuration change does), then let the shift run on and end.
    assert len(record_history(session, schedule, now, cut=True)) == 1
    assert record_history(session, schedule, now, cut=True) == []
    assert record_history(session, schedule, T0 + 3 * DAY + HOUR) == []  # extended, not added
    assert stored_shifts(session, schedule) == [
        (T0, T0 + DAY, list(ids(alice))),
        (T0 + DAY, T0 + 2 * DAY, list(ids(bob))),
        (T0 + 2 * DAY, T0 + 3 * DAY, list(ids(alice))),
    ]
    assert schedule.history_until == T0 + 3 * DAY


def test_the_periodic_job_records_every_schedule(
    database: Database, session: Session, alice: Person, bob: Person
) -> None:
    first = make(session, alice, rotation(alice))
    second = make(session, alice, rotation(alice, bob, unit="hourly"), name="Secondary")
    session.commit()
    now = T0 + 3 * HOUR + timedelta(minutes=1)
    ctx = JobContext(db=database, job_id=1, kind="oncall.record_history", attempt=1, now=now)
    record_all_history(ctx, {})
    session.expire_all()
    assert stored_shifts(session, first) == []  # Alice's first day is still running
    assert first.history_until == T0
    assert stored_shifts(session, second) == [
        (T0, T0 + HOUR, list(ids(alice))),
        (T0 + HOUR, T0 + 2 * HOUR, list(ids(bob))),
        (T0 + 2 * HOUR, T0 + 3 * HOUR, list(ids(alice))),
    ]
    assert second.history_until == T0 + 3 * HOUR


def test_a_users_shifts_across_schedules_include_history(
    session: Session, alice: Person, bob: Person, carol: Person
) -> None:
    primary = make(session, alice, rotation(alice, bob))
    secondary = make(session, alice, rotation(carol, alice), name="Secondary")
    now = T0 + DAY + HOUR
    schedules.update(session, schedule=primary, actor=alice.actor, layers=[rotation(bob)], now=now)
    found = shifts_of_user(session, user_id=alice.user.id, start=T0, end=T0 + 4 * DAY)
    assert [(s.schedule.name, s.start, s.end) for s in found] == [
        ("Primary", T0, T0 + DAY),
        ("Secondary", T0 + DAY, T0 + 2 * DAY),
        ("Secondary", T0 + 3 * DAY, T0 + 4 * DAY),
    ]
    upcoming = next_shift_of_user(session, user_id=alice.user.id, now=now)
    assert upcoming is not None
    assert (upcoming.schedule.id, upcoming.start) == (secondary.id, now)
    carols = next_shift_of_user(session, user_id=carol.user.id, now=now)
    assert carols is not None and carols.start == T0 + 2 * DAY
    assert shifts_of_user(session, user_id=carol.user.id, start=T0 + DAY, end=T0 + 2 * DAY) == []
