"""Create, find, change and move problems through their lifecycle."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watchkeep.auth.models import User
from watchkeep.catalog.models import Team
from watchkeep.catalog.service import get_services
from watchkeep.core import ids
from watchkeep.core.actor import Actor, Role
from watchkeep.core.counter import next_value
from watchkeep.core.errors import Invalid, NotFound
from watchkeep.core.text import like_pattern
from watchkeep.problem import lifecycle
from watchkeep.problem.lifecycle import ProblemState, parse_state
from watchkeep.problem.models import Problem, problem_service
from watchkeep.problem.timeline import record

PRIORITIES = ("urgent", "high", "medium", "low")


def _check_priority(priority: str) -> str:
    if priority not in PRIORITIES:
        raise Invalid(f"priority must be one of {', '.join(PRIORITIES)}", field="priority")
    return priority


def _owner(session: Session, owner_id: int) -> User:
    owner = session.get(User, owner_id)
    if owner is None:
        raise Invalid(f"owner {owner_id} does not exist", field="owner_id")
    return owner


def _team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise Invalid(f"team {team_id} does not exist", field="team_id")
    return team


def parse_reference(ref: str | int) -> int:
    number = ids.parse_reference(ref, "PRB")
    if number is None:
        raise NotFound(f"{ref!r} is not a problem reference; use PRB-<number>")
    return number


def get(session: Session, *, ref: str | int) -> Problem:
    """The problem ``PRB-<n>`` (or NotFound)."""
    number = parse_reference(ref)
    problem = session.scalar(select(Problem).where(Problem.number == number))
    if problem is None:
        raise NotFound(f"problem PRB-{number} does not exist")
    return problem


def by_ids(session: Session, *, problem_ids: Iterable[int]) -> dict[int, Problem]:
    """The problems of ``problem_ids`` that exist, by id."""
    wanted = set(problem_ids)
    if not wanted:
        return {}
    return {p.id: p for p in session.scalars(select(Problem).where(Problem.id.in_(wanted)))}


def create(
    session: Session,
    *,
    actor: Actor,
    title: str,
    description: str = "",
    priority: str = "medium",
    owner_id: int | None = None,
    team_id: int | None = None,
    service_ids: list[int] | None = None,
    now: datetime,
) -> Problem:
    """Open a new problem."""
    actor.require(Role.RESPONDER)
    if not title.strip():
        raise Invalid("title must not be empty", field="title")
    _check_priority(priority)
    if owner_id is not None:
        _owner(session, owner_id)
    if team_id is not None:
        _team(session, team_id)
    problem = Problem(
        number=next_value(session, "problem"),
        title=title.strip(),
        description=description,
        state=ProblemState.NEW.value,
        priority=priority,
        owner_id=owner_id,
        team_id=team_id,
        created_by_id=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    problem.services = get_services(session, service_ids=service_ids or [])
    session.add(problem)
    session.flush()
    record(
        session,
        problem=problem,
        kind="created",
        actor=actor,
        title=f"{actor.name} opened the problem",
        payload={"priority": priority},
        now=now,
    )
    return problem


@dataclass(frozen=True)
class ProblemFilter:
    states: tuple[str, ...] = ()
    open_only: bool = False
    priority: str | None = None
    service_id: int | None = None
    text: str | None = None


def list_problems(
    session: Session, *, flt: ProblemFilter, limit: int = 50, offset: int = 0
) -> tuple[list[Problem], bool]:
    """A page of problems, most recently changed first, and whether more follow."""
    query = select(Problem)
    states = {parse_state(s) for s in flt.states}
    if flt.open_only:
        states = (states & lifecycle.OPEN) if states else set(lifecycle.OPEN)
    if states:
        query = query.where(Problem.state.in_(sorted(s.value for s in states)))
    if flt.priority:
        query = query.where(Problem.priority == _check_priority(flt.priority))
    if flt.service_id:
        query = query.where(
            Problem.id.in_(
                select(problem_service.c.problem_id).where(
                    problem_service.c.service_id == flt.service_id
                )
            )
        )
    if flt.text:
        pattern = like_pattern(flt.text)
        query = query.where(
            or_(
                Problem.title.ilike(pattern, escape="\\"),
                Problem.description.ilike(pattern, escape="\\"),
                Problem.root_cause.ilike(pattern, escape="\\"),
            )
        )
    query = query.order_by(Problem.updated_at.desc(), Problem.id.desc())
    rows = list(session.scalars(query.limit(limit + 1).offset(offset)))
    return rows[:limit], len(rows) > limit


def update(
    session: Session,
    *,
    problem: Problem,
    actor: Actor,
    title: str | None = None,
    description: str | None = None,
    priority: str | None = None,
    owner_id: int | None = None,
    team_id: int | None = None,
    service_ids: list[int] | None = None,
    now: datetime,
) -> Problem:
    """Change fields; each change is recorded with its old and new value."""
    actor.require(Role.RESPONDER)
    changes: dict[str, tuple[object, object]] = {}
    if title is not None and title.strip() != problem.title:
        if not title.strip():
            raise Invalid("title must not be empty", field="title")
        changes["title"] = (problem.title, title.strip())
        problem.title = title.strip()
    if description is not None and description != problem.description:
        changes["description"] = (problem.description, description)
        problem.description = description
    if priority is not None and priority != problem.priority:
        changes["priority"] = (problem.priority, _check_priority(priority))
        problem.priority = priority
    if owner_id is not None and owner_id != problem.owner_id:
        owner = _owner(session, owner_id)
        changes["owner"] = (problem.owner.name if problem.owner else None, owner.name)
        problem.owner = owner
    if team_id is not None and team_id != problem.team_id:
        team = _team(session, team_id)
        changes["team"] = (problem.team.name if problem.team else None, team.name)
        problem.team = team
    if service_ids is not None:
        services = get_services(session, service_ids=service_ids)
        old = [s.name for s in problem.services]
        if old != [s.name for s in services]:
            changes["services"] = (old, [s.name for s in services])
            problem.services = services
    for name, (old_value, new_value) in changes.items():
        record(
            session,
            problem=problem,
            kind=f"{name}_changed",
            actor=actor,
            title=f"{name.replace('_', ' ').capitalize()} changed",
            payload={"old": old_value, "new": new_value},
            now=now,
        )
    session.flush()
    return problem


def _words(state: ProblemState) -> str:
    return state.value.replace("_", " ")


def transition(
    session: Session, *, problem: Problem, actor: Actor, state: str, now: datetime
) -> Problem:
    """Move the problem to ``state``; 409 with the allowed next states if not allowed."""
    actor.require(Role.RESPONDER)
    current, target = ProblemState(problem.state), parse_state(state)
    lifecycle.check(current, target)
    if target is ProblemState.ROOT_CAUSE_IDENTIFIED and not problem.root_cause.strip():
        raise Invalid(
            "write the root-cause statement before marking it identified", field="root_cause"
        )
    # A known error may be recorded with a workaround before the cause is known: only a
    # written root-cause statement makes it count as identified.
    if target is ProblemState.ROOT_CAUSE_IDENTIFIED or (
        target is ProblemState.KNOWN_ERROR and problem.root_cause.strip()
    ):
        problem.root_cause_identified_at = problem.root_cause_identified_at or now
    if target is ProblemState.RESOLVED:
        problem.resolved_at = now
    if current is ProblemState.RESOLVED and target is ProblemState.INVESTIGATING:
        problem.resolved_at = None
    if target is ProblemState.CLOSED:
        problem.closed_at = now
    problem.state = target.value
    record(
        session,
        problem=problem,
        kind="state_changed",
        actor=actor,
        title=f"State changed from {_words(current)} to {_words(target)}",
        payload={"old": current.value, "new": target.value},
        now=now,
    )
    return problem
