"""Follow-up actions: create, edit, status changes and the list across incidents."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Forbidden, Invalid, NotFound
from watchkeep.followup import service as followups
from watchkeep.incident import followups as inc_followups
from watchkeep.incident.followups import FollowUpFilter
from watchkeep.incident.models import Incident
from watchkeep.incident.timeline import list_entries

DUE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def last_entry_payload(session: Session, incident: Incident, kind: str) -> dict[str, object]:
    entries = [e for e in list_entries(session, incident_id=incident.id) if e.kind == kind]
    return sorted(entries, key=lambda e: e.id)[-1].payload


def test_creating_a_follow_up_records_it(session: Session, alice: Person, bob: Person) -> None:
    incident = make_incident(session, alice)
    follow_up = inc_followups.create(
        session,
        incident=incident,
        actor=alice.actor,
        title="  Add a canary stage  ",
        description="so that bad deploys stop early",
        owner_id=bob.user.id,
        priority="high",
        due_at=DUE,
        now=utcnow(),
    )
    assert (follow_up.title, follow_up.status, follow_up.priority, follow_up.owner_id) == (
        "Add a canary stage",
        "outstanding",
        "high",
        bob.user.id,
    )
    assert follow_up.due_at == DUE
    assert follow_up.completed_at is None
    assert last_entry_payload(session, incident, "follow_up_created") == {
        "follow_up_id": follow_up.id,
        "priority": "high",
        "owner_id": bob.user.id,
    }
    assert [f.id for f in followups.list_for_incident(session, incident_id=incident.id)] == [
        follow_up.id
    ]


def test_priority_defaults_to_medium(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    follow_up = inc_followups.create(
        session, incident=incident, actor=alice.actor, title="Alert on it", now=utcnow()
    )
    assert follow_up.priority == "medium"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": " "}, "title"),
        ({"priority": "whenever"}, "priority"),
        ({"owner_id": 987654}, "owner_id"),
    ],
)
def test_bad_follow_ups_are_invalid(
    session: Session, alice: Person, kwargs: dict[str, object], field: str
) -> None:
    incident = make_incident(session, alice)
    kwargs = {"title": "Do it", **kwargs}
    with pytest.raises(Invalid) as raised:
        inc_followups.create(session, incident=incident, actor=alice.actor, now=utcnow(), **kwargs)  # type: ignore[arg-type]
    assert raised.value.details["field"] == field
    assert followups.list_for_incident(session, incident_id=incident.id) == []


def test_a_viewer_cannot_create_follow_ups(session: Session, alice: Person, viewer: Person) -> None:
    incident = make_incident(session, alice)
    with pytest.raises(Forbidden):
        inc_followups.create(
            session, incident=incident, actor=viewer.actor, title="x", now=utcnow()
        )


def test_editing_fields_and_completing(session: Session, alice: Person, bob: Person) -> None:
    incident = make_incident(session, alice)
    follow_up = inc_followups.create(
        session, incident=incident, actor=alice.actor, title="Runbook", now=utcnow()
    )
    changed = inc_followups.update(
        session,
        incident=incident,
        follow_up_id=follow_up.id,
        actor=alice.actor,
        title="Write the runbook",
        owner_id=bob.user.id,
        priority="urgent",
        due_at=DUE,
        now=utcnow(),
    )
    assert (changed.title, changed.owner_id, changed.priority, changed.due_at) == (
        "Write the runbook",
        bob.user.id,
        "urgent",
        DUE,
    )
    assert not [
        e for e in list_entries(session, incident_id=incident.id) if e.kind == "follow_up_status"
    ]

    done = inc_followups.update(
        session,
        incident=incident,
        follow_up_id=follow_up.id,
        actor=bob.actor,
        status="completed",
        now=utcnow(),
    )
    assert done.status == "completed"
    assert done.completed_at is not None
    assert last_entry_payload(session, incident, "follow_up_status") == {
        "old": "outstanding",
        "new": "completed",
        "follow_up_id": follow_up.id,
        "reason": "",
    }
    reopened = inc_followups.update(
        session,
        incident=incident,
        follow_up_id=follow_up.id,
        actor=bob.actor,
        status="outstanding",
        now=utcnow(),
    )
    assert reopened.completed_at is None


def test_not_doing_needs_a_reason(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    follow_up = inc_followups.create(
        session, incident=incident, actor=alice.actor, title="Rewrite it", now=utcnow()
    )
    for reason in (None, "   "):
        with pytest.raises(Invalid) as raised:
            inc_followups.update(
                session,
                incident=incident,
                follow_up_id=follow_up.id,
                actor=alice.actor,
                status="not_doing",
                not_doing_reason=reason,
                now=utcnow(),
            )
        assert raised.value.details["field"] == "not_doing_reason"
    session.refresh(follow_up)
    assert follow_up.status == "outstanding"

    skipped = inc_followups.update(
        session,
        incident=incident,
        follow_up_id=follow_up.id,
        actor=alice.actor,
        status="not_doing",
        not_doing_reason=" covered by the platform migration ",
        now=utcnow(),
    )
    assert (skipped.status, skipped.not_doing_reason) == (
        "not_doing",
        "covered by the platform migration",
    )
    assert last_entry_payload(session, incident, "follow_up_status")["reason"] == (
        "covered by the platform migration"
    )
    back = inc_followups.update(
        session,
        incident=incident,
        follow_up_id=follow_up.id,
        actor=alice.actor,
        status="outstanding",
        now=utcnow(),
    )
    assert back.not_doing_reason == ""


def test_an_unknown_status_is_invalid(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    follow_up = inc_followups.create(
        session, incident=incident, actor=alice.actor, title="x", now=utcnow()
    )
    with pytest.raises(Invalid) as raised:
        inc_followups.update(
            session,
            incident=incident,
            follow_up_id=follow_up.id,
            actor=alice.actor,
            status="done",
            now=utcnow(),
        )
    assert raised.value.details["field"] == "status"


def test_a_follow_up_of_another_incident_is_not_found(session: Session, alice: Person) -> None:
    first, second = make_incident(session, alice), make_incident(session, alice)
    follow_up = inc_followups.create(
        session, incident=first, actor=alice.actor, title="x", now=utcnow()
    )
    with pytest.raises(NotFound):
        inc_followups.update(
            session,
            incident=second,
            follow_up_id=follow_up.id,
            actor=alice.actor,
            title="y",
            now=utcnow(),
        )
    with pytest.raises(NotFound):
        followups.get(session, follow_up_id=987654)
    assert followups.get(session, follow_up_id=follow_up.id).title == "x"


def test_list_all_filters_by_status_owner_and_priority(
    session: Session, alice: Person, bob: Person
) -> None:
    first, second = make_incident(session, alice), make_incident(session, alice)
    a = inc_followups.create(
        session, incident=first, actor=alice.actor, title="a", priority="high", now=utcnow()
    )
    b = inc_followups.create(
        session,
        incident=second,
        actor=alice.actor,
        title="b",
        owner_id=bob.user.id,
        due_at=DUE,
        now=utcnow(),
    )
    c = inc_followups.create(
        session, incident=second, actor=alice.actor, title="c", owner_id=bob.user.id, now=utcnow()
    )
    inc_followups.update(
        session,
        incident=second,
        follow_up_id=c.id,
        actor=bob.actor,
        status="completed",
        now=utcnow(),
    )

    def titles(**kwargs: object) -> list[str]:
        rows = inc_followups.list_all(session, actor=alice.actor, flt=FollowUpFilter(**kwargs))  # type: ignore[arg-type]
        return [f.title for f, _ in rows]

    assert sorted(titles()) == ["a", "b", "c"]
    assert sorted(titles(status="outstanding")) == ["a", "b"]
    assert titles(status="completed") == ["c"]
    assert sorted(titles(owner_id=bob.user.id)) == ["b", "c"]
    assert titles(priority="high") == ["a"]
    assert titles(status="outstanding", owner_id=bob.user.id) == ["b"]
    # Each row carries its incident.
    rows = inc_followups.list_all(session, actor=alice.actor, flt=FollowUpFilter(priority="high"))
    assert [(f.id, i.id) for f, i in rows] == [(a.id, first.id)]
    # Outstanding with a due date first.
    assert titles(status="outstanding")[0] == b.title


@pytest.mark.parametrize(("status", "priority"), [("done", None), (None, "asap")])
def test_list_all_rejects_unknown_filters(
    session: Session, alice: Person, status: str | None, priority: str | None
) -> None:
    with pytest.raises(Invalid):
        inc_followups.list_all(
            session, actor=alice.actor, flt=FollowUpFilter(status=status, priority=priority)
        )
