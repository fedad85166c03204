"""An incident's post-incident checklist: made when it is resolved, worked through by its
owners; the incident moves to ``reviewing`` and ``closed`` as the tasks finish."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth.models import User
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid, NotFound
from watchkeep.incident import roles
from watchkeep.incident.access import visible_among
from watchkeep.incident.models import Incident
from watchkeep.incident.status import advance
from watchkeep.incident.timeline import record
from watchkeep.postmortem import flow, outlines
from watchkeep.postmortem.models import PostIncidentTask


def start(session: Session, *, incident: Incident, now: datetime) -> list[PostIncidentTask]:
    """A just-resolved incident enters ``documenting`` with its flow's checklist, each task
    owned by the incident lead (or whoever declared it). Does nothing if the incident has
    moved on or already has its checklist."""
    if incident.status != "resolved" or tasks_of(session, incident_id=incident.id):
        return []
    specs, _template_id = outlines.flow_for(session, incident)
    lead = roles.holder(session, incident_id=incident.id, slug=roles.LEAD)
    owner_id = lead.id if lead is not None else incident.reporter_id
    resolved_at = incident.resolved_at or now
    made = [
        PostIncidentTask(
            incident_id=incident.id,
            kind=spec.kind,
            title=spec.title,
            phase=spec.phase,
            position=position,
            owner_id=owner_id,
            due_at=flow.due(resolved_at, spec),
            state=flow.OPEN,
            created_at=now,
        )
        for position, spec in enumerate(specs)
    ]
    session.add_all(made)
    session.flush()
    advance(
        session,
        incident=incident,
        status=flow.DOCUMENTING,
        now=now,
        why=f"the post-incident checklist has {len(made)} tasks",
    )
    return made


def tasks_of(session: Session, *, incident_id: int) -> list[PostIncidentTask]:
    return list(
        session.scalars(
            select(PostIncidentTask)
            .where(PostIncidentTask.incident_id == incident_id)
            .order_by(PostIncidentTask.position, PostIncidentTask.id)
        )
    )


def get_task(session: Session, *, incident: Incident, task_id: int) -> PostIncidentTask:
    task = session.get(PostIncidentTask, task_id)
    if task is None or task.incident_id != incident.id:
        raise NotFound(f"{incident.reference} has no post-incident task {task_id}", field="task")
    return task


def finish(
    session: Session,
    *,
    incident: Incident,
    task_id: int,
    actor: Actor,
    now: datetime,
    skip_reason: str | None = None,
) -> PostIncidentTask:
    """Complete a task, or skip it (``skip_reason`` says why); on the timeline. Once the
    tasks of a phase are all finished the incident moves on."""
    actor.require(Role.RESPONDER)
    task = get_task(session, incident=incident, task_id=task_id)
    if task.state != flow.OPEN:
        raise Conflict(f"the task “{task.title}” is already {task.state}", field="task")
    if skip_reason is not None and not skip_reason.strip():
        raise Invalid("say why the task is skipped", field="reason")
    task.state = flow.DONE if skip_reason is None else flow.SKIPPED
    task.reason = (skip_reason or "").strip()
    task.finished_at, task.finished_by_id = now, actor.user_id
    verb = "Completed" if skip_reason is None else "Skipped"
    record(
        session,
        incident=incident,
        kind="post_incident_task",
        actor=actor,
        title=f"{verb}: {task.title}" + (f" ({task.reason})" if task.reason else ""),
        payload={"task_id": task.id, "kind": task.kind, "state": task.state, "reason": task.reason},
        now=now,
    )
    session.flush()
    _move_on(session, incident, now)
    return task


def _move_on(session: Session, incident: Incident, now: datetime) -> None:
    states = [(t.phase, t.state) for t in tasks_of(session, incident_id=incident.id)]
    target = flow.next_status(incident.status, states)
    if target is not None:
        why = "every review task is finished" if target == flow.CLOSED else "the documents are done"
        advance(session, incident=incident, status=target, now=now, why=why)


def assign(
    session: Session,
    *,
    incident: Incident,
    task_id: int,
    actor: Actor,
    now: datetime,
    owner_id: int | None,
    due_at: datetime | None,
) -> PostIncidentTask:
    """Give a task another owner and due date."""
    actor.require(Role.RESPONDER)
    task = get_task(session, incident=incident, task_id=task_id)
    if owner_id is not None and session.get(User, owner_id) is None:
        raise NotFound(f"user {owner_id} does not exist", field="owner_id")
    task.owner_id, task.due_at, task.reminded_at = owner_id, due_at, None
    session.flush()
    session.refresh(task)
    return task


def overdue(session: Session, *, now: datetime, limit: int = 50) -> list[PostIncidentTask]:
    """Open tasks past their due date, the most overdue first."""
    return list(
        session.scalars(
            select(PostIncidentTask)
            .where(PostIncidentTask.state == flow.OPEN, PostIncidentTask.due_at < now)
            .order_by(PostIncidentTask.due_at)
            .limit(limit)
        )
    )


def overdue_visible(
    session: Session, *, actor: Actor, now: datetime, limit: int = 50
) -> list[tuple[PostIncidentTask, Incident]]:
    """The most overdue tasks (at most ``limit``), each with its incident, keeping those of the
    incidents ``actor`` may see."""
    tasks = overdue(session, now=now, limit=limit)
    ids = {t.incident_id for t in tasks}
    shown = {i.id: i for i in visible_among(session, incident_ids=ids, actor=actor)}
    return [(t, shown[t.incident_id]) for t in tasks if t.incident_id in shown]


def to_remind(session: Session, *, now: datetime) -> list[PostIncidentTask]:
    """Overdue open tasks whose owner has not been reminded since they fell due."""
    return list(
        session.scalars(
            select(PostIncidentTask).where(
                PostIncidentTask.state == flow.OPEN,
                PostIncidentTask.due_at < now,
                PostIncidentTask.owner_id.is_not(None),
                PostIncidentTask.reminded_at.is_(None),
            )
        )
    )
