"""The incident as an investigation sees it: what was recorded by one instant.

Its alerts are those that arrived by then; its impact began at its recorded start, else when
its first alert fired, else when it was reported or declared. Its title, summary and services
are read as they are now (they keep no history); its root cause and resolution are never read,
so that an investigation of a resolved incident as of a past instant does not know its answer.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.alert.models import Alert
from watchkeep.assist.investigation.model import AlertFact, ServiceFact, Subject
from watchkeep.catalog.models import Service
from watchkeep.incident.models import Incident

SERVICE_LABELS = ("service", "app", "job", "component")
"""Alert labels that may name a catalog service."""
ALERTS = 50  # the first alerts are what matters; a storm adds nothing


def catalog(session: Session) -> dict[str, ServiceFact]:
    return {
        service.name: ServiceFact(
            name=service.name,
            kind=service.kind,
            depends_on=tuple(s.name for s in service.depends_on),
            owner_team=service.owner_team.name if service.owner_team else None,
            runbook=service.runbook,
            runbook_url=service.runbook_url,
            description=service.description,
        )
        for service in session.scalars(select(Service))
    }


def _alert_services(alert: Alert, names: dict[str, ServiceFact]) -> tuple[str, ...]:
    found = []
    if alert.source.service is not None:
        found.append(alert.source.service.name)
    found += [alert.labels[k] for k in SERVICE_LABELS if alert.labels.get(k) in names]
    return tuple(dict.fromkeys(found))


def alerts_of(
    session: Session, incident: Incident, at: datetime, names: dict[str, ServiceFact]
) -> tuple[AlertFact, ...]:
    rows = session.scalars(
        select(Alert)
        .where(Alert.incident_id == incident.id, Alert.created_at <= at)
        .order_by(Alert.created_at, Alert.id)
        .limit(ALERTS)
    )
    return tuple(
        AlertFact(
            ref=alert.reference,
            id=alert.id,
            title=alert.title,
            description=alert.description,
            labels=dict(alert.labels),
            services=_alert_services(alert, names),
            first_fired=alert.starts_at or alert.created_at,
            count=alert.event_count,
            source_url=alert.source_url,
        )
        for alert in rows
    )


def subject_of(session: Session, incident: Incident, at: datetime) -> Subject:
    names = catalog(session)
    alerts = alerts_of(session, incident, at, names)
    first_alert = min((a.first_fired for a in alerts), default=None)
    impact = (
        incident.impact_started_at or first_alert or incident.reported_at or incident.declared_at
    )
    return Subject(
        ref=incident.reference,
        title=incident.title,
        summary=incident.summary,
        at=at,
        impact_start=impact,
        services=tuple(s.name for s in incident.services),
        labels=dict(incident.labels),
        alerts=alerts,
        catalog=names,
        severity=incident.severity.name,
        incident_id=incident.id,
        next_update_at=incident.next_update_at,
    )
