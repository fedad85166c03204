"""Root-cause analysis on a problem: a 5-whys chain, contributing factors, a statement.

Each edit is recorded on the problem's timeline with what it said before.
"""

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Invalid, NotFound
from watchkeep.problem.models import ContributingFactor, Problem, WhyStep
from watchkeep.problem.timeline import record

CATEGORIES = ("people", "process", "technology", "environment", "external", "other")
MAX_WHYS = 10


def whys(session: Session, *, problem_id: int) -> list[WhyStep]:
    return list(
        session.scalars(
            select(WhyStep).where(WhyStep.problem_id == problem_id).order_by(WhyStep.position)
        )
    )


def set_whys(
    session: Session,
    *,
    problem: Problem,
    actor: Actor,
    steps: list[tuple[str, str]],
    now: datetime,
) -> list[WhyStep]:
    """Replace the 5-whys chain with ``steps`` (question, answer), keeping the old one."""
    actor.require(Role.RESPONDER)
    if len(steps) > MAX_WHYS:
        raise Invalid(f"a whys chain has at most {MAX_WHYS} steps", field="steps")
    cleaned = [(q.strip(), a.strip()) for q, a in steps]
    for position, (question, answer) in enumerate(cleaned, start=1):
        if not question or not answer:
            raise Invalid(f"step {position} needs both a question and an answer", field="steps")
    old = [[w.question, w.answer] for w in whys(session, problem_id=problem.id)]
    new = [list(step) for step in cleaned]
    if old == new:
        return whys(session, problem_id=problem.id)
    session.execute(delete(WhyStep).where(WhyStep.problem_id == problem.id))
    session.flush()
    for position, (question, answer) in enumerate(cleaned, start=1):
        session.add(
            WhyStep(problem_id=problem.id, position=position, question=question, answer=answer)
        )
    record(
        session,
        problem=problem,
        kind="whys_changed",
        actor=actor,
        title=f"5-whys chain edited ({len(cleaned)} steps)",
        payload={"old": old, "new": new},
        now=now,
    )
    return whys(session, problem_id=problem.id)


def factors(session: Session, *, problem_id: int) -> list[ContributingFactor]:
    return list(
        session.scalars(
            select(ContributingFactor)
            .where(ContributingFactor.problem_id == problem_id)
            .order_by(ContributingFactor.id)
        )
    )


def add_factor(
    session: Session,
    *,
    problem: Problem,
    actor: Actor,
    category: str,
    description: str,
    now: datetime,
) -> ContributingFactor:
    """Add a contributing factor to the analysis."""
    actor.require(Role.RESPONDER)
    if category not in CATEGORIES:
        raise Invalid(f"category must be one of {', '.join(CATEGORIES)}", field="category")
    if not description.strip():
        raise Invalid("description must not be empty", field="description")
    factor = ContributingFactor(
        problem_id=problem.id, category=category, description=description.strip()
    )
    session.add(factor)
    session.flush()
    record(
        session,
        problem=problem,
        kind="factor_added",
        actor=actor,
        title=f"Contributing factor ({category}): {factor.description[:200]}",
        payload={"factor_id": factor.id, "category": category, "description": factor.description},
        now=now,
    )
    return factor


def remove_factor(
    session: Session, *, problem: Problem, actor: Actor, factor_id: int, now: datetime
) -> None:
    """Remove a contributing factor; the timeline keeps what it said."""
    actor.require(Role.RESPONDER)
    factor = session.get(ContributingFactor, factor_id)
    if factor is None or factor.problem_id != problem.id:
        raise NotFound(f"contributing factor {factor_id} does not exist on {problem.reference}")
    session.delete(factor)
    record(
        session,
        problem=problem,
        kind="factor_removed",
        actor=actor,
        title=f"Removed contributing factor: {factor.description[:200]}",
        payload={"category": factor.category, "description": factor.description},
        now=now,
    )


def set_root_cause(
    session: Session, *, problem: Problem, actor: Actor, statement: str, now: datetime
) -> Problem:
    """Write the root-cause statement; the old one stays on the timeline."""
    actor.require(Role.RESPONDER)
    statement = statement.strip()
    if statement == problem.root_cause:
        return problem
    old, problem.root_cause = problem.root_cause, statement
    record(
        session,
        problem=problem,
        kind="root_cause_changed",
        actor=actor,
        title="Root-cause statement " + ("written" if not old else "revised"),
        payload={"old": old, "new": statement},
        now=now,
    )
    return problem
