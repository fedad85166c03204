"""Storing many payloads in one transaction in a few statements (what the intake's groups do).

The rules are :mod:`ingest`'s; only the number of statements differs. One statement stores
every payload; one reads (and locks) the open alerts of every key; one inserts every new
alert, the partial unique index arbitrating as before; one stores every event and one
enqueues every ``alert.opened``. Signals that need the one-at-a-time path take it: a key that
comes more than once in the group (its events must apply in order), an acknowledge or a
resolve, and a new key that another transaction opened between the read and the insert.
"""

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, lazyload

from watchkeep.alert import ingest
from watchkeep.alert.events import ALERT_OPENED
from watchkeep.alert.models import Alert, AlertSource
from watchkeep.alert.normalize import Signal
from watchkeep.jobs.events import publish_many


@dataclass(frozen=True)
class Received:
    """One accepted payload, as its request brought it."""

    source: AlertSource
    format: str
    body: Any
    signals: Sequence[Signal]
    now: datetime


@dataclass
class _Event:
    item: int  # which payload
    signal: Signal
    key: str
    outcome: ingest.Outcome | None = None


def accept_many(
    session: Session, received: Sequence[Received], decisions: ingest.Decisions
) -> list[list[ingest.Outcome]]:
    """Store every payload and apply its events; the outcomes of each, in order."""
    if not received:
        return []
    payload_ids = list(
        session.scalars(
            insert(ingest.PAYLOADS).returning(ingest.PAYLOADS.c.id, sort_by_parameter_order=True),
            [
                {"source_id": r.source.id, "format": r.format, "body": r.body, "received_at": r.now}
                for r in received
            ],
        )
    )
    events = [
        _Event(index, signal, signal.dedup_key or uuid.uuid4().hex)
        for index, item in enumerate(received)
        for signal in item.signals
    ]
    counts = Counter((received[e.item].source.id, e.key) for e in events)
    quick = [e for e in events if e.signal.action == "trigger" and counts[_id(received, e)] == 1]
    _triggers(session, received, quick, decisions)
    rows: list[dict[str, Any]] = []
    for event in events:
        if event.outcome is None:  # the one-at-a-time path, in order
            item = received[event.item]
            event.outcome = ingest.apply_one(
                session, item.source, event.signal, decisions, item.now, rows, key=event.key
            )
            rows[-1].update(payload_id=payload_ids[event.item], occurred_at=item.now)
        else:
            rows.append(
                {
                    "alert_id": event.outcome.alert_id,
                    "action": event.signal.action,
                    "outcome": event.outcome.outcome,
                    "dedup_key": event.key,
                    "actor_id": None,
                    "payload_id": payload_ids[event.item],
                    "occurred_at": received[event.item].now,
                }
            )
    if rows:
        session.execute(insert(ingest.EVENTS), rows)
    results: list[list[ingest.Outcome]] = [[] for _ in received]
    for event in events:
        assert event.outcome is not None  # every event took one path or the other
        results[event.item].append(event.outcome)
    return results


def _id(received: Sequence[Received], event: _Event) -> tuple[int, str]:
    return received[event.item].source.id, event.key


def _triggers(
    session: Session,
    received: Sequence[Received],
    quick: list[_Event],
    decisions: ingest.Decisions,
) -> None:
    """Triggers of keys that come once: add to the open alerts, insert the new ones together.
    A trigger whose insert another transaction beat is left to the one-at-a-time path."""
    if not quick:
        return
    wanted: dict[int, list[str]] = {}
    for event in quick:
        wanted.setdefault(received[event.item].source.id, []).append(event.key)
    # Per source, not as (source, key) pairs: SQLite reads a row-value IN by scanning the table.
    keys_of = or_(*(and_(Alert.source_id == s, Alert.dedup_key.in_(k)) for s, k in wanted.items()))
    open_alerts = {
        (a.source_id, a.dedup_key): a
        for a in session.scalars(
            select(Alert).where(keys_of, ingest.OPEN_ALERT).options(lazyload("*")).with_for_update()
        )
    }
    new: list[_Event] = []
    for event in quick:
        found = open_alerts.get(_id(received, event))
        if found is None:
            new.append(event)
            continue
        ingest.refresh(found, event.signal, received[event.item].now)
        event.outcome = ingest.Outcome(event.key, ingest.UPDATED, found.id)
    if not new:
        return
    values = [
        ingest.new_alert_values(
            received[e.item].source, e.key, e.signal, decisions, received[e.item].now
        )
        for e in new
    ]
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ingest.ALERTS)
    inserted = {
        (row.source_id, row.dedup_key): row.id
        for row in session.execute(
            statement.on_conflict_do_nothing(
                index_elements=["source_id", "dedup_key"], index_where=ingest.OPEN_ALERT
            ).returning(ingest.ALERTS.c.source_id, ingest.ALERTS.c.dedup_key, ingest.ALERTS.c.id),
            values,  # many parameter sets, one statement compiled once (not one per group size)
        )
    }
    opened = []
    for event in new:
        alert_id = inserted.get(_id(received, event))
        if alert_id is not None:
            event.outcome = ingest.Outcome(event.key, ingest.OPENED, alert_id)
            opened.append({"alert_id": alert_id})
    publish_many(session, ALERT_OPENED, opened)
