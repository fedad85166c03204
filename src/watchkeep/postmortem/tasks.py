"""Job handlers of the post-incident flow: a resolved incident gets its checklist; owners of
overdue tasks are reminded every hour."""

from datetime import timedelta
from typing import Any

from watchkeep.incident.events import STATUS_CHANGED
from watchkeep.incident.models import Incident
from watchkeep.jobs.registry import JobContext, Registry
from watchkeep.postmortem import checklist, reminders

REMIND_OVERDUE = "postmortem.remind_overdue"


def start_checklist(ctx: JobContext, payload: dict[str, Any]) -> None:
    """An incident just resolved enters ``documenting`` with its checklist."""
    if payload.get("new") != "resolved":
        return
    with ctx.db.session() as session:
        incident = session.get(Incident, payload["incident_id"])
        if incident is not None:
            checklist.start(session, incident=incident, now=ctx.now)


def remind_overdue(ctx: JobContext, _payload: dict[str, Any]) -> None:
    with ctx.db.session() as session:
        reminders.remind_overdue(session, now=ctx.now, base_url=ctx.state.base_url)


def register(registry: Registry) -> None:
    registry.subscribe(STATUS_CHANGED, "postmortem", start_checklist)
    registry.add(REMIND_OVERDUE, remind_overdue, every=timedelta(hours=1))
