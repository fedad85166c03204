"""Problem records: create, change (one event per change), find, and move through the lifecycle."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, make_service, make_team

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Forbidden, Invalid, InvalidTransition, NotFound
from watchkeep.problem import rca
from watchkeep.problem import service as problems
from watchkeep.problem.models import Problem
from watchkeep.problem.service import ProblemFilter
from watchkeep.problem.timeline import list_events

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def kinds(session: Session, problem: Problem) -> list[str]:
    return [e.kind for e in list_events(session, problem_id=problem.id)]


def test_create_numbers_problems_and_records_who_opened_it(session: Session, alice: Person) -> None:
    db, api = make_service(session, "db"), make_service(session, "api")
    team = make_team(session, "Storage")
    first = problems.create(
        session,
        actor=alice.actor,
        title="  Replica lag  ",
        description="Replicas fall behind at night",
        priority="high",
        owner_id=alice.user.id,
        team_id=team.id,
        service_ids=[db.id, api.id],
        now=T0,
    )
    second = problems.create(session, actor=alice.actor, title="Another", now=utcnow())
    assert second.number == first.number + 1
    assert first.reference == f"PRB-{first.number}"
    assert (first.title, first.state, first.priority) == ("Replica lag", "new", "high")
    assert [s.name for s in first.services] == ["api", "db"]
    assert (first.owner_id, first.team_id, first.created_by_id) == (
        alice.user.id,
        team.id,
        alice.user.id,
    )
    assert first.created_at == first.updated_at == T0
    [event] = list_events(session, problem_id=first.id)
    assert (event.kind, event.actor_id, event.occurred_at) == ("created", alice.user.id, T0)
    assert event.title == "Alice opened the problem"
    assert problems.get(session, ref=first.reference).id == first.id
    assert problems.get(session, ref=str(first.number)).id == first.id
    assert problems.get(session, ref=f"prb-{first.number}").id == first.id


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        ({"title": "   "}, "title must not be empty", "title"),
        ({"priority": "p1"}, "priority must be one of urgent, high, medium, low", "priority"),
        ({"owner_id": 987654}, "owner 987654 does not exist", "owner_id"),
        ({"service_ids": [987654]}, "unknown service ids: [987654]", "service_ids"),
    ],
)
def test_create_refuses_bad_fields_and_names_them(
    session: Session, alice: Person, fields: dict[str, object], error: str, field: str
) -> None:
    args: dict[str, object] = {"title": "Replica lag", **fields}
    with pytest.raises(Invalid) as raised:
        problems.create(session, actor=alice.actor, now=utcnow(), **args)  # type: ignore[arg-type]
    assert raised.value.message == error
    assert raised.value.details["field"] == field


def test_an_unknown_team_is_invalid_and_an_unknown_reference_not_found(
    session: Session, alice: Person
) -> None:
    with pytest.raises(Invalid, match="team 987654 does not exist"):
        problems.create(session, actor=alice.actor, title="x", team_id=987654, now=utcnow())
    with pytest.raises(NotFound, match="problem PRB-987654 does not exist"):
        problems.get(session, ref="PRB-987654")
    with pytest.raises(NotFound, match="'INC-3' is not a problem reference; use PRB-<number>"):
        problems.get(session, ref="INC-3")


def test_viewers_cannot_open_change_or_move_problems(
    session: Session, alice: Person, viewer: Person
) -> None:
    problem = problems.create(session, actor=alice.actor, title="Replica lag", now=utcnow())
    with pytest.raises(Forbidden, match="this needs the responder role; you act as viewer"):
        problems.create(session, actor=viewer.actor, title="Mine", now=utcnow())
    with pytest.raises(Forbidden):
        problems.update(session, problem=problem, actor=viewer.actor, title="Theirs", now=utcnow())
    with pytest.raises(Forbidden):
        problems.transition(
            session, problem=problem, actor=viewer.actor, state="investigating", now=utcnow()
        )
    assert (problem.title, problem.state) == ("Replica lag", "new")


def test_update_records_one_event_per_change_with_old_and_new(
    session: Session, alice: Person, bob: Person
) -> None:
    db, api = make_service(session, "db"), make_service(session, "api")
    team = make_team(session, "Storage")
    problem = problems.create(
        session, actor=alice.actor, title="Replica lag", service_ids=[db.id], now=utcnow()
    )
    problems.update(
        session,
        problem=problem,
        actor=bob.actor,
        title="Replica lag at night",
        description="Nightly batch",
        priority="urgent",
        owner_id=bob.user.id,
        team_id=team.id,
        service_ids=[db.id, api.id],
        now=utcnow(),
    )
    changed = {
        e.kind: e for e in list_events(session, problem_id=problem.id) if e.kind != "created"
    }
    assert {kind: (e.payload["old"], e.payload["new"]) for kind, e in changed.items()} == {
        "title_changed": ("Replica lag", "Replica lag at night"),
        "description_changed": ("", "Nightly batch"),
        "priority_changed": ("medium", "urgent"),
        "owner_changed": (None, "Bob"),
        "team_changed": (None, "Storage"),
        "services_changed": (["db"], ["api", "db"]),
    }
    assert {e.actor_id for e in changed.values()} == {bob.user.id}
    assert changed["owner_changed"].title == "Owner changed"
    assert (problem.owner.name, problem.team.name) == ("Bob", "Storage")
    assert changed["priority_changed"].title == "Priority changed"


def test_update_without_a_real_change_records_nothing(session: Session, alice: Person) -> None:
    db = make_service(session, "db")
    problem = problems.create(
        session,
        actor=alice.actor,
        title="Replica lag",
        priority="high",
        service_ids=[db.id],
        now=utcnow(),
    )
    problems.update(
        session,
        problem=problem,
        actor=alice.actor,
        title=" Replica lag ",
        priority="high",
        description="",
        service_ids=[db.id],
        now=utcnow(),
    )
    assert kinds(session, problem) == ["created"]


def test_update_refuses_bad_values(session: Session, alice: Person) -> None:
    problem = problems.create(session, actor=alice.actor, title="Replica lag", now=utcnow())
    with pytest.raises(Invalid, match="title must not be empty"):
        problems.update(session, problem=problem, actor=alice.actor, title=" ", now=utcnow())
    with pytest.raises(Invalid, match="priority must be one of"):
        problems.update(session, problem=problem, actor=alice.actor, priority="p0", now=utcnow())
    with pytest.raises(Invalid, match="owner 987654 does not exist"):
        problems.update(session, problem=problem, actor=alice.actor, owner_id=987654, now=utcnow())
    with pytest.raises(Invalid, match="team 987654 does not exist"):
        problems.update(session, problem=problem, actor=alice.actor, team_id=987654, now=utcnow())
    assert (problem.title, problem.priority, problem.owner_id) == ("Replica lag", "medium", None)
    assert kinds(session, problem) == ["created"]


def test_the_whole_path_stamps_its_timestamps(session: Session, alice: Person) -> None:
    problem = problems.create(session, actor=alice.actor, title="Replica lag", now=T0)
    rca.set_root_cause(
        session, problem=problem, actor=alice.actor, statement="WAL stalls", now=utcnow()
    )
    steps = [
        ("investigating", T0 + timedelta(hours=1)),
        ("root_cause_identified", T0 + timedelta(hours=2)),
        ("known_error", T0 + timedelta(hours=3)),
        ("fix_in_progress", T0 + timedelta(hours=4)),
        ("resolved", T0 + timedelta(hours=5)),
        ("closed", T0 + timedelta(hours=6)),
    ]
    for state, at in steps:
        problems.transition(session, problem=problem, actor=alice.actor, state=state, now=at)
        assert problem.state == state
    assert problem.root_cause_identified_at == T0 + timedelta(hours=2)  # kept, not moved on
    assert problem.resolved_at == T0 + timedelta(hours=5)
    assert problem.closed_at == T0 + timedelta(hours=6)
    moves = [e for e in list_events(session, problem_id=problem.id) if e.kind == "state_changed"]
    assert [(e.payload["old"], e.payload["new"]) for e in moves] == [
        ("new", "investigating"),
        ("investigating", "root_cause_identified"),
        ("root_cause_identified", "known_error"),
        ("known_error", "fix_in_progress"),
        ("fix_in_progress", "resolved"),
        ("resolved", "closed"),
    ]
    assert [e.occurred_at for e in moves] == [at for _, at in steps]
    assert moves[0].title == "State changed from new to investigating"
    assert problem.updated_at == T0 + timedelta(hours=6)


def test_root_cause_identified_needs_a_statement(session: Session, alice: Person) -> None:
    problem = problems.create(session, actor=alice.actor, title="Replica lag", now=utcnow())
    problems.transition(
        session, problem=problem, actor=alice.actor, state="investigating", now=utcnow()
    )
    rca.set_root_cause(session, problem=problem, actor=alice.actor, statement="   ", now=utcnow())
    with pytest.raises(Invalid) as raised:
        problems.transition(
            session, problem=problem, actor=alice.actor, state="root_cause_identified", now=utcnow()
        )
    assert raised.value.message == "write the root-cause statement before marking it identified"
    assert raised.value.details == {"field": "root_cause"}
    assert (problem.state, problem.root_cause_identified_at) == ("investigating", None)


def test_a_workaround_before_the_root_cause_is_not_an_identification(
    session: Session, alice: Person
) -> None:
    problem = problems.create(session, actor=alice.actor, title="Replica lag", now=T0)
    problems.transition(session, problem=problem, actor=alice.actor, state="investigating", now=T0)
    at = T0 + timedelta(days=1)
    problems.transition(session, problem=problem, actor=alice.actor, state="known_error", now=at)
    assert problem.root_cause_identified_at is None


def test_a_known_error_with_a_root_cause_statement_stamps_the_identification(
    session: Session, alice: Person
) -> None:
    problem = problems.create(session, actor=alice.actor, title="Replica lag", now=T0)
    problems.transition(session, problem=problem, actor=alice.actor, state="investigating", now=T0)
    rca.set_root_cause(
        session, problem=problem, actor=alice.actor, statement="WAL stalls", now=utcnow()
    )
    at = T0 + timedelta(days=1)
    problems.transition(session, problem=problem, actor=alice.actor, state="known_error", now=at)
    assert problem.root_cause_identified_at == at


def test_reopening_a_resolved_problem_clears_resolved_at(session: Session, alice: Person) -> None:
    problem = problems.create(session, actor=alice.actor, title="Replica lag", now=T0)
    for state in ("investigating", "known_error", "resolved"):
        problems.transition(session, problem=problem, actor=alice.actor, state=state, now=T0)
    assert problem.resolved_at == T0
    problems.transition(
        session, problem=problem, actor=alice.actor, state="investigating", now=utcnow()
    )
    assert (problem.state, problem.resolved_at, problem.closed_at) == ("investigating", None, None)
    later = T0 + timedelta(days=3)
    for state in ("known_error", "resolved"):
        problems.transition(session, problem=problem, actor=alice.actor, state=state, now=later)
    assert problem.resolved_at == later
    assert problem.root_cause_identified_at is None  # no root-cause statement was written


def test_a_refused_move_changes_nothing_and_names_the_allowed_states(
    session: Session, alice: Person
) -> None:
    problem = problems.create(session, actor=alice.actor, title="Replica lag", now=utcnow())
    with pytest.raises(InvalidTransition) as raised:
        problems.transition(
            session, problem=problem, actor=alice.actor, state="resolved", now=utcnow()
        )
    assert raised.value.details["allowed"] == ["canceled", "investigating"]
    with pytest.raises(Invalid, match="unknown problem state 'fixed'"):
        problems.transition(
            session, problem=problem, actor=alice.actor, state="fixed", now=utcnow()
        )
    problems.transition(session, problem=problem, actor=alice.actor, state="canceled", now=utcnow())
    with pytest.raises(InvalidTransition, match="allowed next: none"):
        problems.transition(
            session, problem=problem, actor=alice.actor, state="investigating", now=utcnow()
        )
    assert (problem.state, problem.resolved_at, problem.closed_at) == ("canceled", None, None)
    assert kinds(session, problem) == ["created", "state_changed"]


def test_list_filters_by_state_priority_service_and_text(session: Session, alice: Person) -> None:
    db, api = make_service(session, "db"), make_service(session, "api")
    lag = problems.create(
        session,
        actor=alice.actor,
        title="Replica lag",
        priority="high",
        service_ids=[db.id],
        now=utcnow(),
    )
    tls = problems.create(
        session,
        actor=alice.actor,
        title="TLS expiry",
        description="certs 100% expired",
        now=utcnow(),
    )
    pool = problems.create(
        session, actor=alice.actor, title="Pool exhaustion", service_ids=[api.id], now=utcnow()
    )
    rca.set_root_cause(
        session, problem=pool, actor=alice.actor, statement="pool_size too small", now=utcnow()
    )
    problems.transition(session, problem=tls, actor=alice.actor, state="canceled", now=utcnow())

    def refs(**flt: object) -> list[str]:
        rows, _ = problems.list_problems(session, flt=ProblemFilter(**flt))  # type: ignore[arg-type]
        return sorted(p.reference for p in rows)

    assert refs() == sorted([lag.reference, tls.reference, pool.reference])
    assert refs(open_only=True) == sorted([lag.reference, pool.reference])
    assert refs(states=("canceled",)) == [tls.reference]
    assert refs(states=("canceled", "new"), open_only=True) == sorted(
        [lag.reference, pool.reference]
    )
    assert refs(priority="high") == [lag.reference]
    assert refs(service_id=api.id) == [pool.reference]
    assert refs(text="REPLICA") == [lag.reference]
    assert refs(text="100%") == [tls.reference]  # a literal percent, not a wildcard
    assert refs(text="pool_size") == [pool.reference]  # the root cause is searched too
    with pytest.raises(Invalid, match="unknown problem state 'open'"):
        refs(states=("open",))


def test_list_pages_most_recently_changed_first(session: Session, alice: Person) -> None:
    made = [
        problems.create(session, actor=alice.actor, title=f"P{n}", now=T0 + timedelta(minutes=n))
        for n in range(5)
    ]
    problems.update(session, problem=made[0], actor=alice.actor, title="P0 again", now=utcnow())
    first, more = problems.list_problems(session, flt=ProblemFilter(), limit=2)
    assert [p.title for p in first] == ["P0 again", "P4"]
    assert more is True
    rest, more = problems.list_problems(session, flt=ProblemFilter(), limit=2, offset=4)
    assert [p.title for p in rest] == ["P1"]
    assert more is False
