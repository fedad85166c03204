"""Change events (deploys, configuration changes) reported by senders."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.alert.models import AlertPayload, AlertSource, ChangeEvent
from watchkeep.alert.normalize import Change
from watchkeep.core.errors import NotFound


def record(
    session: Session, *, source: AlertSource, body: Any, change: Change, now: datetime
) -> ChangeEvent:
    """Store the payload and the change; it concerns the source's service, if it has one."""
    payload = AlertPayload(
        source_id=source.id, format="pagerduty_change", body=body, received_at=now
    )
    session.add(payload)
    session.flush()
    event = ChangeEvent(
        source_id=source.id,
        payload_id=payload.id,
        service_id=source.service_id,
        summary=change.summary,
        origin=change.source,
        details=dict(change.details),
        links=[{"href": link.href, "text": link.text} for link in change.links],
        occurred_at=change.timestamp or now,
        received_at=now,
    )
    session.add(event)
    session.flush()
    return event


def get(session: Session, *, change_id: int) -> ChangeEvent:
    event = session.get(ChangeEvent, change_id)
    if event is None:
        raise NotFound(f"change CHG-{change_id} does not exist", field="change_id")
    return event


def list_changes(
    session: Session,
    *,
    service_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
) -> list[ChangeEvent]:
    """Changes newest first, optionally of one service and within [since, until)."""
    query = select(ChangeEvent).order_by(ChangeEvent.occurred_at.desc(), ChangeEvent.id.desc())
    if service_id is not None:
        query = query.where(ChangeEvent.service_id == service_id)
    if since is not None:
        query = query.where(ChangeEvent.occurred_at >= since)
    if until is not None:
        query = query.where(ChangeEvent.occurred_at < until)
    return list(session.scalars(query.limit(limit)))
