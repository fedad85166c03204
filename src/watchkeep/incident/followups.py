"""Follow-ups of incidents: added and closed on the incident's timeline, listed across the
incidents an actor may see (problems' actions included)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor
from watchkeep.followup import service as followups
from watchkeep.followup.models import FollowUp
from watchkeep.incident.access import visible_clause
from watchkeep.incident.models import Incident
from watchkeep.incident.timeline import ensure_changeable, record, record_change


def create(
    session: Session,
    *,
    incident: Incident,
    actor: Actor,
    title: str,
    description: str = "",
    owner_id: int | None = None,
    priority: str = "medium",
    action_type: str = "corrective",
    due_at: datetime | None = None,
    now: datetime,
) -> FollowUp:
    """Add a follow-up to the incident and note it on the incident's timeline."""
    ensure_changeable(incident)
    follow_up = followups.create(
        session,
        actor=actor,
        now=now,
        incident_id=incident.id,
        title=title,
        description=description,
        owner_id=owner_id,
        priority=priority,
        action_type=action_type,
        due_at=due_at,
    )
    record(
        session,
        incident=incident,
        kind="follow_up_created",
        actor=actor,
        title=f"Follow-up added: {follow_up.title}",
        payload={"follow_up_id": follow_up.id, "priority": priority, "owner_id": owner_id},
        now=now,
    )
    return follow_up


def update(
    session: Session,
    *,
    incident: Incident,
    follow_up_id: int,
    actor: Actor,
    now: datetime,
    **fields: object,
) -> FollowUp:
    """Edit one of the incident's follow-ups; a status change goes on its timeline."""
    ensure_changeable(incident)
    before = followups.get(session, follow_up_id=follow_up_id, incident_id=incident.id).status
    follow_up = followups.update(
        session,
        follow_up_id=follow_up_id,
        incident_id=incident.id,
        actor=actor,
        now=now,
        **fields,  # type: ignore[arg-type]
    )
    if follow_up.status != before:
        record_change(
            session,
            incident=incident,
            kind="follow_up_status",
            actor=actor,
            title=f"Follow-up “{follow_up.title}” is now {follow_up.status.replace('_', ' ')}",
            old=before,
            new=follow_up.status,
            follow_up_id=follow_up.id,
            reason=follow_up.not_doing_reason,
            now=now,
        )
    return follow_up


@dataclass(frozen=True)
class FollowUpFilter:
    status: str | None = None
    owner_id: int | None = None
    priority: str | None = None
    action_type: str | None = None


def list_all(
    session: Session, *, actor: Actor, flt: FollowUpFilter, limit: int = 100, offset: int = 0
) -> list[tuple[FollowUp, Incident | None]]:
    """Follow-ups of problems and of the incidents ``actor`` may see, oldest due first."""
    followups.check_filters(
        session, priority=flt.priority, status=flt.status, action_type=flt.action_type
    )
    query = (
        select(FollowUp, Incident)
        .outerjoin(Incident, FollowUp.incident_id == Incident.id)
        .where(or_(FollowUp.incident_id.is_(None), visible_clause(actor)))
        .order_by(FollowUp.status, FollowUp.due_at.is_(None), FollowUp.due_at, FollowUp.id)
    )
    if flt.status:
        query = query.where(FollowUp.status == flt.status)
    if flt.owner_id:
        query = query.where(FollowUp.owner_id == flt.owner_id)
    if flt.priority:
        query = query.where(FollowUp.priority == flt.priority)
    if flt.action_type:
        query = query.where(FollowUp.action_type == flt.action_type)
    rows = session.execute(query.limit(limit).offset(offset))
    return list(rows)
