"""Reading alerts, and what people do to them: acknowledge and resolve."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from watchkeep.alert import ingest
from watchkeep.alert.models import ALERT_STATUSES, RESOLVED, Alert, AlertEvent, AlertPayload
from watchkeep.auth.models import User
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid, NotFound


def get(session: Session, *, alert_id: int, lock: bool = False) -> Alert:
    query = select(Alert).where(Alert.id == alert_id)
    if lock:
        query = query.options(lazyload("*")).with_for_update()
    alert = session.scalar(query)
    if alert is None:
        raise NotFound(f"alert ALR-{alert_id} does not exist", field="alert_id")
    return alert


def list_alerts(
    session: Session,
    *,
    status: str | None = None,
    source_id: int | None = None,
    incident_id: int | None = None,
    limit: int = 50,
    before_id: int | None = None,
) -> tuple[list[Alert], bool]:
    """Alerts newest first, and whether older ones follow (page on with ``before_id``)."""
    if status is not None and status not in (*ALERT_STATUSES, "open"):
        raise Invalid(f"status must be one of open, {', '.join(ALERT_STATUSES)}", field="status")
    query = select(Alert).order_by(Alert.id.desc()).limit(limit + 1)
    if status == "open":
        query = query.where(Alert.status != RESOLVED)
    elif status is not None:
        query = query.where(Alert.status == status)
    if source_id is not None:
        query = query.where(Alert.source_id == source_id)
    if incident_id is not None:
        query = query.where(Alert.incident_id == incident_id)
    if before_id is not None:
        query = query.where(Alert.id < before_id)
    rows = list(session.scalars(query))
    return rows[:limit], len(rows) > limit


def events(session: Session, *, alert_id: int) -> list[tuple[AlertEvent, AlertPayload | None]]:
    """What happened to the alert, oldest first, each with the raw payload it came in."""
    query = (
        select(AlertEvent, AlertPayload)
        .outerjoin(AlertPayload, AlertPayload.id == AlertEvent.payload_id)
        .where(AlertEvent.alert_id == alert_id)
        .order_by(AlertEvent.id)
    )
    return [(event, payload) for event, payload in session.execute(query).all()]


@dataclass(frozen=True)
class LogEntry:
    """One event of an alert as its page lists it: the payload it came in, or who acted."""

    event: AlertEvent
    payload: AlertPayload | None
    actor: User | None


def event_log(session: Session, *, alert_id: int) -> list[LogEntry]:
    """What happened to the alert, oldest first, each with its raw payload or its actor."""
    query = (
        select(AlertEvent, AlertPayload, User)
        .outerjoin(AlertPayload, AlertPayload.id == AlertEvent.payload_id)
        .outerjoin(User, User.id == AlertEvent.actor_id)
        .where(AlertEvent.alert_id == alert_id)
        .order_by(AlertEvent.id)
    )
    return [LogEntry(e, p, u) for e, p, u in session.execute(query).all()]


def _record(
    session: Session, alert: Alert, *, action: str, outcome: str, actor: Actor, now: datetime
) -> None:
    session.add(
        AlertEvent(
            alert_id=alert.id,
            action=action,
            outcome=outcome,
            dedup_key=alert.dedup_key,
            actor_id=actor.user_id,
            occurred_at=now,
        )
    )
    session.flush()


def acknowledge(session: Session, *, alert_id: int, actor: Actor, now: datetime) -> Alert:
    """Acknowledge a firing alert (responders): its escalation stops paging with this
    transaction. Acknowledging an acknowledged alert changes nothing; a resolved one is 409."""
    actor.require(Role.RESPONDER)
    alert = get(session, alert_id=alert_id, lock=True)
    if alert.status == RESOLVED:
        raise Conflict(f"{alert.reference} is resolved; there is nothing to acknowledge")
    outcome = ingest.acknowledge(session, alert, actor_id=actor.user_id, now=now)
    _record(session, alert, action="acknowledge", outcome=outcome, actor=actor, now=now)
    return alert


def note_acknowledgement(session: Session, *, alert_id: int, actor: Actor, now: datetime) -> Alert:
    """Note one person's acknowledgement of an alert that needs everyone's (its escalation
    policy's mode ``all``): recorded, the alert stays firing."""
    actor.require(Role.RESPONDER)
    alert = get(session, alert_id=alert_id, lock=True)
    if alert.status == RESOLVED:
        raise Conflict(f"{alert.reference} is resolved; there is nothing to acknowledge")
    _record(session, alert, action="acknowledge", outcome="noted", actor=actor, now=now)
    return alert


def resolve(session: Session, *, alert_id: int, actor: Actor, now: datetime) -> Alert:
    """Resolve an open alert (responders); resolving a resolved alert changes nothing. A later
    trigger with the same key opens a new alert."""
    actor.require(Role.RESPONDER)
    alert = get(session, alert_id=alert_id, lock=True)
    outcome = ingest.resolve(session, alert, actor_id=actor.user_id, now=now)
    _record(session, alert, action="resolve", outcome=outcome, actor=actor, now=now)
    return alert
