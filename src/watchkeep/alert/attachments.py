"""Change events attached to incidents: what changed on an incident's services around the
time it began.

A change on a service belongs to every incident that lists the service and whose **window**
holds the change's time: from the impact's start (else the declaration) less the look-back
(the setting ``change_lookback_minutes``) to the resolution, open-ended while the incident is
not resolved. Declined, canceled and merged incidents take none. Both ways are covered: a new
change is attached to the incidents already there (``alert.change_recorded``), and an incident
declared, or given other services, gets the changes already stored (``incident.changed``).

Each attachment is one ``incident_change`` row and one timeline entry dated at the change,
made once: attaching again (a job that runs twice, both ways at once) does nothing.
"""

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from watchkeep.alert.models import ChangeEvent, IncidentChange
from watchkeep.incident.lifecycle import CATEGORY, Category
from watchkeep.incident.models import Incident, incident_service
from watchkeep.incident.timeline import record

KIND_LABELS = {
    "deploy": "Deploy",
    "pull_request": "Pull request",
    "push": "Push",
    "config": "Configuration",
    "feature_flag": "Feature flag",
    "infrastructure": "Infrastructure",
    "change": "Change",
}
"""How a change's kind reads on the timeline and the incident page."""

ENTRY_KIND = "change_attached"
TITLE_MAX = 300
ATTACHED = cast(Table, IncidentChange.__table__)
_TAKES_NONE = [s.value for s, c in CATEGORY.items() if c is Category.DISCARDED]


def _window_start() -> ColumnElement[datetime]:
    return func.coalesce(Incident.impact_started_at, Incident.declared_at)


def _window_end() -> ColumnElement[datetime]:
    return func.coalesce(Incident.resolved_at, Incident.closed_at)


def attach_change(
    session: Session, *, change_id: int, lookback: timedelta, now: datetime
) -> list[Incident]:
    """Attach a change to every incident of its service whose window holds it; returns the
    incidents it was attached to now (none the second time)."""
    change = session.get(ChangeEvent, change_id)
    if change is None or change.service_id is None:
        return []
    query = (
        select(Incident)
        .join(incident_service, incident_service.c.incident_id == Incident.id)
        .where(
            incident_service.c.service_id == change.service_id,
            Incident.status.not_in(_TAKES_NONE),
            _window_start() <= change.occurred_at + lookback,
            or_(_window_end().is_(None), _window_end() >= change.occurred_at),
        )
        .order_by(Incident.id)
    )
    return [i for i in session.scalars(query) if _attach(session, i, change, now)]


def attach_to_incident(
    session: Session, *, incident_id: int, lookback: timedelta, now: datetime
) -> list[ChangeEvent]:
    """Attach to an incident the stored changes of its services within its window; returns
    those attached now, oldest first."""
    incident = session.get(Incident, incident_id)
    if incident is None or incident.status in _TAKES_NONE or not incident.services:
        return []
    start = (incident.impact_started_at or incident.declared_at) - lookback
    end = incident.resolved_at or incident.closed_at
    query = select(ChangeEvent).where(
        ChangeEvent.service_id.in_([s.id for s in incident.services]),
        ChangeEvent.occurred_at >= start,
    )
    if end is not None:
        query = query.where(ChangeEvent.occurred_at <= end)
    query = query.order_by(ChangeEvent.occurred_at, ChangeEvent.id)
    return [c for c in session.scalars(query) if _attach(session, incident, c, now)]


def _attach(session: Session, incident: Incident, change: ChangeEvent, now: datetime) -> bool:
    """Link the pair and write the timeline entry, unless they are linked already (one
    statement decides, so two jobs attaching the same pair write one entry)."""
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ATTACHED)
    linked = session.execute(
        statement.values(incident_id=incident.id, change_event_id=change.id, attached_at=now)
        .on_conflict_do_nothing()
        .returning(ATTACHED.c.incident_id)
    ).scalar()
    if linked is None:
        return False
    record(
        session,
        incident=incident,
        kind=ENTRY_KIND,
        actor=None,
        title=entry_title(change),
        payload=entry_payload(change),
        now=now,
        occurred_at=change.occurred_at,
    )
    return True


def entry_title(change: ChangeEvent) -> str:
    """How the timeline entry of an attached change reads: "Deploy: <summary>"."""
    return f"{KIND_LABELS.get(change.kind, 'Change')}: {change.summary}"[:TITLE_MAX]


def entry_payload(change: ChangeEvent) -> dict[str, Any]:
    """What the timeline entry of an attached change keeps of it."""
    return {
        "change_id": change.id,
        "reference": change.reference,
        "kind": change.kind,
        "summary": change.summary,
        "occurred_at": change.occurred_at.isoformat(),
        "links": change.links,
        "service": change.service.name if change.service else None,
        "service_id": change.service_id,
    }


def changes_of(session: Session, *, incident_id: int) -> list[ChangeEvent]:
    """The changes attached to an incident, newest first."""
    query = (
        select(ChangeEvent)
        .join(ATTACHED, ATTACHED.c.change_event_id == ChangeEvent.id)
        .where(ATTACHED.c.incident_id == incident_id)
        .order_by(ChangeEvent.occurred_at.desc(), ChangeEvent.id.desc())
    )
    return list(session.scalars(query))
