"""Post status updates; each sets when the next is due and schedules a reminder for then."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Invalid
from watchkeep.incident import lifecycle
from watchkeep.incident.lifecycle import Category, Status
from watchkeep.incident.models import Incident, StatusUpdate
from watchkeep.incident.status import transition
from watchkeep.incident.timeline import ensure_changeable, record
from watchkeep.jobs import service as jobs

UPDATE_DUE = "incident.update_due"
DEFAULT_UPDATE_MINUTES = 30  # the setting's default (update_interval_minutes)


def post(
    session: Session,
    *,
    incident: Incident,
    actor: Actor,
    message: str,
    status: str | None = None,
    next_update_in_minutes: int | None = None,
    default_interval_minutes: int = 30,
    now: datetime,
) -> StatusUpdate:
    """Publish an update (optionally moving the status with it) and set the next one's due time.

    While the incident is live, a reminder job is scheduled for the due time; posting again
    before then makes that reminder find nothing overdue.
    """
    actor.require(Role.RESPONDER)
    ensure_changeable(incident)
    message = message.strip()
    if not message:
        raise Invalid("an update needs a message", field="message")
    if next_update_in_minutes is not None and not 1 <= next_update_in_minutes <= 7 * 24 * 60:
        raise Invalid(
            "next_update_in_minutes must be between 1 and 10080 (a week)",
            field="next_update_in_minutes",
        )
    if status is not None and status != incident.status:
        transition(session, incident=incident, actor=actor, status=status, now=now)
    live = lifecycle.category(Status(incident.status)) in (Category.LIVE, Category.TRIAGE)
    next_at = (
        now + timedelta(minutes=next_update_in_minutes or default_interval_minutes)
        if live
        else None
    )
    update = StatusUpdate(
        incident_id=incident.id,
        author_id=actor.user_id,
        message=message,
        status=incident.status,
        severity_name=incident.severity.name,
        next_update_at=next_at,
        created_at=now,
    )
    session.add(update)
    session.flush()
    expect_update(session, incident=incident, due_at=next_at, key=str(update.id), now=now)
    record(
        session,
        incident=incident,
        kind="status_update",
        actor=actor,
        title=f"Update: {message.splitlines()[0][:200]}",
        description=message,
        payload={
            "update_id": update.id,
            "status": incident.status,
            "next_update_at": next_at.isoformat() if next_at else None,
        },
        now=now,
    )
    return update


def expect_update(
    session: Session, *, incident: Incident, due_at: datetime | None, key: str, now: datetime
) -> None:
    """Set when the next status update is due (None: none is), with a reminder job for then;
    ``key`` names what set it (an update's id, or the declaration), so it is set once."""
    incident.next_update_at = due_at
    if due_at is None:
        return
    jobs.enqueue(
        session,
        kind=UPDATE_DUE,
        payload={"incident_id": incident.id, "due_at": due_at.isoformat()},
        due_at=due_at,
        idempotency_key=f"{UPDATE_DUE}:{key}",
        now=now,
    )


def expect_first_update(
    session: Session, *, incident: Incident, default_minutes: int, now: datetime
) -> None:
    """At declaring: the first update is due after the severity's time (or the default)."""
    minutes = incident.severity.update_minutes or default_minutes
    due_at = now + timedelta(minutes=minutes)
    expect_update(session, incident=incident, due_at=due_at, key=f"declared:{incident.id}", now=now)


def list_updates(session: Session, *, incident_id: int) -> list[StatusUpdate]:
    return list(
        session.scalars(
            select(StatusUpdate)
            .where(StatusUpdate.incident_id == incident_id)
            .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())
        )
    )


def is_overdue(incident: Incident, now: datetime) -> bool:
    """Whether the incident's next status update was due by ``now``."""
    return incident.next_update_at is not None and incident.next_update_at <= now
