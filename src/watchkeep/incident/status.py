"""Moving an incident through its lifecycle, merging included."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Invalid
from watchkeep.incident import lifecycle
from watchkeep.incident.access import get_visible, visible_clause
from watchkeep.incident.events import STATUS_CHANGED
from watchkeep.incident.lifecycle import Category, Status, parse_status
from watchkeep.incident.models import Incident
from watchkeep.incident.timeline import ensure_changeable, record, record_change
from watchkeep.jobs.events import publish


def transition(
    session: Session,
    *,
    incident: Incident,
    actor: Actor,
    status: str,
    now: datetime,
    merged_into: str | None = None,
) -> Incident:
    """Move the incident to ``status``; 409 with the allowed next states if not allowed."""
    actor.require(Role.RESPONDER)
    ensure_changeable(incident)
    current, target = Status(incident.status), parse_status(status)
    if target is Status.MERGED:
        if not merged_into:
            raise Invalid(
                "merging needs merged_into: the incident to merge into", field="merged_into"
            )
        return merge(session, incident=incident, actor=actor, into=merged_into, now=now)
    _apply(session, incident=incident, actor=actor, current=current, target=target, now=now)
    return incident


def advance(session: Session, *, incident: Incident, status: str, now: datetime, why: str) -> None:
    """Move the incident on behalf of the system (the post-incident flow as its checklist is
    worked through): no actor; ``why`` is said on the timeline. Refused like any other move
    if the lifecycle does not allow it."""
    ensure_changeable(incident)
    current, target = Status(incident.status), parse_status(status)
    title = f"Status changed from {current.value} to {target.value}: {why}"
    _apply(
        session, incident=incident, actor=None, current=current, target=target, now=now, title=title
    )


def _apply(
    session: Session,
    *,
    incident: Incident,
    actor: Actor | None,
    current: Status,
    target: Status,
    now: datetime,
    extra: dict[str, Any] | None = None,
    title: str | None = None,
) -> None:
    before = lifecycle.Timestamps(
        incident.acknowledged_at, incident.mitigated_at, incident.resolved_at, incident.closed_at
    )
    after = lifecycle.transition(current, target, before, now)
    for name in ("acknowledged_at", "mitigated_at", "resolved_at", "closed_at"):
        old_value, new_value = getattr(before, name), getattr(after, name)
        if old_value != new_value:
            setattr(incident, name, new_value)
            incident.timestamp_sources = {**incident.timestamp_sources, name: "auto"}
    incident.status = target.value
    if lifecycle.category(target) is not Category.LIVE:
        incident.next_update_at = None
    record_change(
        session,
        incident=incident,
        kind="status_changed",
        actor=actor,
        title=title or f"Status changed from {current.value} to {target.value}",
        old=current.value,
        new=target.value,
        **(extra or {}),
        now=now,
    )
    publish(
        session,
        STATUS_CHANGED,
        {"incident_id": incident.id, "old": current.value, "new": target.value},
    )


def merge(
    session: Session, *, incident: Incident, actor: Actor, into: str, now: datetime
) -> Incident:
    """Merge a triage incident into another; it then points to its target and shows there."""
    ensure_changeable(incident)
    target = get_visible(session, ref=into, actor=actor)
    if target.id == incident.id:
        raise Invalid("an incident cannot be merged into itself", field="merged_into")
    if target.status == Status.MERGED.value:
        raise Invalid(
            f"{target.reference} is itself merged; merge into the incident it points to",
            field="merged_into",
        )
    _apply(
        session,
        incident=incident,
        actor=actor,
        current=Status(incident.status),
        target=Status.MERGED,
        now=now,
        extra={"merged_into": target.reference},
        title=f"Merged into {target.reference}",
    )
    incident.merged_into_id = target.id
    record(
        session,
        incident=target,
        kind="incident_merged",
        actor=actor,
        title=f"{incident.reference} “{incident.title}” was merged into this incident",
        payload={"merged": incident.reference, "merged_id": incident.id},
        now=now,
    )
    session.flush()
    return incident


def merged_into_this(session: Session, *, incident: Incident, actor: Actor) -> list[str]:
    """The references of the incidents merged into ``incident`` that ``actor`` may see."""
    numbers = session.scalars(
        select(Incident.number)
        .where(Incident.merged_into_id == incident.id, visible_clause(actor))
        .order_by(Incident.number)
    )
    return [f"INC-{number}" for number in numbers]
