"""Reading an incident's record into the drafter's plain values."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.alert.models import ChangeEvent, IncidentChange
from watchkeep.assist.drafting.record import (
    ChangeFact,
    Entry,
    FollowUpFact,
    KnownErrorFact,
    ProblemFact,
    Record,
    SimilarFact,
    Update,
)
from watchkeep.assist.verdicts import confirmed
from watchkeep.followup.service import list_for_incident
from watchkeep.incident import customfields
from watchkeep.incident.models import Incident, TimelineEntry
from watchkeep.incident.updates import list_updates
from watchkeep.problem.matching import matches_for_incident
from watchkeep.problem.models import Problem, ProblemIncident


def record_of(
    session: Session, incident: Incident, similar: tuple[SimilarFact, ...] = ()
) -> Record:
    """Everything the drafter may use about ``incident`` (``similar``: past incidents like
    it, already filtered for the reader)."""
    entries = session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.incident_id == incident.id)
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    )
    changes = session.scalars(
        select(ChangeEvent)
        .join(IncidentChange, IncidentChange.change_event_id == ChangeEvent.id)
        .where(IncidentChange.incident_id == incident.id)
        .order_by(ChangeEvent.occurred_at, ChangeEvent.id)
    )
    problems = session.scalars(
        select(Problem)
        .join(ProblemIncident, ProblemIncident.problem_id == Problem.id)
        .where(ProblemIncident.incident_id == incident.id)
        .order_by(Problem.number)
    )
    return Record(
        reference=incident.reference,
        title=incident.title,
        summary=incident.summary,
        severity=incident.severity.name,
        type=incident.type.name,
        status=incident.status,
        declared_at=incident.declared_at,
        impact_started_at=incident.impact_started_at,
        reported_at=incident.reported_at,
        acknowledged_at=incident.acknowledged_at,
        mitigated_at=incident.mitigated_at,
        resolved_at=incident.resolved_at,
        reporter=incident.reporter.name if incident.reporter else None,
        root_cause=incident.root_cause,
        resolution=incident.resolution,
        services=tuple(
            (s.name, s.owner_team.name if s.owner_team else None) for s in incident.services
        ),
        custom_fields=customfields.values_of(session, incident_id=incident.id),
        entries=tuple(
            Entry(
                e.id,
                e.kind,
                e.occurred_at,
                e.actor.name if e.actor else None,
                e.title,
                e.payload,
                e.pinned,
            )
            for e in entries
        ),
        updates=tuple(
            Update(u.id, u.created_at, u.author.name if u.author else None, u.status, u.message)
            for u in sorted(list_updates(session, incident_id=incident.id), key=lambda u: u.id)
        ),
        follow_ups=tuple(
            FollowUpFact(f.id, f.title, f.owner.name if f.owner else None, f.status, f.due_at)
            for f in list_for_incident(session, incident_id=incident.id)
        ),
        changes=tuple(
            ChangeFact(
                c.id,
                c.reference,
                c.kind,
                c.summary,
                c.occurred_at,
                c.service.name if c.service else None,
                " ".join(str(v) for v in c.details.values() if isinstance(v, str | int)),
            )
            for c in changes
        ),
        problems=tuple(ProblemFact(p.id, p.reference, p.title, p.root_cause) for p in problems),
        known_errors=tuple(
            KnownErrorFact(
                m.known_error.id,
                m.known_error.reference,
                m.known_error.title,
                tuple(m.known_error.workaround),
            )
            for m in matches_for_incident(session, incident_id=incident.id)
            if not m.dismissed
        ),
        similar=similar,
        confirmed=frozenset(v.key for v in confirmed(session, incident_id=incident.id)),
    )
