"""Domain events of incidents. The incident domain does not know its subscribers (known-error
matching, for instance); each subscribing domain registers itself in its ``tasks.py``."""

from sqlalchemy.orm import Session

from watchkeep.incident.models import Incident
from watchkeep.jobs.events import Event, publish

INCIDENT_CHANGED = Event("incident.changed")
"""An incident was declared or what it is about changed (title, summary, services...).
Payload: ``{"incident_id": int, "fields": [str]}``."""

STATUS_CHANGED = Event("incident.status_changed")
"""An incident moved to another status.
Payload: ``{"incident_id": int, "old": str, "new": str}``."""

UPDATE_OVERDUE = Event("incident.update_overdue")
"""A status update is overdue and the lead was reminded on the timeline.
Payload: ``{"incident_id": int, "lead_id": int, "due_at": str}``."""


def announce_change(session: Session, *, incident: Incident, fields: list[str]) -> None:
    """Tell subscribers, after commit, that the incident was declared or its content changed."""
    publish(session, INCIDENT_CHANGED, {"incident_id": incident.id, "fields": sorted(fields)})
