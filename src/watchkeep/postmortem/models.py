from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watchkeep.auth.models import User
from watchkeep.core.db import Base
from watchkeep.core.types import BigId, JSONValue, UTCDateTime


class PostmortemTemplate(Base):
    """Ordered sections, each with guidance for whoever writes it."""

    __tablename__ = "postmortem_template"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    sections: Mapped[list[dict[str, str]]] = mapped_column(JSONValue, default=list)
    """``[{"key", "title", "guidance"}]`` in order."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PostIncidentFlow(Base):
    """Which checklist (and post-mortem template) an incident gets once resolved: the first
    flow by position whose incident types and severities fit (an empty list fits any)."""

    __tablename__ = "post_incident_flow"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    incident_types: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    severities: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    tasks: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue, default=list)
    """``[{"kind", "title", "phase", "due_days"}]``."""
    template_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("postmortem_template.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    template: Mapped[PostmortemTemplate | None] = relationship(lazy="joined")


class PostIncidentTask(Base):
    """One item of an incident's post-incident checklist."""

    __tablename__ = "post_incident_task"
    __table_args__ = (
        UniqueConstraint("incident_id", "kind"),
        Index("ix_post_incident_task_state_due", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(BigId, ForeignKey("incident.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    phase: Mapped[str] = mapped_column(String(12))
    position: Mapped[int] = mapped_column(default=0)
    owner_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(10), default="open")
    reason: Mapped[str] = mapped_column(Text, default="")
    """Why it was skipped."""
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    owner: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[owner_id])


class Postmortem(Base):
    """An incident's post-mortem document: its sections as Markdown, with the sources its
    drafted sentences cite."""

    __tablename__ = "postmortem"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="CASCADE"), unique=True
    )
    template_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("postmortem_template.id", ondelete="SET NULL")
    )
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue, default=list)
    """``[{"key", "title", "guidance", "body", "drafted", "proposal"}]``: ``drafted`` is the
    text last drafted into the section (the body differs from it once someone edited it);
    ``proposal`` a redraft waiting for a person to take or leave it."""
    sources: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSONValue, default=dict)
    """What each citation marker in the bodies points at."""
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PostmortemVersion(Base):
    """A saved state of a post-mortem: who changed what, and when."""

    __tablename__ = "postmortem_version"
    __table_args__ = (UniqueConstraint("postmortem_id", "number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("postmortem.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column()
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue, default=list)
    note: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    author: Mapped[User | None] = relationship(lazy="joined")
