"""Change events (deploys, merged pull requests, configuration changes) reported by senders.

A change the sender gives a stable id (``external_id``: GitHub's, or an import's) is stored
once: a redelivery finds it stored and stores nothing. A new change on a known service is
announced (``alert.change_recorded``), and the incidents of that service whose window holds it
get it attached (:mod:`watchkeep.alert.attachments`).
"""

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from watchkeep.alert.events import CHANGE_RECORDED
from watchkeep.alert.models import AlertPayload, AlertSource, ChangeEvent
from watchkeep.alert.normalize import Change
from watchkeep.core.errors import NotFound
from watchkeep.jobs.events import publish

CHANGES = cast(Table, ChangeEvent.__table__)


def record(
    session: Session,
    *,
    source: AlertSource,
    body: Any,
    change: Change,
    now: datetime,
    format: str = "pagerduty_change",
) -> tuple[ChangeEvent, bool]:
    """Store the payload and the change, which concerns the source's service if it has one;
    ``True`` with it when it is new. A change whose ``external_id`` is stored already is not
    stored again, nor its payload: the stored one is returned, with ``False``."""
    if change.external_id is not None:
        stored = find_by_external_id(session, external_id=change.external_id)
        if stored is not None:
            return stored, False
    payload = AlertPayload(source_id=source.id, format=format, body=body, received_at=now)
    session.add(payload)
    session.flush()
    change_id = _insert(session, _values(source, payload, change, now))
    if change_id is None:  # a concurrent delivery of the same change stored it first
        session.execute(delete(AlertPayload).where(AlertPayload.id == payload.id))
        return _by_external_id(session, change.external_id), False
    event = session.get_one(ChangeEvent, change_id)
    if event.service_id is not None:
        publish(session, CHANGE_RECORDED, {"change_id": event.id})
    return event, True


def _values(
    source: AlertSource, payload: AlertPayload, change: Change, now: datetime
) -> dict[str, Any]:
    return {
        "source_id": source.id,
        "payload_id": payload.id,
        "service_id": source.service_id,
        "kind": change.kind,
        "external_id": change.external_id,
        "summary": change.summary,
        "origin": change.source,
        "details": dict(change.details),
        "links": [{"href": link.href, "text": link.text} for link in change.links],
        "occurred_at": change.timestamp or now,
        "received_at": now,
    }


def _insert(session: Session, values: dict[str, Any]) -> int | None:
    """The new change's id, or ``None`` when its external id is taken (one statement, so
    concurrent deliveries of one change store it once)."""
    if values["external_id"] is None:
        return session.execute(CHANGES.insert().values(values).returning(CHANGES.c.id)).scalar()
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(CHANGES)
    return session.execute(
        statement.values(values)
        .on_conflict_do_nothing(index_elements=["external_id"])
        .returning(CHANGES.c.id)
    ).scalar()


def find_by_external_id(session: Session, *, external_id: str) -> ChangeEvent | None:
    return session.scalar(select(ChangeEvent).where(ChangeEvent.external_id == external_id))


def _by_external_id(session: Session, external_id: str | None) -> ChangeEvent:
    found = find_by_external_id(session, external_id=external_id) if external_id else None
    if found is None:
        raise RuntimeError(f"change {external_id!r}: neither stored nor found")
    return found


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
