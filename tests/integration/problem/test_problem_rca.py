"""Root-cause analysis on a problem: 5 whys, contributing factors, statement; each with history."""

import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, make_problem

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Forbidden, Invalid, NotFound
from watchkeep.problem import rca
from watchkeep.problem.models import Problem, ProblemEvent
from watchkeep.problem.timeline import list_events


@pytest.fixture
def problem(session: Session, alice: Person) -> Problem:
    return make_problem(session, alice, title="Replica lag")


def events_of(session: Session, problem: Problem, kind: str) -> list[ProblemEvent]:
    return [e for e in list_events(session, problem_id=problem.id) if e.kind == kind]


def chain(session: Session, problem: Problem) -> list[tuple[int, str, str]]:
    return [(w.position, w.question, w.answer) for w in rca.whys(session, problem_id=problem.id)]


def test_whys_are_replaced_and_the_old_chain_stays_on_the_timeline(
    session: Session, alice: Person, bob: Person, problem: Problem
) -> None:
    first = [("Why stale reads?", "Replica lag"), ("Why lag?", "WAL archiving stalls")]
    rca.set_whys(session, problem=problem, actor=alice.actor, steps=first, now=utcnow())
    assert chain(session, problem) == [
        (1, "Why stale reads?", "Replica lag"),
        (2, "Why lag?", "WAL archiving stalls"),
    ]
    second = [(" Why lag? ", " Disk full "), ("Why full?", "No retention"), ("Why?", "Nobody")]
    rca.set_whys(session, problem=problem, actor=bob.actor, steps=second, now=utcnow())
    assert chain(session, problem) == [
        (1, "Why lag?", "Disk full"),
        (2, "Why full?", "No retention"),
        (3, "Why?", "Nobody"),
    ]
    history = events_of(session, problem, "whys_changed")
    assert [(e.payload["old"], e.payload["new"]) for e in history] == [
        ([], [list(step) for step in first]),
        (
            [list(step) for step in first],
            [["Why lag?", "Disk full"], ["Why full?", "No retention"], ["Why?", "Nobody"]],
        ),
    ]
    assert history[-1].title == "5-whys chain edited (3 steps)"
    assert history[-1].actor_id == bob.user.id

    rca.set_whys(session, problem=problem, actor=bob.actor, steps=[], now=utcnow())
    assert chain(session, problem) == []
    assert len(events_of(session, problem, "whys_changed")) == 3


def test_the_same_chain_again_records_nothing(
    session: Session, alice: Person, problem: Problem
) -> None:
    steps = [("Why?", "Because")]
    rca.set_whys(session, problem=problem, actor=alice.actor, steps=steps, now=utcnow())
    rca.set_whys(
        session, problem=problem, actor=alice.actor, steps=[(" Why? ", "Because ")], now=utcnow()
    )
    assert len(events_of(session, problem, "whys_changed")) == 1


def test_whys_refuse_half_steps_long_chains_and_viewers(
    session: Session, alice: Person, viewer: Person, problem: Problem
) -> None:
    rca.set_whys(
        session, problem=problem, actor=alice.actor, steps=[("Why?", "Because")], now=utcnow()
    )
    with pytest.raises(Invalid, match="step 2 needs both a question and an answer"):
        rca.set_whys(
            session,
            problem=problem,
            actor=alice.actor,
            steps=[("a", "b"), ("Why?", "  ")],
            now=utcnow(),
        )
    with pytest.raises(Invalid, match="a whys chain has at most 10 steps"):
        rca.set_whys(
            session, problem=problem, actor=alice.actor, steps=[("q", "a")] * 11, now=utcnow()
        )
    with pytest.raises(Forbidden):
        rca.set_whys(session, problem=problem, actor=viewer.actor, steps=[], now=utcnow())
    assert chain(session, problem) == [(1, "Why?", "Because")]


def test_factors_are_added_and_removed_with_their_category(
    session: Session, alice: Person, problem: Problem
) -> None:
    tech = rca.add_factor(
        session,
        problem=problem,
        actor=alice.actor,
        category="technology",
        description=" No disk alert ",
        now=utcnow(),
    )
    proc = rca.add_factor(
        session,
        problem=problem,
        actor=alice.actor,
        category="process",
        description="No runbook",
        now=utcnow(),
    )
    assert [(f.category, f.description) for f in rca.factors(session, problem_id=problem.id)] == [
        ("technology", "No disk alert"),
        ("process", "No runbook"),
    ]
    rca.remove_factor(session, problem=problem, actor=alice.actor, factor_id=tech.id, now=utcnow())
    assert [f.id for f in rca.factors(session, problem_id=problem.id)] == [proc.id]
    added = events_of(session, problem, "factor_added")
    assert [e.title for e in added] == [
        "Contributing factor (technology): No disk alert",
        "Contributing factor (process): No runbook",
    ]
    assert added[0].payload == {
        "factor_id": tech.id,
        "category": "technology",
        "description": "No disk alert",
    }
    [removed] = events_of(session, problem, "factor_removed")
    assert removed.title == "Removed contributing factor: No disk alert"
    assert removed.payload == {"category": "technology", "description": "No disk alert"}


def test_every_category_is_accepted(session: Session, alice: Person, problem: Problem) -> None:
    for category in ("people", "process", "technology", "environment", "external", "other"):
        rca.add_factor(
            session,
            problem=problem,
            actor=alice.actor,
            category=category,
            description="x",
            now=utcnow(),
        )
    assert len(rca.factors(session, problem_id=problem.id)) == 6


def test_factors_refuse_unknown_categories_empty_text_and_foreign_ids(
    session: Session, alice: Person, viewer: Person, problem: Problem
) -> None:
    other = make_problem(session, alice, title="Other")
    foreign = rca.add_factor(
        session,
        problem=other,
        actor=alice.actor,
        category="people",
        description="Tired",
        now=utcnow(),
    )
    with pytest.raises(Invalid) as raised:
        rca.add_factor(
            session,
            problem=problem,
            actor=alice.actor,
            category="luck",
            description="x",
            now=utcnow(),
        )
    assert raised.value.message == (
        "category must be one of people, process, technology, environment, external, other"
    )
    with pytest.raises(Invalid, match="description must not be empty"):
        rca.add_factor(
            session,
            problem=problem,
            actor=alice.actor,
            category="people",
            description=" ",
            now=utcnow(),
        )
    with pytest.raises(NotFound) as missing:
        rca.remove_factor(
            session, problem=problem, actor=alice.actor, factor_id=foreign.id, now=utcnow()
        )
    assert missing.value.message == (
        f"contributing factor {foreign.id} does not exist on {problem.reference}"
    )
    with pytest.raises(Forbidden):
        rca.add_factor(
            session,
            problem=problem,
            actor=viewer.actor,
            category="people",
            description="x",
            now=utcnow(),
        )
    with pytest.raises(Forbidden):
        rca.remove_factor(
            session, problem=other, actor=viewer.actor, factor_id=foreign.id, now=utcnow()
        )
    assert rca.factors(session, problem_id=problem.id) == []
    assert [f.id for f in rca.factors(session, problem_id=other.id)] == [foreign.id]


def test_the_root_cause_statement_keeps_its_history(
    session: Session, alice: Person, bob: Person, problem: Problem
) -> None:
    rca.set_root_cause(
        session, problem=problem, actor=alice.actor, statement=" WAL stalls ", now=utcnow()
    )
    rca.set_root_cause(
        session, problem=problem, actor=alice.actor, statement="WAL stalls", now=utcnow()
    )
    rca.set_root_cause(
        session, problem=problem, actor=bob.actor, statement="Disk full", now=utcnow()
    )
    assert problem.root_cause == "Disk full"
    history = events_of(session, problem, "root_cause_changed")
    assert [(e.title, e.payload["old"], e.payload["new"], e.actor_id) for e in history] == [
        ("Root-cause statement written", "", "WAL stalls", alice.user.id),
        ("Root-cause statement revised", "WAL stalls", "Disk full", bob.user.id),
    ]


def test_viewers_cannot_write_the_root_cause(
    session: Session, viewer: Person, problem: Problem
) -> None:
    with pytest.raises(Forbidden):
        rca.set_root_cause(
            session, problem=problem, actor=viewer.actor, statement="Guess", now=utcnow()
        )
    assert problem.root_cause == ""
    assert events_of(session, problem, "root_cause_changed") == []
