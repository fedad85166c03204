"""The problem's timeline: every change is recorded with its old and new value."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor
from watchkeep.problem.models import Problem, ProblemEvent


def record(
    session: Session,
    *,
    problem: Problem,
    kind: str,
    actor: Actor | None,
    title: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> ProblemEvent:
    """Append an event, at ``now``, to the problem's timeline."""
    event = ProblemEvent(
        problem_id=problem.id,
        kind=kind,
        actor_id=actor.user_id if actor else None,
        occurred_at=now,
        title=title,
        payload=payload or {},
    )
    session.add(event)
    problem.updated_at = now
    session.flush()
    return event


def list_events(session: Session, *, problem_id: int) -> list[ProblemEvent]:
    return list(
        session.scalars(
            select(ProblemEvent)
            .where(ProblemEvent.problem_id == problem_id)
            .order_by(ProblemEvent.occurred_at, ProblemEvent.id)
        )
    )
