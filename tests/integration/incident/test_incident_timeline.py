"""Timeline notes, pins and audited edits."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid, NotFound
from watchkeep.incident import timeline

NOW = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)


def test_a_note_takes_its_title_from_the_first_line(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    entry = timeline.add_note(
        session,
        incident=incident,
        actor=alice.actor,
        text="  Rolled back deploy 42\n\nError rate is dropping.  ",
        now=utcnow(),
    )
    assert (entry.kind, entry.title, entry.description) == (
        "note",
        "Rolled back deploy 42",
        "Error rate is dropping.",
    )
    assert entry.actor_id == alice.user.id
    assert entry.pinned is False
    assert timeline.list_entries(session, incident_id=incident.id)[-1].id == entry.id


def test_an_empty_note_is_invalid(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    with pytest.raises(Invalid) as raised:
        timeline.add_note(session, incident=incident, actor=alice.actor, text=" \n ", now=utcnow())
    assert raised.value.details["field"] == "text"


def test_entries_are_listed_in_the_order_things_happened(session: Session, alice: Person) -> None:
    now = utcnow()
    incident = make_incident(session, alice, now=now - timedelta(hours=2))
    later = timeline.add_note(
        session,
        incident=incident,
        actor=alice.actor,
        text="later",
        occurred_at=now - timedelta(minutes=1),
        now=now,
    )
    earlier = timeline.add_note(
        session,
        incident=incident,
        actor=alice.actor,
        text="first alert",
        occurred_at=now - timedelta(hours=2, minutes=10),
        now=now,
    )
    ids = [e.id for e in timeline.list_entries(session, incident_id=incident.id)]
    assert ids[0] == earlier.id
    assert ids[-1] == later.id


def test_pinned_entries_can_be_listed_alone(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    key = timeline.add_note(
        session, incident=incident, actor=alice.actor, text="Root cause", pinned=True, now=utcnow()
    )
    other = timeline.add_note(
        session, incident=incident, actor=alice.actor, text="chatter", now=utcnow()
    )
    assert [
        e.id for e in timeline.list_entries(session, incident_id=incident.id, pinned_only=True)
    ] == [key.id]
    timeline.set_pinned(
        session, incident=incident, entry_id=other.id, pinned=True, actor=alice.actor, now=utcnow()
    )
    timeline.set_pinned(
        session, incident=incident, entry_id=key.id, pinned=False, actor=alice.actor, now=utcnow()
    )
    assert [
        e.id for e in timeline.list_entries(session, incident_id=incident.id, pinned_only=True)
    ] == [other.id]


def test_editing_keeps_what_the_entry_said_before(
    session: Session, alice: Person, bob: Person
) -> None:
    incident = make_incident(session, alice, now=NOW)
    entry = timeline.add_note(
        session,
        incident=incident,
        actor=alice.actor,
        text="Restarted db\nprimary only",
        occurred_at=NOW,
        now=utcnow(),
    )
    timeline.edit_entry(
        session,
        incident=incident,
        entry_id=entry.id,
        actor=bob.actor,
        title="Restarted db-1",
        occurred_at=NOW - timedelta(minutes=5),
        now=utcnow(),
    )
    edited = timeline.edit_entry(
        session,
        incident=incident,
        entry_id=entry.id,
        actor=alice.actor,
        description="both nodes",
        now=utcnow(),
    )
    assert (edited.title, edited.description, edited.occurred_at) == (
        "Restarted db-1",
        "both nodes",
        NOW - timedelta(minutes=5),
    )
    assert [(e.editor_id, e.before, e.after) for e in edited.edits] == [
        (
            bob.user.id,
            {"title": "Restarted db", "occurred_at": NOW.isoformat()},
            {"title": "Restarted db-1", "occurred_at": (NOW - timedelta(minutes=5)).isoformat()},
        ),
        (alice.user.id, {"description": "primary only"}, {"description": "both nodes"}),
    ]
    session.expire_all()
    (reloaded,) = [
        e for e in timeline.list_entries(session, incident_id=incident.id) if e.id == entry.id
    ]
    assert len(reloaded.edits) == 2


def test_an_edit_that_changes_nothing_is_not_audited(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    entry = timeline.add_note(
        session, incident=incident, actor=alice.actor, text="Same", now=utcnow()
    )
    edited = timeline.edit_entry(
        session,
        incident=incident,
        entry_id=entry.id,
        actor=alice.actor,
        title="Same",
        description="",
        now=utcnow(),
    )
    assert edited.edits == []


def test_an_edit_cannot_blank_the_title(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    entry = timeline.add_note(
        session, incident=incident, actor=alice.actor, text="Keep me", now=utcnow()
    )
    with pytest.raises(Invalid) as raised:
        timeline.edit_entry(
            session,
            incident=incident,
            entry_id=entry.id,
            actor=alice.actor,
            title=" ",
            now=utcnow(),
        )
    assert raised.value.details["field"] == "title"
    assert entry.title == "Keep me"


def test_entries_of_another_incident_are_not_found(session: Session, alice: Person) -> None:
    first = make_incident(session, alice)
    second = make_incident(session, alice)
    entry = timeline.add_note(session, incident=first, actor=alice.actor, text="mine", now=utcnow())
    with pytest.raises(NotFound):
        timeline.edit_entry(
            session, incident=second, entry_id=entry.id, actor=alice.actor, title="x", now=utcnow()
        )
    with pytest.raises(NotFound):
        timeline.set_pinned(
            session,
            incident=second,
            entry_id=entry.id,
            pinned=True,
            actor=alice.actor,
            now=utcnow(),
        )
    with pytest.raises(NotFound):
        timeline.set_pinned(
            session, incident=first, entry_id=987654, pinned=True, actor=alice.actor, now=utcnow()
        )
    assert (entry.title, entry.pinned) == ("mine", False)
