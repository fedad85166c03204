"""Heartbeat monitors: a job pings its source's URL; when no ping came for a period (plus the
grace), an alert opens, and the next ping resolves it."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from watchkeep.alert import ingest
from watchkeep.alert.models import RESOLVED, Alert, AlertSource
from watchkeep.alert.normalize import Signal
from watchkeep.core.errors import Invalid

HEARTBEAT_KEY = "heartbeat"
"""The deduplication key of a heartbeat source's alert: one open at a time."""


def ping(session: Session, *, source: AlertSource, now: datetime) -> list[ingest.Outcome]:
    """Note a ping; resolve the missed-heartbeat alert if one is open."""
    if source.kind != "heartbeat":
        raise Invalid(f"alert source {source.name!r} is not a heartbeat monitor", field="key")
    source.last_event_at = now
    if _open_alert_id(session, source) is None:
        session.flush()
        return []
    signal = Signal(action="resolve", dedup_key=HEARTBEAT_KEY, title="")
    body = {"ping": now.isoformat()}
    return ingest.accept(
        session, source=source, format="heartbeat", body=body, signals=[signal], now=now
    )


def _open_alert_id(session: Session, source: AlertSource) -> int | None:
    return session.scalar(
        select(Alert.id).where(
            Alert.source_id == source.id,
            Alert.dedup_key == HEARTBEAT_KEY,
            Alert.status != RESOLVED,
        )
    )


def deadline(source: AlertSource) -> datetime | None:
    """When the source is late if no ping comes first."""
    if source.heartbeat_seconds is None or source.last_event_at is None:
        return None
    return source.last_event_at + timedelta(seconds=source.heartbeat_seconds + source.grace_seconds)


def check(session: Session, *, now: datetime) -> list[int]:
    """Open an alert for every enabled heartbeat source that is late and has none open;
    returns the ids of the alerts opened."""
    opened: list[int] = []
    query = select(AlertSource).where(AlertSource.kind == "heartbeat", AlertSource.enabled)
    # Without the joined service: PostgreSQL cannot lock the nullable side of an outer join.
    for source in session.scalars(query.options(lazyload("*")).with_for_update()):
        due = deadline(source)
        if due is None or due > now or _open_alert_id(session, source) is not None:
            continue
        signal = Signal(
            action="trigger",
            dedup_key=HEARTBEAT_KEY,
            title=f"Heartbeat missed: {source.name}",
            description=(
                f"No ping since {source.last_event_at:%Y-%m-%d %H:%M:%S} UTC; one was expected "
                f"every {source.heartbeat_seconds} seconds."
            ),
            labels={"alertname": "HeartbeatMissed", "heartbeat": source.name},
        )
        body = {"missed_since": due.isoformat()}
        for outcome in ingest.accept(
            session, source=source, format="heartbeat", body=body, signals=[signal], now=now
        ):
            if outcome.alert_id is not None:
                opened.append(outcome.alert_id)
    return opened
