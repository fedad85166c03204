"""Alert sources and their integration keys (admins configure them; audited)."""

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from watchkeep.alert.models import AlertPayload, AlertSource
from watchkeep.alert.routing import check_policy
from watchkeep.auth import audit
from watchkeep.catalog.models import Service
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid, NotFound

KINDS = ("alertmanager", "pagerduty", "grafana", "generic", "heartbeat", "github")
"""What a source's page explains how to send; every source accepts every ingest format but
GitHub's, which needs the signing secret that only a ``github`` source has."""
SIGNING = frozenset({"github"})
"""The kinds whose senders sign their requests with the source's signing secret."""

MIN_HEARTBEAT_SECONDS = 60
MAX_HEARTBEAT_SECONDS = 7 * 24 * 3600


def new_key() -> str:
    """A secret integration key: 32 hex characters, the length of a PagerDuty routing key,
    so senders that check the length accept it."""
    return secrets.token_hex(16)


def new_secret() -> str:
    """A signing secret: 64 hex characters (256 bits), for senders that sign what they send
    (GitHub's webhook secret)."""
    return secrets.token_hex(32)


def list_sources(session: Session) -> list[AlertSource]:
    return list(session.scalars(select(AlertSource).order_by(AlertSource.name)))


def get(session: Session, *, source_id: int) -> AlertSource:
    source = session.get(AlertSource, source_id)
    if source is None:
        raise NotFound(f"alert source {source_id} does not exist", field="source_id")
    return source


def last_received(session: Session) -> dict[int, datetime]:
    """When each source's last payload came (sources that sent nothing are left out)."""
    query = select(AlertPayload.source_id, func.max(AlertPayload.received_at)).group_by(
        AlertPayload.source_id
    )
    return dict(session.execute(query).all())


def find_by_key(session: Session, *, key: str) -> AlertSource | None:
    """The enabled source whose integration key is ``key``, if any."""
    return session.scalar(
        select(AlertSource)
        .where(AlertSource.integration_key == key, AlertSource.enabled)
        .options(lazyload("*"))
    )


_NULLABLE = ("service_id", "heartbeat_seconds", "escalation_policy_id")
"""The settings that ``None`` removes; ``None`` for any other leaves it as it is."""


def _values(source: AlertSource) -> dict[str, Any]:
    return {
        "name": source.name,
        "kind": source.kind,
        "description": source.description,
        "service_id": source.service_id,
        "enabled": source.enabled,
        "escalation_policy_id": source.escalation_policy_id,
        "heartbeat_seconds": source.heartbeat_seconds,
        "grace_seconds": source.grace_seconds,
    }


def _check(session: Session, values: dict[str, Any], *, source_id: int | None) -> None:
    name = values["name"].strip()
    if not name:
        raise Invalid("name must not be empty", field="name")
    values["name"] = name
    if values["kind"] not in KINDS:
        raise Invalid(f"kind must be one of {', '.join(KINDS)}", field="kind")
    clash = session.scalar(select(AlertSource.id).where(AlertSource.name == name))
    if clash is not None and clash != source_id:
        raise Conflict(f"an alert source named {name!r} already exists", field="name")
    if values["service_id"] is not None and session.get(Service, values["service_id"]) is None:
        raise NotFound(f"service {values['service_id']} does not exist", field="service_id")
    check_policy(session, values["escalation_policy_id"])
    period = values["heartbeat_seconds"]
    if values["kind"] == "heartbeat":
        if period is None or not MIN_HEARTBEAT_SECONDS <= period <= MAX_HEARTBEAT_SECONDS:
            raise Invalid(
                "a heartbeat source needs heartbeat_seconds between "
                f"{MIN_HEARTBEAT_SECONDS} and {MAX_HEARTBEAT_SECONDS}",
                field="heartbeat_seconds",
            )
    elif period is not None:
        raise Invalid("only a heartbeat source has heartbeat_seconds", field="heartbeat_seconds")
    if not 0 <= values["grace_seconds"] <= MAX_HEARTBEAT_SECONDS:
        raise Invalid(
            f"grace_seconds must be between 0 and {MAX_HEARTBEAT_SECONDS}", field="grace_seconds"
        )


def create(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    kind: str,
    description: str = "",
    service_id: int | None = None,
    escalation_policy_id: int | None = None,
    heartbeat_seconds: int | None = None,
    grace_seconds: int = 0,
) -> AlertSource:
    """Create a source with a fresh integration key (admins only; audited)."""
    actor.require(Role.ADMIN)
    values: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "description": description,
        "service_id": service_id,
        "enabled": True,
        "escalation_policy_id": escalation_policy_id,
        "heartbeat_seconds": heartbeat_seconds,
        "grace_seconds": grace_seconds,
    }
    _check(session, values, source_id=None)
    source = AlertSource(**values, integration_key=new_key(), created_at=now, updated_at=now)
    if kind in SIGNING:
        source.signing_secret = new_secret()
    if kind == "heartbeat":
        # The first period starts now: a monitor that never pinged is late after one period.
        source.last_event_at = now
    session.add(source)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="alert_source:create",
        subject_type="alert_source",
        subject_id=source.id,
        summary=f"Alert source {source.name} created",
        changes=audit.created(_values(source)),
        now=now,
    )
    return source


def update(
    session: Session, *, actor: Actor, now: datetime, source_id: int, **changes: Any
) -> AlertSource:
    """Change a source's settings; fields not given, or given as ``None`` where a source
    must have a value, stay as they are (admins only; audited)."""
    actor.require(Role.ADMIN)
    source = get(session, source_id=source_id)
    before = _values(source)
    values = before | {k: v for k, v in changes.items() if v is not None or k in _NULLABLE}
    _check(session, values, source_id=source.id)
    if source.kind == "heartbeat" and values["enabled"] and not source.enabled:
        source.last_event_at = now  # back on: its first period starts now, not at its last ping
    for name, value in values.items():
        setattr(source, name, value)
    source.updated_at = now
    session.flush()
    session.expire(source, ["service"])  # loaded for the old service_id
    audit.record_update(
        session,
        actor=actor,
        now=now,
        subject_type="alert_source",
        label=f"Alert source {source.name}",
        subject_id=source.id,
        before=before,
        after=_values(source),
    )
    return source


def rotate_key(session: Session, *, actor: Actor, now: datetime, source_id: int) -> AlertSource:
    """Give the source a new integration key, and a source that signs a new signing secret
    (both sit in the sender's one configuration); the old ones stop working at once."""
    actor.require(Role.ADMIN)
    source = get(session, source_id=source_id)
    source.integration_key = new_key()
    signs = source.kind in SIGNING or source.signing_secret is not None
    if signs:
        source.signing_secret = new_secret()
    source.key_rotated_at = now
    source.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="alert_source:rotate_key",
        subject_type="alert_source",
        subject_id=source.id,
        summary=f"Alert source {source.name}: integration key "
        + ("and signing secret rotated" if signs else "rotated"),
        changes={},
        now=now,
    )
    return source


def endpoints(base_url: str, source: AlertSource) -> dict[str, str]:
    """Where a sender sends each format for ``source`` (PagerDuty's take the key in the body
    as ``routing_key``)."""
    base = base_url.rstrip("/")
    key = source.integration_key
    if source.kind == "heartbeat":
        return {"heartbeat": f"{base}/ingest/heartbeat/{key}"}
    if source.kind == "github":
        return {"github": f"{base}/ingest/github/{key}"}
    return {
        "alertmanager": f"{base}/ingest/alertmanager/{key}",
        "grafana": f"{base}/ingest/grafana/{key}",
        "generic": f"{base}/ingest/generic/{key}",
        "pagerduty": f"{base}/v2/enqueue",
        "pagerduty_change": f"{base}/v2/change/enqueue",
    }
