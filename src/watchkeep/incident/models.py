from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watchkeep.auth.models import User
from watchkeep.catalog.models import Service
from watchkeep.core.db import Base
from watchkeep.core.types import BigId, JSONValue, UTCDateTime

TIMESTAMP_NAMES = (
    "impact_started_at",
    "reported_at",
    "declared_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
)


class Severity(Base):
    __tablename__ = "severity"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    rank: Mapped[int] = mapped_column(doc="1 is the most severe")
    update_minutes: Mapped[int | None] = mapped_column(
        doc="Minutes from declaring to the first status update (None: the setting's default)"
    )


class IncidentType(Base):
    __tablename__ = "incident_type"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    rank: Mapped[int] = mapped_column(default=0)
    private_by_default: Mapped[bool] = mapped_column(default=False)


incident_service = Table(
    "incident_service",
    Base.metadata,
    Column("incident_id", BigId, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", BigId, ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_incident_service_service_id", "service_id"),
)


class Incident(Base):
    __tablename__ = "incident"
    __table_args__ = (
        Index("ix_incident_status_declared", "status", "declared_at"),
        Index("ix_incident_severity_declared", "severity_id", "declared_at"),
        # The similarity indexer follows changes by it.
        Index("ix_incident_updated_at", "updated_at"),
        # Few incidents are merged: a partial index stays selective where statistics would
        # count every NULL as one value and make the planner scan the table.
        Index(
            "ix_incident_merged_into",
            "merged_into_id",
            postgresql_where=text("merged_into_id IS NOT NULL"),
            sqlite_where=text("merged_into_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[int] = mapped_column(BigId, unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    severity_id: Mapped[int] = mapped_column(BigId, ForeignKey("severity.id"))
    type_id: Mapped[int] = mapped_column(BigId, ForeignKey("incident_type.id"), index=True)
    private: Mapped[bool] = mapped_column(default=False)
    reporter_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    merged_into_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="SET NULL")
    )
    impact_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mitigated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    timestamp_sources: Mapped[dict[str, str]] = mapped_column(JSONValue, default=dict)
    next_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    labels: Mapped[dict[str, str]] = mapped_column(JSONValue, default=dict)
    """The labels of the alerts it was opened from (``alertname`` among them)."""
    root_cause: Mapped[str] = mapped_column(Text, default="", server_default="")
    resolution: Mapped[str] = mapped_column(Text, default="", server_default="")
    external_ref: Mapped[str | None] = mapped_column(String(200), unique=True)
    """Its reference in the tool it was imported from (importing it again changes nothing)."""

    severity: Mapped[Severity] = relationship(lazy="joined")
    type: Mapped[IncidentType] = relationship(lazy="joined")
    reporter: Mapped[User | None] = relationship(lazy="joined")
    services: Mapped[list[Service]] = relationship(
        secondary=incident_service, order_by=Service.name, lazy="selectin"
    )
    merged_into: Mapped["Incident | None"] = relationship(remote_side=[id])

    @property
    def reference(self) -> str:
        return f"INC-{self.number}"


class Participant(Base):
    """Someone taking part in an incident; participants may see it when it is private."""

    __tablename__ = "incident_participant"
    # Lets "the incidents this user takes part in" be answered from the index alone.
    __table_args__ = (Index("ix_incident_participant_user", "user_id", "incident_id"),)

    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RoleType(Base):
    __tablename__ = "incident_role_type"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    instructions: Mapped[str] = mapped_column(Text, default="")
    builtin: Mapped[bool] = mapped_column(default=False)
    rank: Mapped[int] = mapped_column(default=100)


class RoleAssignment(Base):
    __tablename__ = "incident_role_assignment"
    __table_args__ = (UniqueConstraint("incident_id", "role_type_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(BigId, ForeignKey("incident.id", ondelete="CASCADE"))
    role_type_id: Mapped[int] = mapped_column(BigId, ForeignKey("incident_role_type.id"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())

    role_type: Mapped[RoleType] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")


class TimelineEntry(Base):
    """One structured fact in an incident's history: kind, actor and a payload."""

    __tablename__ = "timeline_entry"
    __table_args__ = (Index("ix_timeline_entry_incident_time", "incident_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(BigId, ForeignKey("incident.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    pinned: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    actor: Mapped[User | None] = relationship(lazy="joined")
    edits: Mapped[list["TimelineEdit"]] = relationship(
        order_by="TimelineEdit.id", lazy="selectin", cascade="all, delete-orphan"
    )


class TimelineEdit(Base):
    """The audit of one edit to a timeline entry: what it said before and after."""

    __tablename__ = "timeline_edit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("timeline_entry.id", ondelete="CASCADE"), index=True
    )
    editor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    before: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    after: Mapped[dict[str, Any]] = mapped_column(JSONValue)


class StatusUpdate(Base):
    """A message to stakeholders with the status at the time and when the next is due."""

    __tablename__ = "status_update"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    severity_name: Mapped[str] = mapped_column(String(50))
    next_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    author: Mapped[User | None] = relationship(lazy="joined")


CUSTOM_FIELD_KINDS = ("single_select", "multi_select", "text", "link", "numeric")


class CustomField(Base):
    __tablename__ = "custom_field"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    required_at_declare: Mapped[bool] = mapped_column(default=False)
    rank: Mapped[int] = mapped_column(default=0)


class CustomFieldValue(Base):
    __tablename__ = "custom_field_value"

    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    field_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("custom_field.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[Any] = mapped_column(JSONValue)

    field: Mapped[CustomField] = relationship(lazy="joined")
