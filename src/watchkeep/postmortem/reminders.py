"""Owners of overdue post-incident tasks hear of it through their notification rules."""

from datetime import datetime

from sqlalchemy.orm import Session

from watchkeep.incident.models import Incident
from watchkeep.notify.deliveries import plan_notice
from watchkeep.postmortem import checklist


def remind_overdue(session: Session, *, now: datetime, base_url: str) -> int:
    """Tell the owner of each overdue task, once per task and due date; how many were told."""
    told = 0
    for task in checklist.to_remind(session, now=now):
        if task.owner_id is None or task.due_at is None:
            continue
        incident = session.get(Incident, task.incident_id)
        if incident is None:
            continue
        plan_notice(
            session,
            user_id=task.owner_id,
            key=f"post-incident-task:{task.id}:{int(task.due_at.timestamp())}",
            event="post_incident_task.overdue",
            content={
                "subject": f"{incident.reference}: post-incident task overdue: {task.title}",
                "text": f"{task.title} for {incident.reference} “{incident.title}” was due at "
                f"{task.due_at:%Y-%m-%d %H:%M} UTC. Complete it, or skip it and say why.",
                "url": f"{base_url.rstrip('/')}/incidents/{incident.reference}",
                "data": {"task_id": task.id, "due_at": task.due_at.isoformat()},
            },
            now=now,
        )
        task.reminded_at = now
        told += 1
    session.flush()
    return told
