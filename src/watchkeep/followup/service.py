"""Follow-up actions on incidents and problems: owned, prioritised, tracked to completion.

One model serves both: a follow-up belongs to an incident or to a problem. This domain sits
below both and knows neither; ``incident.followups`` and ``problem.followups`` record the
changes on their owner's timeline.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth.models import User
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Invalid, NotFound
from watchkeep.followup.models import FollowUp

PRIORITIES = ("urgent", "high", "medium", "low")
STATUSES = ("outstanding", "completed", "not_doing")
ACTION_TYPES = ("corrective", "preventive", "detective", "other")


def check_filters(
    session: Session,
    *,
    priority: str | None = None,
    status: str | None = None,
    action_type: str | None = None,
) -> None:
    """Refuse a filter value that no follow-up can have."""
    _check(priority, status, None, session, action_type)


def _check(
    priority: str | None,
    status: str | None,
    owner_id: int | None,
    session: Session,
    action_type: str | None = None,
) -> None:
    if action_type is not None and action_type not in ACTION_TYPES:
        raise Invalid(f"action_type must be one of {', '.join(ACTION_TYPES)}", field="action_type")
    if priority is not None and priority not in PRIORITIES:
        raise Invalid(f"priority must be one of {', '.join(PRIORITIES)}", field="priority")
    if status is not None and status not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}", field="status")
    if owner_id is not None and session.get(User, owner_id) is None:
        raise Invalid(f"owner {owner_id} does not exist", field="owner_id")


def create(
    session: Session,
    *,
    actor: Actor,
    title: str,
    incident_id: int | None = None,
    problem_id: int | None = None,
    description: str = "",
    owner_id: int | None = None,
    priority: str = "medium",
    action_type: str = "corrective",
    due_at: datetime | None = None,
    now: datetime,
) -> FollowUp:
    """Add a follow-up to an incident or to a problem."""
    actor.require(Role.RESPONDER)
    if (incident_id is None) == (problem_id is None):
        raise Invalid("a follow-up belongs to exactly one incident or problem")
    if not title.strip():
        raise Invalid("title must not be empty", field="title")
    _check(priority, None, owner_id, session, action_type)
    follow_up = FollowUp(
        incident_id=incident_id,
        problem_id=problem_id,
        action_type=action_type,
        title=title.strip(),
        description=description,
        owner_id=owner_id,
        priority=priority,
        due_at=due_at,
        status="outstanding",
        created_at=now,
    )
    session.add(follow_up)
    session.flush()
    return follow_up


def get(
    session: Session,
    *,
    follow_up_id: int,
    incident_id: int | None = None,
    problem_id: int | None = None,
) -> FollowUp:
    """The follow-up, checked to belong to ``incident_id`` or ``problem_id`` when given."""
    follow_up = session.get(FollowUp, follow_up_id)
    if (
        follow_up is None
        or (incident_id is not None and follow_up.incident_id != incident_id)
        or (problem_id is not None and follow_up.problem_id != problem_id)
    ):
        raise NotFound(f"follow-up {follow_up_id} does not exist")
    return follow_up


def update(
    session: Session,
    *,
    follow_up_id: int,
    actor: Actor,
    now: datetime,
    incident_id: int | None = None,
    problem_id: int | None = None,
    title: str | None = None,
    description: str | None = None,
    owner_id: int | None = None,
    priority: str | None = None,
    due_at: datetime | None = None,
    status: str | None = None,
    not_doing_reason: str | None = None,
    action_type: str | None = None,
) -> FollowUp:
    """Edit a follow-up of ``incident_id`` or ``problem_id`` (when given)."""
    actor.require(Role.RESPONDER)
    follow_up = get(
        session, follow_up_id=follow_up_id, incident_id=incident_id, problem_id=problem_id
    )
    _check(priority, status, owner_id, session, action_type)
    if action_type is not None:
        follow_up.action_type = action_type
    if title is not None:
        if not title.strip():
            raise Invalid("title must not be empty", field="title")
        follow_up.title = title.strip()
    if description is not None:
        follow_up.description = description
    if owner_id is not None:
        follow_up.owner_id = owner_id
    if priority is not None:
        follow_up.priority = priority
    if due_at is not None:
        follow_up.due_at = due_at
    if status is not None and status != follow_up.status:
        reason = (not_doing_reason or "").strip()
        if status == "not_doing" and not reason:
            raise Invalid(
                "say why it is not being done: not_doing_reason", field="not_doing_reason"
            )
        follow_up.status = status
        follow_up.not_doing_reason = reason if status == "not_doing" else ""
        follow_up.completed_at = now if status == "completed" else None
    session.flush()
    session.refresh(follow_up)
    return follow_up


def list_for_incident(session: Session, *, incident_id: int) -> list[FollowUp]:
    return list(
        session.scalars(
            select(FollowUp).where(FollowUp.incident_id == incident_id).order_by(FollowUp.id)
        )
    )


def list_for_problem(session: Session, *, problem_id: int) -> list[FollowUp]:
    return list(
        session.scalars(
            select(FollowUp).where(FollowUp.problem_id == problem_id).order_by(FollowUp.id)
        )
    )
