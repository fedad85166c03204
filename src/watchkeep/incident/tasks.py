"""Job handlers of the incident domain."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import lazyload

from watchkeep.incident import lifecycle, roles
from watchkeep.incident.events import UPDATE_OVERDUE
from watchkeep.incident.lifecycle import Status
from watchkeep.incident.models import Incident, StatusUpdate
from watchkeep.incident.timeline import record
from watchkeep.incident.updates import UPDATE_DUE, is_overdue
from watchkeep.jobs.events import publish
from watchkeep.jobs.registry import JobContext, Registry

__all__ = ["UPDATE_DUE", "register", "remind_update_due"]


def remind_update_due(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Remind the incident lead that a status update is overdue, unless one was posted since.

    The reminder is a timeline entry naming the lead, and an ``incident.update_overdue`` event
    (the notify domain tells the lead through their channels); the incident page and the dashboard
    show the overdue state from ``next_update_at``.
    """
    with ctx.db.session() as session:
        # Only the incident's own row: a burst of reminders should not load each one's
        # severity, type, reporter and services.
        incident = session.get(Incident, payload["incident_id"], options=[lazyload("*")])
        if incident is None or not lifecycle.is_live(Status(incident.status)):
            return
        if "due_at" in payload:
            due_at: datetime | None = datetime.fromisoformat(payload["due_at"])
        else:  # a reminder scheduled before reminders carried their due time
            update = session.get(StatusUpdate, payload["update_id"])
            due_at = update.next_update_at if update else None
        if due_at is None or due_at != incident.next_update_at:
            return  # superseded by a later update
        if not is_overdue(incident, ctx.now):
            return
        lead = roles.holder(session, incident_id=incident.id, slug=roles.LEAD)
        record(
            session,
            incident=incident,
            kind="update_reminder",
            actor=None,
            title=f"Status update overdue: reminded {lead.name if lead else 'the team'}",
            payload={"due_at": due_at.isoformat(), "lead_id": lead.id if lead else None},
            now=ctx.now,
        )
        if lead is not None:
            due = {"incident_id": incident.id, "lead_id": lead.id, "due_at": due_at.isoformat()}
            publish(session, UPDATE_OVERDUE, due)


def register(registry: Registry) -> None:
    """The incident domain's jobs: the overdue-update reminder timer."""
    registry.add(UPDATE_DUE, remind_update_due)
