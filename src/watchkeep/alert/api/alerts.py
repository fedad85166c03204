"""Alerts and change events, and the changes attached to an incident (JSON)."""

from fastapi import APIRouter, Query

from watchkeep.alert import alerts, attachments, changes
from watchkeep.alert.schemas import (
    AlertEventRead,
    AlertPage,
    AlertRead,
    ChangeRead,
    alert_read,
    change_read,
    event_read,
)
from watchkeep.core.limits import LooseInstant, QueryId
from watchkeep.http.deps import CurrentActor, DbSession
from watchkeep.incident.access import get_visible

router = APIRouter(tags=["alerts"])


@router.get("/alerts")
def list_alerts(
    session: DbSession,
    _actor: CurrentActor,
    status: str | None = Query(
        None, max_length=20, description="open, firing, acknowledged or resolved"
    ),
    source_id: QueryId | None = None,
    limit: int = Query(50, ge=1, le=500),
    before_id: QueryId | None = Query(None, description="Only alerts older than this one"),
) -> AlertPage:
    """Alerts, newest first."""
    items, more = alerts.list_alerts(
        session, status=status, source_id=source_id, limit=limit, before_id=before_id
    )
    return AlertPage(
        items=[alert_read(a) for a in items],
        next_before_id=items[-1].id if more and items else None,
    )


@router.get("/alerts/{alert_id:id}")
def get_alert(alert_id: int, session: DbSession, _actor: CurrentActor) -> AlertRead:
    return alert_read(alerts.get(session, alert_id=alert_id))


@router.get("/alerts/{alert_id:id}/events")
def alert_events(alert_id: int, session: DbSession, _actor: CurrentActor) -> list[AlertEventRead]:
    """What happened to the alert, oldest first, each event with its raw payload."""
    alerts.get(session, alert_id=alert_id)
    return [event_read(e, p) for e, p in alerts.events(session, alert_id=alert_id)]


@router.get("/changes")
def list_changes(
    session: DbSession,
    _actor: CurrentActor,
    service_id: QueryId | None = None,
    since: LooseInstant | None = None,
    until: LooseInstant | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> list[ChangeRead]:
    """Change events newest first (deploys, configuration changes)."""
    found = changes.list_changes(
        session, service_id=service_id, since=since, until=until, limit=limit
    )
    return [change_read(c) for c in found]


@router.get("/changes/{change_id:id}")
def get_change(change_id: int, session: DbSession, _actor: CurrentActor) -> ChangeRead:
    return change_read(changes.get(session, change_id=change_id))


@router.get("/incidents/{ref}/changes")
def incident_changes(ref: str, session: DbSession, actor: CurrentActor) -> list[ChangeRead]:
    """The change events attached to the incident, newest first: those of its services from
    the look-back before its impact began until it was resolved."""
    incident = get_visible(session, ref=ref, actor=actor)
    return [change_read(c) for c in attachments.changes_of(session, incident_id=incident.id)]
