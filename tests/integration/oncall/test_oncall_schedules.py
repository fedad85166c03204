"""Stored schedules on a real database: validation, entries across layers and overrides,
who is on call, overrides and who may change what."""

from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from sqlalchemy.orm import Session
from tests.factories import ANCHOR, Person, make_schedule, make_team, rotation

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Conflict, Forbidden, Invalid, NotFound
from watchkeep.oncall import overrides as overrides_service
from watchkeep.oncall import service as schedules
from watchkeep.oncall.engine import Entry
from watchkeep.oncall.history import entries, oncall_now
from watchkeep.oncall.shifts import status

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # ANCHOR in Europe/London
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


make = partial(make_schedule, now=T0 - DAY)  # "Primary" in Europe/London, made the day before


def ids(*people: Person) -> tuple[str, ...]:
    return tuple(sorted(str(p.user.id) for p in people))


# ---------- validation ----------


def bad_layers(alice: Person) -> list[tuple[str, Any, str]]:
    ok = rotation(alice)
    return [
        ("Mars/Olympus", [ok], "timezone"),
        ("UTC", [{**ok, "handovers": []}], "layers[0].handovers"),
        (
            "UTC",
            [{**ok, "handovers": [{"interval": 0, "unit": "daily"}]}],
            "layers[0].handovers[0].interval",
        ),
        (
            "UTC",
            [{**ok, "handovers": [{"interval": 1, "unit": "monthly"}]}],
            "layers[0].handovers[0].unit",
        ),
        ("UTC", [{**ok, "users": []}], "layers[0].users"),
        ("UTC", [{**ok, "users": [None]}], "layers[0].users"),
        ("UTC", [ok, {**ok, "users": [alice.user.id, 987654]}], "layers[1].users[1]"),
        ("UTC", [{**ok, "users": ["alice"]}], "layers[0].users[0]"),
        ("UTC", [{**ok, "anchor": "2026-03-02T09:00:00+01:00"}], "layers[0].anchor"),
        ("UTC", [{**ok, "working_intervals": []}], "layers[0].working_intervals"),
        (
            "UTC",
            [
                {
                    **ok,
                    "working_intervals": [{"weekday": "monday", "start": "09:00", "end": "17:00"}],
                }
            ],
            "layers[0].working_intervals[0].weekday",
        ),
        (
            "UTC",
            [{**ok, "working_intervals": [{"weekday": "mon", "start": "9am", "end": "17:00"}]}],
            "layers[0].working_intervals[0].start",
        ),
        (
            "UTC",
            [{**ok, "start": "2026-03-05T00:00:00Z", "end": "2026-03-05T00:00:00Z"}],
            "layers[0].end",
        ),
        ("UTC", [{**ok, "concurrent": 0}], "layers[0].concurrent"),
        ("UTC", [{**ok, "working_interval": None}], "layers[0].working_interval"),
    ]


def test_invalid_layers_are_refused_naming_the_field(session: Session, alice: Person) -> None:
    for timezone, layers, field in bad_layers(alice):
        with pytest.raises(Invalid) as caught:
            make(session, alice, *layers, timezone=timezone)
        assert caught.value.details["field"] == field, caught.value.message
        assert caught.value.message.startswith(f"{field}: ")


def test_names_are_unique_and_viewers_may_not_create(
    session: Session, alice: Person, viewer: Person
) -> None:
    make(session, alice, rotation(alice))
    with pytest.raises(Conflict):
        make(session, alice, rotation(alice), name=" Primary ")
    with pytest.raises(Forbidden):
        make(session, viewer, rotation(alice), name="Other")
    with pytest.raises(Invalid, match="name"):
        make(session, alice, rotation(alice), name="  ")


def test_a_layer_is_stored_in_canonical_form(session: Session, alice: Person, bob: Person) -> None:
    layer = rotation(
        alice,
        None,
        bob,
        anchor="2026-03-02",
        working_intervals=[{"weekday": "mon", "start": "09:00", "end": "17:00"}],
        end="2026-06-01T00:00:00+02:00",
    )
    layer["users"] = [str(alice.user.id), None, bob.user.id]
    stored = make(session, alice, layer).layers[0]
    assert stored.users == [str(alice.user.id), None, str(bob.user.id)]
    assert stored.anchor == "2026-03-02T00:00:00"
    assert stored.name == "layer 1"
    assert stored.end == datetime(2026, 5, 31, 22, 0, tzinfo=UTC)
    assert stored.working_intervals == [{"weekday": "mon", "start": "09:00", "end": "17:00"}]


# ---------- entries ----------


def test_entries_follow_layers_and_overrides(
    session: Session, alice: Person, bob: Person, carol: Person
) -> None:
    base = rotation(alice, bob, name="base")
    days = rotation(
        carol,
        name="office",
        working_intervals=[{"weekday": "tue", "start": "10:00", "end": "12:00"}],
    )
    schedule = make(session, alice, base, days)
    override = overrides_service.create_override(
        session,
        schedule=schedule,
        actor=alice.actor,
        user_id=bob.user.id,
        start=T0 + 2 * HOUR,
        end=T0 + 4 * HOUR,
        note="dentist",
        now=T0 - HOUR,
    )
    window = entries(session, schedule, T0, T0 + 2 * DAY)
    a, b, c = ids(alice), ids(bob), ids(carol)
    tue10 = T0 + DAY + HOUR
    assert window.final == (
        Entry(T0, T0 + 2 * HOUR, a),
        Entry(T0 + 2 * HOUR, T0 + 4 * HOUR, b),
        Entry(T0 + 4 * HOUR, T0 + DAY, a),
        Entry(T0 + DAY, tue10, b),
        Entry(tue10, tue10 + 2 * HOUR, c),
        Entry(tue10 + 2 * HOUR, T0 + 2 * DAY, b),
    )
    assert window.layers[0] == (Entry(T0, T0 + DAY, a), Entry(T0 + DAY, T0 + 2 * DAY, b))
    assert window.layers[1] == (Entry(tue10, tue10 + 2 * HOUR, c),)
    assert [o.id for o in window.overrides] == [override.id]
    assert entries(session, schedule, T0 + DAY, T0 + 2 * DAY).overrides == []

    assert oncall_now(session, schedule, T0 + 3 * HOUR) == b
    assert oncall_now(session, schedule, tue10 + HOUR) == c
    assert oncall_now(session, schedule, T0 - HOUR) == ()  # before the anchor


def test_the_newest_override_wins_and_a_null_one_is_a_gap(
    session: Session, alice: Person, bob: Person, carol: Person
) -> None:
    schedule = make(session, alice, rotation(alice))
    create = overrides_service.create_override
    create(
        session,
        schedule=schedule,
        actor=alice.actor,
        user_id=bob.user.id,
        start=T0,
        end=T0 + 4 * HOUR,
        now=T0 - 2 * HOUR,
    )
    create(
        session,
        schedule=schedule,
        actor=alice.actor,
        user_id=carol.user.id,
        start=T0 + HOUR,
        end=T0 + 2 * HOUR,
        now=T0 - HOUR,
    )
    create(
        session,
        schedule=schedule,
        actor=alice.actor,
        user_id=None,
        start=T0 + 3 * HOUR,
        end=T0 + 5 * HOUR,
        now=T0 - HOUR,
    )
    final = entries(session, schedule, T0, T0 + 6 * HOUR).final
    assert final == (
        Entry(T0, T0 + HOUR, ids(bob)),
        Entry(T0 + HOUR, T0 + 2 * HOUR, ids(carol)),
        Entry(T0 + 2 * HOUR, T0 + 3 * HOUR, ids(bob)),
        Entry(T0 + 5 * HOUR, T0 + 6 * HOUR, ids(alice)),
    )


def test_status_says_who_is_on_call_now_and_next(
    session: Session, alice: Person, bob: Person
) -> None:
    schedule = make(session, alice, rotation(alice, bob))
    now = status(session, schedule, T0 + 3 * HOUR)
    assert now.current == Entry(T0 + 3 * HOUR, T0 + DAY, ids(alice))
    assert now.next == Entry(T0 + DAY, T0 + 2 * DAY, ids(bob))
    before = status(session, schedule, T0 - HOUR)
    assert before.current is None
    assert before.next is not None and before.next.users == ids(alice)


# ---------- overrides ----------


def test_override_windows_are_checked(session: Session, alice: Person, bob: Person) -> None:
    schedule = make(session, alice, rotation(alice))
    create = overrides_service.create_override
    now = T0
    cases = [
        (T0 + 2 * HOUR, T0 + 2 * HOUR, "end: must be after start"),
        (T0 - 3 * HOUR, T0 - HOUR, "end: must be in the future"),
        (T0, T0 + timedelta(days=367), "at most 366 days"),
        (T0 + timedelta(days=300), T0 + timedelta(days=400), "within 366 days"),
    ]
    for start, end, message in cases:
        with pytest.raises(Invalid, match=message):
            create(
                session,
                schedule=schedule,
                actor=alice.actor,
                user_id=bob.user.id,
                start=start,
                end=end,
                now=now,
            )
    with pytest.raises(Invalid, match="user_id"):
        create(
            session,
            schedule=schedule,
            actor=alice.actor,
            user_id=424242,
            start=T0,
            end=T0 + HOUR,
            now=now,
        )


def test_who_may_change_a_team_schedule(
    session: Session, alice: Person, bob: Person, carol: Person, admin: Person, viewer: Person
) -> None:
    team = make_team(session, "SRE", member_ids=[alice.user.id])
    schedule = make(session, alice, rotation(alice, bob), team_id=team.id)
    assert schedules.can_manage(session, alice.actor, schedule)
    assert schedules.can_manage(session, admin.actor, schedule)
    assert not schedules.can_manage(session, carol.actor, schedule)
    with pytest.raises(Forbidden):
        schedules.update(session, schedule=schedule, actor=carol.actor, name="Mine", now=utcnow())
    with pytest.raises(Forbidden):
        make(session, carol, rotation(carol), name="Theirs", team_id=team.id)
    # Bob is on the rotation: he may ask to be covered, and remove his own override.
    override = overrides_service.create_override(
        session,
        schedule=schedule,
        actor=bob.actor,
        user_id=carol.user.id,
        start=T0,
        end=T0 + HOUR,
        now=T0 - HOUR,
    )
    with pytest.raises(Forbidden):
        overrides_service.create_override(
            session,
            schedule=schedule,
            actor=viewer.actor,
            user_id=viewer.user.id,
            start=T0,
            end=T0 + HOUR,
            now=T0 - HOUR,
        )
    overrides_service.delete_override(
        session, schedule=schedule, override_id=override.id, actor=bob.actor, now=T0 - HOUR
    )
    with pytest.raises(NotFound):
        overrides_service.get_override(session, schedule=schedule, override_id=override.id)
    schedules.delete(session, schedule=schedule, actor=admin.actor)
    with pytest.raises(NotFound):
        schedules.get(session, schedule_id=schedule.id)


def test_schedules_are_found_by_id_or_name(session: Session, alice: Person) -> None:
    schedule = make(session, alice, rotation(alice), name="Database primary")
    assert schedules.get_by_ref(session, ref=str(schedule.id)) is schedule
    assert schedules.get_by_ref(session, ref="Database primary") is schedule
    with pytest.raises(NotFound):
        schedules.get_by_ref(session, ref="nothing")
    assert ANCHOR.startswith("2026-03-02")
