"""Declaring incidents: by hand, and from an alert."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from watchkeep.auth.models import User
from watchkeep.catalog.models import Service
from watchkeep.catalog.service import get_services
from watchkeep.core.actor import Actor, Role
from watchkeep.core.counter import next_value
from watchkeep.core.errors import Invalid
from watchkeep.core.limits import TEXT_LENGTH, TITLE_LENGTH
from watchkeep.incident import customfields, lifecycle, roles
from watchkeep.incident.access import add_participant
from watchkeep.incident.events import announce_change
from watchkeep.incident.lifecycle import Status, parse_status
from watchkeep.incident.models import Incident, IncidentType, Severity
from watchkeep.incident.severities import default_type, get_severity, get_type, list_severities
from watchkeep.incident.timeline import record
from watchkeep.incident.updates import DEFAULT_UPDATE_MINUTES, expect_first_update


def declare(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    title: str,
    severity: str | int,
    summary: str = "",
    incident_type: str | int | None = None,
    status: str = "investigating",
    service_ids: list[int] | None = None,
    private: bool | None = None,
    custom_fields: dict[str, Any] | None = None,
    lead_id: int | None = None,
    impact_started_at: datetime | None = None,
    default_update_minutes: int = DEFAULT_UPDATE_MINUTES,
    labels: dict[str, str] | None = None,
) -> Incident:
    """Declare an incident at ``now``; the reporter is the actor and, unless given, also the
    lead. The first status update is due after the severity's time, else
    ``default_update_minutes``. ``labels`` are its alerts' labels (``alertname`` among them),
    which similar-incident search and known-error matching use."""
    actor.require(Role.RESPONDER)
    title = title.strip()
    if not title:
        raise Invalid("title must not be empty", field="title")
    start = parse_status(status)
    if start not in lifecycle.DECLARABLE:
        raise Invalid(
            f"an incident is declared in triage or a live status, not {start.value}",
            field="status",
        )
    sev = get_severity(session, ref=severity)
    kind = (
        get_type(session, ref=incident_type) if incident_type is not None else default_type(session)
    )
    services = get_services(session, service_ids=service_ids or [])
    fields = {
        customfields.get_field(session, ref=name): value
        for name, value in (custom_fields or {}).items()
    }
    missing = customfields.missing_required(session, {f.name: v for f, v in fields.items()})
    if missing:
        raise Invalid(
            f"required custom fields missing: {', '.join(missing)}", field="custom_fields"
        )
    if lead_id is not None and session.get(User, lead_id) is None:
        raise Invalid(f"lead {lead_id} is not a user", field="lead_id")
    if impact_started_at is not None and impact_started_at > now:
        raise Invalid("impact_started_at must not be in the future", field="impact_started_at")

    incident = _create(
        session,
        now=now,
        title=title,
        summary=summary,
        start=start,
        severity=sev,
        kind=kind,
        private=private,
        services=services,
        reporter_id=actor.user_id,
        labels=labels,
    )
    if impact_started_at is not None:
        incident.impact_started_at = impact_started_at
        incident.timestamp_sources["impact_started_at"] = "manual"
    add_participant(session, incident_id=incident.id, user_id=actor.user_id, now=now)
    record(
        session,
        incident=incident,
        kind="declared",
        actor=actor,
        title=f"{actor.name} declared the incident as {sev.name} ({start.value})",
        payload={
            "status": start.value,
            "severity": sev.name,
            "type": kind.name,
            "services": [s.name for s in services],
            "private": incident.private,
        },
        now=now,
    )
    for field, value in fields.items():
        customfields.set_value(session, incident_id=incident.id, field=field, value=value)
    roles.assign(
        session, incident=incident, role=roles.REPORTER, user_id=actor.user_id, actor=actor, now=now
    )
    roles.assign(
        session,
        incident=incident,
        role=roles.LEAD,
        user_id=lead_id or actor.user_id,
        actor=actor,
        now=now,
    )
    expect_first_update(session, incident=incident, default_minutes=default_update_minutes, now=now)
    announce_change(session, incident=incident, fields=["declared"])
    return incident


def _create(
    session: Session,
    *,
    now: datetime,
    title: str,
    summary: str,
    start: Status,
    severity: Severity,
    kind: IncidentType,
    private: bool | None,
    services: list[Service],
    reporter_id: int | None,
    labels: dict[str, str] | None = None,
) -> Incident:
    incident = Incident(
        number=next_value(session, "incident"),
        title=title,
        summary=summary.strip(),
        status=start.value,
        severity_id=severity.id,
        type_id=kind.id,
        private=kind.private_by_default if private is None else private,
        reporter_id=reporter_id,
        reported_at=now,
        declared_at=now,
        acknowledged_at=now if start is not Status.TRIAGE else None,
        timestamp_sources=dict.fromkeys(("reported_at", "declared_at"), "auto"),
        updated_at=now,
        labels=labels or {},
    )
    if incident.acknowledged_at is not None:
        incident.timestamp_sources["acknowledged_at"] = "auto"
    incident.services = services
    session.add(incident)
    session.flush()
    return incident


def open_from_alert(
    session: Session,
    *,
    now: datetime,
    title: str,
    summary: str,
    severity: str | int | None,
    incident_type: int | None,
    service_ids: list[int],
    labels: dict[str, str],
    alert_reference: str,
    source_name: str,
) -> Incident:
    """Open an incident in triage for an alert (a route said so): no reporter or lead yet,
    the alert's labels kept for similar-incident search and known-error matching. Without a
    severity it gets the least severe one."""
    sev = (
        get_severity(session, ref=severity)
        if severity is not None
        else list_severities(session)[-1]
    )
    kind = (
        get_type(session, ref=incident_type) if incident_type is not None else default_type(session)
    )
    incident = _create(
        session,
        now=now,
        title=title.strip()[:TITLE_LENGTH] or alert_reference,
        summary=summary[:TEXT_LENGTH],
        start=Status.TRIAGE,
        severity=sev,
        kind=kind,
        private=None,
        services=get_services(session, service_ids=service_ids),
        reporter_id=None,
        labels=labels,
    )
    record(
        session,
        incident=incident,
        kind="declared",
        actor=None,
        title=f"Opened from alert {alert_reference} ({source_name}) as {sev.name} (triage)",
        payload={
            "status": Status.TRIAGE.value,
            "severity": sev.name,
            "type": kind.name,
            "services": [s.name for s in incident.services],
            "private": incident.private,
            "alert": alert_reference,
        },
        now=now,
    )
    expect_first_update(session, incident=incident, default_minutes=DEFAULT_UPDATE_MINUTES, now=now)
    announce_change(session, incident=incident, fields=["declared"])
    return incident
