"""Accepting events: the raw payload and what each event did, stored in the caller's
transaction, so that the sender's 2xx means "stored".

Deduplication follows PagerDuty's rules for every format: a trigger on a key with an open
(firing or acknowledged) alert adds to it; on a key whose alert is resolved, or a new key, it
opens a new alert; an acknowledge or resolve of a key with no open alert is accepted and
dropped. The open alert of a key is locked while an event changes it, and at most one alert
per source and key is open (a unique index), so concurrent senders in any number of
processes neither lose an event nor open two alerts for one key.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, lazyload

from watchkeep.alert import routing, silences
from watchkeep.alert.events import ALERT_ACKNOWLEDGED, ALERT_OPENED, ALERT_RESOLVED, announce
from watchkeep.alert.models import (
    ACKNOWLEDGED,
    FIRING,
    RESOLVED,
    Alert,
    AlertEvent,
    AlertPayload,
    AlertSource,
)
from watchkeep.alert.normalize import Link, Signal

# The predicate of the partial unique index, written as the index has it: PostgreSQL matches
# an ON CONFLICT target against the index by its text, and a bound parameter would not match.
OPEN_ALERT = text("status <> 'resolved'")

# Written as tables, not entities: plain inserts skip the ORM's bulk-insert machinery.
PAYLOADS = cast(Table, AlertPayload.__table__)
EVENTS = cast(Table, AlertEvent.__table__)
ALERTS = cast(Table, Alert.__table__)

OPENED = "opened"
UPDATED = "updated"
DROPPED = "dropped"
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Outcome:
    """What one event did: ``opened``, ``updated``, ``acknowledged``, ``resolved``,
    ``unchanged`` (already so) or ``dropped`` (no open alert with that key)."""

    dedup_key: str
    outcome: str
    alert_id: int | None


class Decisions:
    """The routes and the silences in force, read once per transaction (only if an alert
    opens) for every payload stored in it."""

    def __init__(self, session: Session, now: datetime) -> None:
        self._session = session
        self._now = now
        self._routes: list[routing.Rule] | None = None
        self._silences: list[silences.Rule] | None = None

    def decide(
        self, *, source_id: int, labels: Mapping[str, str], severity: str | None, now: datetime
    ) -> dict[str, Any]:
        """A new alert's ``route_id``, ``urgency`` and ``silence_id``."""
        if self._routes is None:
            self._routes = routing.rules(self._session)
            self._silences = silences.active_rules(self._session, now=self._now)
        route_id, urgency = routing.decide(
            self._routes, source_id=source_id, labels=labels, severity=severity
        )
        silence_id = silences.decide(
            self._silences or [], source_id=source_id, labels=labels, now=now
        )
        return {"route_id": route_id, "urgency": urgency, "silence_id": silence_id}


def accept(
    session: Session,
    *,
    source: AlertSource,
    format: str,
    body: Any,
    signals: Sequence[Signal],
    now: datetime,
    decisions: Decisions | None = None,
) -> list[Outcome]:
    """Store ``body`` as it came and apply each of its events, in order. Payloads stored in
    one transaction may share their ``decisions``."""
    payload_id = session.execute(
        insert(PAYLOADS)
        .values(source_id=source.id, format=format, body=body, received_at=now)
        .returning(PAYLOADS.c.id)
    ).scalar_one()
    decisions = decisions or Decisions(session, now)
    events: list[dict[str, Any]] = []
    outcomes = [apply_one(session, source, signal, decisions, now, events) for signal in signals]
    if events:
        session.execute(
            insert(EVENTS),
            [{**e, "payload_id": payload_id, "occurred_at": now} for e in events],
        )
    return outcomes


def _open_alert(session: Session, source_id: int, key: str) -> Alert | None:
    return session.scalar(
        select(Alert)
        .where(Alert.source_id == source_id, Alert.dedup_key == key, Alert.status != RESOLVED)
        .options(lazyload("*"))
        .with_for_update()
    )


def apply_one(
    session: Session,
    source: AlertSource,
    signal: Signal,
    decisions: Decisions,
    now: datetime,
    events: list[dict[str, Any]],
    *,
    key: str | None = None,
) -> Outcome:
    """Apply one event (its alert read and locked on its own) and note it in ``events``."""
    key = key or signal.dedup_key or uuid.uuid4().hex
    alert_id: int | None
    if signal.action == "trigger":
        alert_id, outcome = _trigger(session, source, key, signal, decisions, now)
    else:
        alert = _open_alert(session, source.id, key)
        alert_id = alert.id if alert is not None else None
        if alert is None:
            outcome = DROPPED
        elif signal.action == "acknowledge":
            outcome = acknowledge(session, alert, actor_id=None, now=now)
        else:
            outcome = resolve(session, alert, actor_id=None, now=now)
            if signal.ends_at is not None:
                alert.ends_at = signal.ends_at
    events.append(
        {
            "alert_id": alert_id,
            "action": signal.action,
            "outcome": outcome,
            "dedup_key": key,
            "actor_id": None,
        }
    )
    return Outcome(key, outcome, alert_id)


def _trigger(
    session: Session,
    source: AlertSource,
    key: str,
    signal: Signal,
    decisions: Decisions,
    now: datetime,
) -> tuple[int, str]:
    """Open an alert for the key, or add to its open one. The insert and the unique index
    decide between concurrent transactions: the one whose insert is refused adds to the alert
    that won (a third refusal is not a race and is raised)."""
    for _attempt in range(3):
        opened = _open(session, source, key, signal, decisions, now)
        if opened is not None:
            return opened, OPENED
        alert = _open_alert(session, source.id, key)
        if alert is not None:
            refresh(alert, signal, now)
            return alert.id, UPDATED
    raise RuntimeError(f"alert key {key!r}: neither opened nor found open three times")


def _links(links: Sequence[Link]) -> list[dict[str, str]]:
    return [{"href": link.href, "text": link.text} for link in links]


def _open(
    session: Session,
    source: AlertSource,
    key: str,
    signal: Signal,
    decisions: Decisions,
    now: datetime,
) -> int | None:
    """The id of a new alert for ``key``, or ``None`` if one is open (one statement: the
    partial unique index refuses a second open alert of a key)."""
    values = new_alert_values(source, key, signal, decisions, now)
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ALERTS)
    alert_id: int | None = session.execute(
        statement.values(values)
        .on_conflict_do_nothing(index_elements=["source_id", "dedup_key"], index_where=OPEN_ALERT)
        .returning(ALERTS.c.id)
    ).scalar()
    if alert_id is not None:
        announce(session, ALERT_OPENED, alert_id)
    return alert_id


def new_alert_values(
    source: AlertSource, key: str, signal: Signal, decisions: Decisions, now: datetime
) -> dict[str, Any]:
    """The columns of a new alert for ``key``, routed and checked against the silences."""
    labels = dict(signal.labels)
    return {
        "source_id": source.id,
        "dedup_key": key,
        "status": FIRING,
        "title": signal.title,
        "description": signal.description,
        "severity": signal.severity,
        "labels": labels,
        "annotations": dict(signal.annotations),
        "links": _links(signal.links + signal.images),
        "details": dict(signal.details),
        "source_url": signal.source_url,
        "group_key": signal.group_key,
        "starts_at": signal.starts_at or now,
        "ends_at": signal.ends_at,
        "event_count": 1,
        "created_at": now,
        "last_event_at": now,
        **decisions.decide(source_id=source.id, labels=labels, severity=signal.severity, now=now),
    }


def refresh(alert: Alert, signal: Signal, now: datetime) -> None:
    """A repeated trigger: the newest description and details win; the rest accumulates."""
    alert.title = signal.title or alert.title
    alert.description = signal.description or alert.description
    alert.severity = signal.severity or alert.severity
    alert.labels = {**alert.labels, **signal.labels}
    alert.annotations = {**alert.annotations, **signal.annotations}
    known = {link["href"] for link in alert.links}
    alert.links = alert.links + [
        link for link in _links(signal.links + signal.images) if link["href"] not in known
    ]
    alert.details = {**alert.details, **signal.details}
    alert.ends_at = signal.ends_at
    alert.event_count += 1
    alert.last_event_at = now


def acknowledge(session: Session, alert: Alert, *, actor_id: int | None, now: datetime) -> str:
    """Acknowledge an open alert (``actor_id=None``: its sender did); returns the outcome."""
    if alert.status != FIRING:
        return UNCHANGED
    alert.status = ACKNOWLEDGED
    alert.acknowledged_at = now
    alert.acknowledged_by_id = actor_id
    alert.last_event_at = now
    announce(session, ALERT_ACKNOWLEDGED, alert.id, actor_id=actor_id)
    return ACKNOWLEDGED


def resolve(session: Session, alert: Alert, *, actor_id: int | None, now: datetime) -> str:
    """Resolve an open alert (``actor_id=None``: its sender did); returns the outcome."""
    if alert.status == RESOLVED:
        return UNCHANGED
    alert.status = RESOLVED
    alert.resolved_at = now
    alert.resolved_by_id = actor_id
    alert.last_event_at = now
    announce(session, ALERT_RESOLVED, alert.id, actor_id=actor_id)
    return RESOLVED
