"""Domain events of incidents, delivered as jobs after commit to whoever subscribes.

The incident domain does not know its subscribers (problem management matches known
errors, for instance); ``watchkeep.app.tasks`` wires them to the event's job kind.
"""

from sqlalchemy.orm import Session

from watchkeep.incident.models import Incident
from watchkeep.jobs import service as jobs

INCIDENT_CHANGED = "incident.changed"


def announce_change(session: Session, *, incident: Incident, fields: list[str]) -> None:
    """Tell subscribers, after commit, that the incident was declared or its content changed."""
    jobs.enqueue(
        session,
        kind=INCIDENT_CHANGED,
        payload={"incident_id": incident.id, "fields": sorted(fields)},
    )
