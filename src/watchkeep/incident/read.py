"""Turn incident models into API bodies (shared by the API and the CLI's local mode)."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.catalog.models import Service
from watchkeep.core.actor import Actor
from watchkeep.followup.models import FollowUp
from watchkeep.incident import customfields, lifecycle, roles, timestamps
from watchkeep.incident.access import can_view
from watchkeep.incident.lifecycle import Status
from watchkeep.incident.models import (
    TIMESTAMP_NAMES,
    Incident,
    IncidentType,
    Severity,
    StatusUpdate,
    TimelineEntry,
    incident_service,
)
from watchkeep.incident.schemas import (
    FollowUpRead,
    IncidentRead,
    IncidentSummary,
    Ref,
    RoleRead,
    TimelineEditRead,
    TimelineEntryRead,
    UpdateRead,
)
from watchkeep.incident.status import merged_into_this
from watchkeep.incident.updates import is_overdue


def summaries(session: Session, ids: list[int]) -> list[IncidentSummary]:
    """The summaries of these incidents, in this order. Read as columns: for a page of
    them that is several times cheaper than loading whole incidents with their relations."""
    services: dict[int, list[Ref]] = defaultdict(list)
    for incident_id, service_id, name in session.execute(
        select(incident_service.c.incident_id, Service.id, Service.name)
        .join(Service, Service.id == incident_service.c.service_id)
        .where(incident_service.c.incident_id.in_(ids))
        .order_by(Service.name)
    ):
        services[incident_id].append(Ref(id=service_id, name=name))
    rows = session.execute(
        select(
            Incident.id,
            Incident.number,
            Incident.title,
            Incident.status,
            Incident.private,
            Incident.declared_at,
            Incident.resolved_at,
            Incident.next_update_at,
            Severity.id,
            Severity.name,
            IncidentType.id,
            IncidentType.name,
        )
        .join(Severity, Severity.id == Incident.severity_id)
        .join(IncidentType, IncidentType.id == Incident.type_id)
        .where(Incident.id.in_(ids))
    )
    found = {}
    for row in rows:
        (incident_id, number, title, status, private, declared, resolved, next_update) = row[:8]
        found[incident_id] = IncidentSummary(
            id=incident_id,
            reference=f"INC-{number}",
            title=title,
            status=Status(status),
            category=lifecycle.category(Status(status)),
            severity=Ref(id=row[8], name=row[9]),
            type=Ref(id=row[10], name=row[11]),
            services=services[incident_id],
            private=private,
            declared_at=declared,
            resolved_at=resolved,
            next_update_at=next_update,
        )
    return [found[i] for i in ids]


def incident_read(
    session: Session, incident: Incident, actor: Actor, *, now: datetime
) -> IncidentRead:
    """The whole incident as ``actor`` sees it; whether an update is overdue is as of ``now``."""
    status = Status(incident.status)
    base = IncidentSummary.of(incident).model_dump()
    return IncidentRead(
        **base,
        summary=incident.summary,
        reporter=Ref(id=incident.reporter.id, name=incident.reporter.name)
        if incident.reporter
        else None,
        merged_into=incident.merged_into.reference
        if incident.merged_into and can_view(session, incident.merged_into, actor)
        else None,
        merged=merged_into_this(session, incident=incident, actor=actor),
        allowed_next=sorted(lifecycle.allowed_next(status)),
        timestamps={name: getattr(incident, name) for name in TIMESTAMP_NAMES},
        timestamp_sources=incident.timestamp_sources,
        durations=timestamps.durations(incident),
        roles=[
            RoleRead(
                role=a.role_type.slug,
                name=a.role_type.name,
                user=Ref(id=a.user.id, name=a.user.name),
                assigned_at=a.assigned_at,
            )
            for a in roles.assignments(session, incident_id=incident.id)
        ],
        custom_fields=customfields.values_of(session, incident_id=incident.id),
        labels=incident.labels,
        update_overdue=lifecycle.is_live(status) and is_overdue(incident, now),
        root_cause=incident.root_cause,
        resolution=incident.resolution,
        external_ref=incident.external_ref,
    )


def entry_read(entry: TimelineEntry) -> TimelineEntryRead:
    return TimelineEntryRead(
        id=entry.id,
        kind=entry.kind,
        actor=Ref(id=entry.actor.id, name=entry.actor.name) if entry.actor else None,
        occurred_at=entry.occurred_at,
        title=entry.title,
        description=entry.description,
        payload=entry.payload,
        pinned=entry.pinned,
        edits=[
            TimelineEditRead(
                editor_id=e.editor_id, edited_at=e.edited_at, before=e.before, after=e.after
            )
            for e in entry.edits
        ],
    )


def update_read(update: StatusUpdate) -> UpdateRead:
    return UpdateRead(
        id=update.id,
        message=update.message,
        status=Status(update.status),
        severity=update.severity_name,
        author=Ref(id=update.author.id, name=update.author.name) if update.author else None,
        created_at=update.created_at,
        next_update_at=update.next_update_at,
    )


def follow_up_read(follow_up: FollowUp, reference: str | None) -> FollowUpRead:
    return FollowUpRead(
        id=follow_up.id,
        incident=reference,
        problem_id=follow_up.problem_id,
        action_type=follow_up.action_type,
        title=follow_up.title,
        description=follow_up.description,
        owner=Ref(id=follow_up.owner.id, name=follow_up.owner.name) if follow_up.owner else None,
        priority=follow_up.priority,
        due_at=follow_up.due_at,
        status=follow_up.status,
        not_doing_reason=follow_up.not_doing_reason,
        created_at=follow_up.created_at,
        completed_at=follow_up.completed_at,
    )
