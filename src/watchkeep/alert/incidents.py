"""Incidents from alerts: a route that declares incidents opens one for a new alert, or adds the
alert to the incident its group opened within the route's window.

Alerts of one route are grouped one at a time (the route's row is locked while a group finds
or opens its incident), so a burst of alerts of one group in any number of processes opens
one incident. An alert added to an incident shows on its timeline, its labels join the
incident's, and the incident is announced as changed, so known-error matching runs again.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from watchkeep.alert.models import Alert, AlertRoute, AlertSource
from watchkeep.core.actor import Actor
from watchkeep.incident import lifecycle
from watchkeep.incident import service as incidents
from watchkeep.incident.access import visible_clause
from watchkeep.incident.events import announce_change
from watchkeep.incident.lifecycle import Status
from watchkeep.incident.models import Incident
from watchkeep.incident.timeline import record

MAX_LABELS = 200


def group_of(alert: Alert, route: AlertRoute) -> str:
    """What groups ``alert`` with others of ``route``: its ``group_by`` labels' values, else
    its group key (Alertmanager's), else its deduplication key."""
    if route.group_by:
        return "|".join(f"{name}={alert.labels.get(name, '')}" for name in route.group_by)[:255]
    return (alert.group_key or alert.dedup_key)[:255]


def incident_of(session: Session, *, alert: Alert, actor: Actor) -> Incident | None:
    """The incident the alert belongs to, if it has one that ``actor`` may see."""
    if alert.incident_id is None:
        return None
    query = select(Incident).where(Incident.id == alert.incident_id, visible_clause(actor))
    return session.scalar(query)


def attach(session: Session, *, alert_id: int, now: datetime) -> Incident | None:
    """Give a new alert its incident if its route declares incidents; ``None`` otherwise.
    Running it again for the same alert changes nothing."""
    alert = session.scalar(
        select(Alert).where(Alert.id == alert_id).options(lazyload("*")).with_for_update()
    )
    if alert is None or alert.incident_id is not None or alert.route_id is None:
        return None
    if alert.silence_id is not None:
        return None
    route = session.scalar(
        select(AlertRoute).where(AlertRoute.id == alert.route_id).with_for_update()
    )
    if route is None or not route.declare_incident:
        return None
    alert.incident_group = group_of(alert, route)
    incident = _open_incident_of_group(session, alert, route, now)
    if incident is None:
        incident = _open(session, alert, route, now)
    else:
        _add(session, incident, alert, now)
    alert.incident_id = incident.id
    session.flush()
    return incident


def _open_incident_of_group(
    session: Session, alert: Alert, route: AlertRoute, now: datetime
) -> Incident | None:
    since = now - timedelta(minutes=route.group_minutes)
    query = (
        select(Incident)
        .join(Alert, Alert.incident_id == Incident.id)
        .where(
            Alert.route_id == route.id,
            Alert.incident_group == alert.incident_group,
            Alert.created_at >= since,
            Alert.id != alert.id,
        )
        .order_by(Alert.created_at.desc())
        .limit(1)
    )
    incident = session.scalar(query)
    if incident is None:
        return None
    open_categories = (lifecycle.Category.TRIAGE, lifecycle.Category.LIVE)
    return incident if lifecycle.category(Status(incident.status)) in open_categories else None


def _open(session: Session, alert: Alert, route: AlertRoute, now: datetime) -> Incident:
    source = session.get(AlertSource, alert.source_id)
    severity = route.severity_map.get(alert.severity or "")
    incident = incidents.open_from_alert(
        session,
        now=now,
        title=alert.title,
        summary=alert.description,
        severity=severity,
        incident_type=route.incident_type_id,
        service_ids=[source.service_id] if source and source.service_id else [],
        labels=dict(list(alert.labels.items())[:MAX_LABELS]),
        alert_reference=alert.reference,
        source_name=source.name if source else "",
    )
    _note(session, incident, alert, now)
    return incident


def _add(session: Session, incident: Incident, alert: Alert, now: datetime) -> None:
    labels = {**alert.labels, **incident.labels}
    if labels != incident.labels:
        incident.labels = dict(list(labels.items())[:MAX_LABELS])
    incident.updated_at = now
    _note(session, incident, alert, now)
    announce_change(session, incident=incident, fields=["alerts"])


def _note(session: Session, incident: Incident, alert: Alert, now: datetime) -> None:
    record(
        session,
        incident=incident,
        kind="alert",
        actor=None,
        title=f"Alert {alert.reference} fired: {alert.title}"[:300],
        payload={
            "alert_id": alert.id,
            "alert": alert.reference,
            "severity": alert.severity,
            "labels": alert.labels,
        },
        now=now,
        occurred_at=alert.starts_at or now,
    )
