"""Known errors (create, edit, search) and the problem's actions on the incidents' follow-ups."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session
from tests.factories import (
    Person,
    make_action,
    make_follow_up,
    make_incident,
    make_known_error,
    make_problem,
)

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Forbidden, Invalid, NotFound
from watchkeep.followup import service as incident_followups
from watchkeep.followup.models import FollowUp
from watchkeep.incident import followups as inc_followups
from watchkeep.incident.followups import FollowUpFilter
from watchkeep.problem import followups, known_errors
from watchkeep.problem.models import Problem
from watchkeep.problem.timeline import list_events

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def problem(session: Session, alice: Person) -> Problem:
    return make_problem(session, alice, title="Consumer group stuck", now=T0)


def test_create_a_known_error_for_a_problem(
    session: Session, alice: Person, problem: Problem
) -> None:
    known = known_errors.create(
        session,
        actor=alice.actor,
        problem=problem,
        title=" Consumer group stuck ",
        symptoms=" lag grows on orders ",
        workaround=[" Restart the consumer group ", "", "Check the lag drains"],
        fix_status="planned",
        fix_link="https://git.example.com/pr/12",
        alert_names=["KafkaLag", " KafkaLag ", "", "ConsumerDown"],
        now=T0,
    )
    assert known.reference == f"KE-{known.number}"
    assert (known.title, known.symptoms) == ("Consumer group stuck", "lag grows on orders")
    assert known.workaround == ["Restart the consumer group", "Check the lag drains"]
    assert (known.fix_status, known.fix_link) == ("planned", "https://git.example.com/pr/12")
    assert known.alert_names == ["ConsumerDown", "KafkaLag"]
    assert (known.active, known.created_at, known.updated_at) == (True, T0, T0)
    assert known.problem_id == problem.id
    assert known_errors.get(session, ref=known.reference).id == known.id
    assert known_errors.get(session, ref=known.number).id == known.id
    assert [k.id for k in known_errors.for_problem(session, problem_id=problem.id)] == [known.id]
    event = list_events(session, problem_id=problem.id)[-1]
    assert (event.kind, event.title) == (
        "known_error_recorded",
        f"Known error {known.reference} recorded: Consumer group stuck",
    )


def test_a_known_error_without_a_problem_is_numbered_on(session: Session, alice: Person) -> None:
    first = known_errors.create(
        session, actor=alice.actor, title="A", symptoms="a", workaround=["x"], now=utcnow()
    )
    second = known_errors.create(
        session, actor=alice.actor, title="B", symptoms="b", workaround=["y"], now=utcnow()
    )
    assert second.number == first.number + 1
    assert (first.problem_id, first.fix_status, first.fix_link) == (None, "none", "")


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        ({"title": " "}, "title must not be empty", "title"),
        ({"symptoms": ""}, "describe the symptoms so that it can be recognised", "symptoms"),
        ({"workaround": [" ", ""]}, "a known error needs at least one workaround step",
         "workaround"),
        ({"fix_status": "done"}, "fix_status must be one of none, planned, in_progress, released",
         "fix_status"),
        ({"fix_link": "javascript:alert(1)"}, "fix_link must be an http(s) URL", "fix_link"),
        ({"fix_link": "https://"}, "fix_link must be an http(s) URL", "fix_link"),
    ],
)  # fmt: skip
def test_create_refuses_bad_fields_and_names_them(
    session: Session, alice: Person, fields: dict[str, object], message: str, field: str
) -> None:
    args: dict[str, object] = {"title": "T", "symptoms": "s", "workaround": ["w"], **fields}
    with pytest.raises(Invalid) as raised:
        known_errors.create(session, actor=alice.actor, now=T0, **args)  # type: ignore[arg-type]
    assert (raised.value.message, raised.value.details) == (message, {"field": field})
    assert known_errors.search(session) == []


def test_update_changes_fields_and_notes_fix_status_on_the_problem(
    session: Session, alice: Person, bob: Person, problem: Problem
) -> None:
    known = make_known_error(
        session, alice, problem=problem, title="T", symptoms="s", workaround=["w"]
    )
    before = known.updated_at
    known_errors.update(
        session,
        known=known,
        actor=bob.actor,
        title="Consumer stuck",
        symptoms="lag",
        workaround=["Restart", " "],
        fix_status="in_progress",
        fix_link="http://fix.example.com/1",
        alert_names=["B", "A", "A"],
        active=False,
        now=utcnow(),
    )
    assert (known.title, known.symptoms, known.workaround) == ("Consumer stuck", "lag", ["Restart"])
    assert (known.fix_status, known.fix_link, known.alert_names, known.active) == (
        "in_progress",
        "http://fix.example.com/1",
        ["A", "B"],
        False,
    )
    assert known.updated_at >= before
    event = list_events(session, problem_id=problem.id)[-1]
    assert (event.kind, event.title, event.actor_id) == (
        "fix_status_changed",
        f"{known.reference} fix is now in progress",
        bob.user.id,
    )
    assert event.payload == {"old": "none", "new": "in_progress"}
    known_errors.update(
        session, known=known, actor=bob.actor, fix_status="in_progress", now=utcnow()
    )
    assert [e.kind for e in list_events(session, problem_id=problem.id)].count(
        "fix_status_changed"
    ) == 1
    known_errors.update(session, known=known, actor=bob.actor, fix_link="", now=utcnow())
    assert known.fix_link == ""


def test_update_refuses_bad_values_and_viewers(
    session: Session, alice: Person, viewer: Person
) -> None:
    known = make_known_error(session, alice, title="T", symptoms="s", workaround=["w"])
    for fields, message in (
        ({"title": ""}, "title must not be empty"),
        ({"symptoms": " "}, "describe the symptoms"),
        ({"workaround": []}, "at least one workaround step"),
        ({"fix_status": "shipped"}, "fix_status must be one of"),
        ({"fix_link": "ftp://x.example.com"}, "fix_link must be an http(s) URL"),
    ):
        with pytest.raises(Invalid, match=re.escape(message)):
            known_errors.update(session, known=known, actor=alice.actor, now=T0, **fields)  # type: ignore[arg-type]
    with pytest.raises(Forbidden):
        known_errors.update(session, known=known, actor=viewer.actor, title="Mine", now=utcnow())
    with pytest.raises(Forbidden):
        known_errors.create(
            session, actor=viewer.actor, title="T", symptoms="s", workaround=["w"], now=utcnow()
        )
    assert (known.title, known.symptoms, known.workaround) == ("T", "s", ["w"])


def test_search_finds_text_in_title_or_symptoms_newest_first(
    session: Session, alice: Person
) -> None:
    def make(title: str, symptoms: str) -> str:
        return make_known_error(
            session, alice, title=title, symptoms=symptoms, workaround=["w"]
        ).reference

    stuck = make("Consumer group stuck", "lag grows")
    cert = make("Expired certificate", "TLS handshake fails; 100% of calls")
    disk = make("Disk full", "writes fail on the consumer host")
    retired = make("Old consumer bug", "lag")
    known_errors.update(
        session,
        known=known_errors.get(session, ref=retired),
        actor=alice.actor,
        active=False,
        now=utcnow(),
    )

    def refs(**kwargs: object) -> list[str]:
        return [k.reference for k in known_errors.search(session, **kwargs)]  # type: ignore[arg-type]

    assert refs() == [retired, disk, cert, stuck]
    assert refs(text="CONSUMER") == [retired, disk, stuck]
    assert refs(text="consumer", active_only=True) == [disk, stuck]
    assert refs(text="100%") == [cert]
    assert refs(text="10_%") == []
    assert refs(text="  ") == [retired, disk, cert, stuck]
    assert refs(limit=2) == [retired, disk]


def test_unknown_known_error_references_are_not_found(session: Session) -> None:
    with pytest.raises(NotFound, match="known error KE-987654 does not exist"):
        known_errors.get(session, ref="KE-987654")
    with pytest.raises(NotFound, match="'PRB-1' is not a known-error reference; use KE-<number>"):
        known_errors.get(session, ref="PRB-1")


# --- follow-ups: one model for incidents and problems ---------------------------------------


def test_problem_actions_are_follow_ups_like_the_incidents_ones(
    session: Session, alice: Person, bob: Person, problem: Problem
) -> None:
    incident = make_incident(session, alice)
    on_incident = inc_followups.create(
        session, actor=alice.actor, incident=incident, title="Fix the alert", now=utcnow()
    )
    action = followups.add(
        session,
        problem=problem,
        actor=alice.actor,
        title="Add retention",
        owner_id=bob.user.id,
        priority="high",
        action_type="preventive",
        due_at=T0,
        now=utcnow(),
    )
    assert isinstance(action, FollowUp) and isinstance(on_incident, FollowUp)
    assert (action.problem_id, action.incident_id) == (problem.id, None)
    assert (action.action_type, action.priority, action.owner_id, action.status) == (
        "preventive",
        "high",
        bob.user.id,
        "outstanding",
    )
    assert [f.id for f in incident_followups.list_for_problem(session, problem_id=problem.id)] == [
        action.id
    ]
    everything = inc_followups.list_all(session, actor=bob.actor, flt=FollowUpFilter())
    assert {(f.id, i.id if i else None) for f, i in everything} == {
        (action.id, None),
        (on_incident.id, incident.id),
    }
    preventive = inc_followups.list_all(
        session, actor=bob.actor, flt=FollowUpFilter(action_type="preventive")
    )
    assert [f.id for f, _ in preventive] == [action.id]
    event = list_events(session, problem_id=problem.id)[-1]
    assert (event.kind, event.title, event.payload) == (
        "follow_up_created",
        "Preventive action added: Add retention",
        {"follow_up_id": action.id, "action_type": "preventive"},
    )


def test_every_action_type_and_a_wrong_one(
    session: Session, alice: Person, problem: Problem
) -> None:
    for action_type in ("corrective", "preventive", "detective", "other"):
        followups.add(
            session,
            problem=problem,
            actor=alice.actor,
            title=action_type,
            action_type=action_type,
            now=utcnow(),
        )
    with pytest.raises(Invalid) as raised:
        followups.add(
            session,
            problem=problem,
            actor=alice.actor,
            title="x",
            action_type="punitive",
            now=utcnow(),
        )
    assert raised.value.message == (
        "action_type must be one of corrective, preventive, detective, other"
    )
    assert len(incident_followups.list_for_problem(session, problem_id=problem.id)) == 4


def test_status_changes_of_a_problem_action_go_on_its_timeline(
    session: Session, alice: Person, viewer: Person, problem: Problem
) -> None:
    action = followups.add(
        session, problem=problem, actor=alice.actor, title="Add retention", now=utcnow()
    )
    followups.change(
        session,
        problem=problem,
        actor=alice.actor,
        follow_up_id=action.id,
        priority="low",
        now=utcnow(),
    )
    followups.change(
        session,
        problem=problem,
        actor=alice.actor,
        follow_up_id=action.id,
        status="completed",
        now=utcnow(),
    )
    assert (action.status, action.priority) == ("completed", "low")
    assert action.completed_at is not None
    with pytest.raises(Invalid, match="say why it is not being done"):
        followups.change(
            session,
            problem=problem,
            actor=alice.actor,
            follow_up_id=action.id,
            status="not_doing",
            now=utcnow(),
        )
    followups.change(
        session,
        problem=problem,
        actor=alice.actor,
        follow_up_id=action.id,
        status="not_doing",
        not_doing_reason="Replaced by a new cluster",
        now=utcnow(),
    )
    statuses = [
        e for e in list_events(session, problem_id=problem.id) if e.kind == "follow_up_status"
    ]
    assert [(e.payload["old"], e.payload["new"], e.payload["reason"]) for e in statuses] == [
        ("outstanding", "completed", ""),
        ("completed", "not_doing", "Replaced by a new cluster"),
    ]
    assert statuses[0].title == "Action “Add retention” is now completed"
    with pytest.raises(Forbidden):
        followups.change(
            session,
            problem=problem,
            actor=viewer.actor,
            follow_up_id=action.id,
            title="Mine",
            now=utcnow(),
        )
    with pytest.raises(Forbidden):
        followups.add(session, problem=problem, actor=viewer.actor, title="Mine", now=utcnow())


def test_an_action_of_another_problem_or_incident_is_not_found(
    session: Session, alice: Person, problem: Problem
) -> None:
    other = make_problem(session, alice, title="Other")
    theirs = make_action(session, alice, other, title="Theirs")
    incident = make_incident(session, alice)
    on_incident = make_follow_up(session, alice, incident, title="Incident's")
    for follow_up_id in (theirs.id, on_incident.id, 987654):
        with pytest.raises(NotFound, match=f"follow-up {follow_up_id} does not exist"):
            followups.change(
                session,
                problem=problem,
                actor=alice.actor,
                follow_up_id=follow_up_id,
                title="x",
                now=utcnow(),
            )
    assert (theirs.title, on_incident.title) == ("Theirs", "Incident's")
