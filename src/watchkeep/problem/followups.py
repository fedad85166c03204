"""Corrective, preventive and detective actions on a problem (the incidents' follow-up model)."""

from datetime import datetime

from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor
from watchkeep.followup import service as followups
from watchkeep.followup.models import FollowUp
from watchkeep.problem.models import Problem
from watchkeep.problem.timeline import record


def add(
    session: Session,
    *,
    problem: Problem,
    actor: Actor,
    title: str,
    description: str = "",
    owner_id: int | None = None,
    priority: str = "medium",
    action_type: str = "corrective",
    due_at: datetime | None = None,
    now: datetime,
) -> FollowUp:
    """Add an action to the problem and note it on the problem's timeline."""
    created = followups.create(
        session,
        actor=actor,
        now=now,
        problem_id=problem.id,
        title=title,
        description=description,
        owner_id=owner_id,
        priority=priority,
        action_type=action_type,
        due_at=due_at,
    )
    record(
        session,
        problem=problem,
        kind="follow_up_created",
        actor=actor,
        title=f"{action_type.capitalize()} action added: {created.title}",
        payload={"follow_up_id": created.id, "action_type": action_type},
        now=now,
    )
    return created


def change(
    session: Session,
    *,
    problem: Problem,
    actor: Actor,
    follow_up_id: int,
    now: datetime,
    **fields: object,
) -> FollowUp:
    """Edit one of the problem's actions; a status change goes on the problem's timeline."""
    before = followups.get(session, follow_up_id=follow_up_id, problem_id=problem.id).status
    changed = followups.update(
        session,
        follow_up_id=follow_up_id,
        problem_id=problem.id,
        actor=actor,
        now=now,
        **fields,  # type: ignore[arg-type]
    )
    if changed.status != before:
        record(
            session,
            problem=problem,
            kind="follow_up_status",
            actor=actor,
            title=f"Action “{changed.title}” is now {changed.status.replace('_', ' ')}",
            payload={
                "follow_up_id": changed.id,
                "old": before,
                "new": changed.status,
                "reason": changed.not_doing_reason,
            },
            now=now,
        )
    return changed
