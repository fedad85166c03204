from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watchkeep.auth.models import User
from watchkeep.catalog.models import Service
from watchkeep.core.db import Base
from watchkeep.core.types import BigId, JSONValue, UTCDateTime

FIRING = "firing"
ACKNOWLEDGED = "acknowledged"
RESOLVED = "resolved"
ALERT_STATUSES = (FIRING, ACKNOWLEDGED, RESOLVED)


class AlertSource(Base):
    """Where alerts come from: a sender that holds the source's secret integration key.

    Any of the ingest formats may be sent with the key; ``kind`` says which one the source's
    page explains. A ``heartbeat`` source opens an alert when no ping came for a period.
    """

    __tablename__ = "alert_source"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    integration_key: Mapped[str] = mapped_column(String(64), unique=True)
    signing_secret: Mapped[str | None] = mapped_column(String(128))
    """For senders that sign their requests (GitHub's ``X-Hub-Signature-256``): the shared
    secret the signature is checked with."""
    service_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("service.id", ondelete="SET NULL")
    )
    enabled: Mapped[bool] = mapped_column(default=True)
    # The escalation domain's table, referred to by id only: alerts no route gives a policy
    # are escalated with their source's.
    escalation_policy_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("escalation_policy.id", ondelete="SET NULL")
    )
    heartbeat_seconds: Mapped[int | None] = mapped_column()
    grace_seconds: Mapped[int] = mapped_column(default=0)
    last_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    key_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    service: Mapped[Service | None] = relationship(lazy="joined")


class AlertPayload(Base):
    """One accepted request's body, exactly as it came (the raw event)."""

    __tablename__ = "alert_payload"
    __table_args__ = (Index("ix_alert_payload_source_received", "source_id", "received_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_id: Mapped[int] = mapped_column(BigId, ForeignKey("alert_source.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(20))
    body: Mapped[Any] = mapped_column(JSONValue)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Alert(Base):
    """An alert: every event with the same deduplication key while it is open adds to it.

    At most one alert per source and key is open (firing or acknowledged): the partial unique
    index holds that under any number of concurrent senders and processes.
    """

    __tablename__ = "alert"
    __table_args__ = (
        Index(
            "uq_alert_open_key",
            "source_id",
            "dedup_key",
            unique=True,
            postgresql_where=text("status <> 'resolved'"),
            sqlite_where=text("status <> 'resolved'"),
        ),
        Index("ix_alert_status_created", "status", "created_at"),
        Index("ix_alert_source_key", "source_id", "dedup_key"),
        Index("ix_alert_route_group", "route_id", "incident_group", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_id: Mapped[int] = mapped_column(BigId, ForeignKey("alert_source.id", ondelete="CASCADE"))
    dedup_key: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str | None] = mapped_column(String(10))
    urgency: Mapped[str] = mapped_column(String(10), default="high")
    labels: Mapped[dict[str, str]] = mapped_column(JSONValue, default=dict)
    annotations: Mapped[dict[str, str]] = mapped_column(JSONValue, default=dict)
    links: Mapped[list[dict[str, str]]] = mapped_column(JSONValue, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    source_url: Mapped[str | None] = mapped_column(Text)
    group_key: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    event_count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_event_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    route_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("alert_route.id", ondelete="SET NULL")
    )
    silence_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("alert_silence.id", ondelete="SET NULL")
    )
    incident_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="SET NULL"), index=True
    )
    incident_group: Mapped[str | None] = mapped_column(String(255))
    """What groups the alert with others of its route into one incident (its route's
    ``group_by`` labels, else its group key or deduplication key)."""

    source: Mapped[AlertSource] = relationship(lazy="joined")
    acknowledged_by: Mapped[User | None] = relationship(
        foreign_keys=[acknowledged_by_id], lazy="joined"
    )
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id], lazy="joined")

    @property
    def reference(self) -> str:
        return f"ALR-{self.id}"

    @property
    def is_open(self) -> bool:
        return self.status != RESOLVED


class AlertEvent(Base):
    """What one event did to an alert (or, for an acknowledge or resolve of an unknown key,
    that it was dropped), with the payload it came in; a person's acknowledge or resolve has
    an actor and no payload."""

    __tablename__ = "alert_event"
    __table_args__ = (Index("ix_alert_event_alert", "alert_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    payload_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("alert_payload.id", ondelete="CASCADE"), index=True
    )
    alert_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("alert.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    dedup_key: Mapped[str] = mapped_column(String(255))
    actor_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AlertRoute(Base):
    """An ordered rule: the first route whose sources, matchers and severities fit an alert
    decides its urgency and whether an incident is declared for it."""

    __tablename__ = "alert_route"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    source_ids: Mapped[list[int]] = mapped_column(JSONValue, default=list)
    matchers: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    severities: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    urgency: Mapped[str] = mapped_column(String(10), default="high")
    escalation_policy_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("escalation_policy.id", ondelete="SET NULL")
    )
    declare_incident: Mapped[bool] = mapped_column(default=False)
    severity_map: Mapped[dict[str, int]] = mapped_column(JSONValue, default=dict)
    incident_type_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("incident_type.id", ondelete="SET NULL")
    )
    group_by: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    group_minutes: Mapped[int] = mapped_column(default=60)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AlertSilence(Base):
    """Alerts that match are kept and shown, but page nobody until ``ends_at``.

    ``kind`` is ``silence`` (a known noisy alert) or ``maintenance`` (planned work).
    """

    __tablename__ = "alert_silence"
    __table_args__ = (Index("ix_alert_silence_ends", "ends_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="silence")
    matchers: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    source_ids: Mapped[list[int]] = mapped_column(JSONValue, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship(lazy="joined")


CHANGE_KINDS = (
    "deploy",
    "pull_request",
    "push",
    "config",
    "feature_flag",
    "infrastructure",
    "change",
)
"""What a change event is; ``change`` when the sender does not say."""


class ChangeEvent(Base):
    """A change (a deploy, a merged pull request, a configuration or feature-flag change)
    that a sender reported or an import brought."""

    __tablename__ = "change_event"
    __table_args__ = (
        Index("ix_change_event_occurred", "occurred_at"),
        Index("ix_change_event_service_occurred", "service_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("alert_source.id", ondelete="CASCADE")
    )
    payload_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("alert_payload.id", ondelete="CASCADE")
    )
    service_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("service.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="change", server_default="change")
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    """The id the sender or an import gave it, when it gave one."""
    summary: Mapped[str] = mapped_column(Text)
    origin: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    links: Mapped[list[dict[str, str]]] = mapped_column(JSONValue, default=list)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())

    source: Mapped[AlertSource | None] = relationship(lazy="joined")
    service: Mapped[Service | None] = relationship(lazy="joined")

    @property
    def reference(self) -> str:
        """``CHG-n``, or the id it was given."""
        return self.external_id or f"CHG-{self.id}"


class IncidentChange(Base):
    """A change event attached to an incident (on one of its services, in its window)."""

    __tablename__ = "incident_change"

    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    change_event_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("change_event.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime())
