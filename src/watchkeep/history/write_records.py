"""Write the planned change events, known errors and alerts.

Change events and alerts are the alert domain's tables, written here as rows (an imported
change has no source and no payload; imported alerts belong to one disabled source, so
nothing can send to them, and no escalation or notification starts for them). Known errors
go through the problem domain's service.
"""

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from watchkeep.alert.models import RESOLVED, Alert, AlertEvent, AlertSource, ChangeEvent
from watchkeep.auth import audit
from watchkeep.catalog.models import Service
from watchkeep.core.actor import Actor
from watchkeep.history.check_records import alert_status
from watchkeep.history.directory import SOURCE_NAME, Directory
from watchkeep.history.plan import Plan
from watchkeep.problem import known_errors

SOURCE_KIND = "generic"


def write_changes(
    session: Session,
    *,
    now: datetime,
    plan: Plan,
    directory: Directory,
    services: dict[str, Service],
) -> dict[str, ChangeEvent]:
    """Create the new change events; returns every one the import knows, by external id."""
    changes = dict(directory.changes)
    for given in plan.changes:
        name = directory.service_name(given.service) if given.service else None
        change = ChangeEvent(
            source_id=None,
            payload_id=None,
            service_id=services[name].id if name else None,
            kind=given.kind,
            external_id=given.id,
            summary=given.summary.strip(),
            origin=given.origin,
            details=given.details,
            links=[{"href": link.href, "text": link.text} for link in given.links],
            occurred_at=given.occurred_at,
            # History: it was known when it happened (an investigation as of a past instant
            # counts only what was known by then).
            received_at=given.occurred_at,
        )
        session.add(change)
        changes[given.id] = change
    session.flush()
    return changes


def write_known_errors(session: Session, *, actor: Actor, now: datetime, plan: Plan) -> None:
    for given in plan.known_errors:
        known = known_errors.create(
            session,
            actor=actor,
            title=given.title,
            symptoms=given.symptoms,
            workaround=given.workaround,
            fix_status=given.fix_status,
            fix_link=given.fix_link,
            alert_names=given.alert_names,
            now=given.created_at or now,
        )
        known.active = given.active


def imported_source(
    session: Session, *, actor: Actor, now: datetime, directory: Directory
) -> AlertSource:
    """The disabled source that owns imported alerts, created (and audited) the first time."""
    if directory.source is not None:
        return directory.source
    source = AlertSource(
        name=SOURCE_NAME,
        kind=SOURCE_KIND,
        description="Alerts brought by `watchkeep import`; disabled: nothing sends to it.",
        integration_key=secrets.token_hex(16),
        enabled=False,
        created_at=now,
        updated_at=now,
    )
    session.add(source)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="alert_source:create",
        subject_type="alert_source",
        subject_id=source.id,
        summary=f"Alert source {source.name} created (disabled) for imported alerts",
        changes=audit.created({"name": source.name, "kind": source.kind, "enabled": False}),
        now=now,
    )
    return source


def write_alerts(
    session: Session, *, actor: Actor, now: datetime, plan: Plan, directory: Directory
) -> dict[str, Alert]:
    """Create the new alerts, each with the events that opened (and resolved) it; returns
    every alert the import knows, by key. Their incidents are set once those exist."""
    alerts = dict(directory.alerts)
    if not plan.alerts:
        return alerts
    source = imported_source(session, actor=actor, now=now, directory=directory)
    for key, given in plan.alerts:
        status = alert_status(given)
        ended = given.ends_at if status == RESOLVED else None
        alert = Alert(
            source_id=source.id,
            dedup_key=key,
            status=status,
            title=given.title.strip(),
            description=given.description,
            severity=given.severity,
            labels=given.labels,
            starts_at=given.starts_at,
            ends_at=given.ends_at,
            created_at=given.starts_at,
            last_event_at=given.ends_at or given.starts_at,
            acknowledged_at=given.starts_at if status == "acknowledged" else None,
            resolved_at=ended,
        )
        session.add(alert)
        alerts[key] = alert
    session.flush()
    for key, given in plan.alerts:
        alert = alerts[key]
        events = [("trigger", "opened", given.starts_at)]
        if alert.resolved_at is not None:
            events.append(("resolve", "resolved", alert.resolved_at))
        session.add_all(
            AlertEvent(
                alert_id=alert.id, action=action, outcome=outcome, dedup_key=key, occurred_at=at
            )
            for action, outcome, at in events
        )
    session.flush()
    return alerts
