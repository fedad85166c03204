from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watchkeep.auth.models import User
from watchkeep.catalog.models import Service, Team
from watchkeep.core.db import Base
from watchkeep.core.types import BigId, JSONValue, UTCDateTime

problem_service = Table(
    "problem_service",
    Base.metadata,
    Column("problem_id", BigId, ForeignKey("problem.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", BigId, ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)


class Problem(Base):
    __tablename__ = "problem"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[int] = mapped_column(BigId, unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(30), index=True)
    priority: Mapped[str] = mapped_column(String(10), default="medium")
    owner_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("team.id", ondelete="SET NULL"))
    root_cause: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    root_cause_identified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")
    team: Mapped[Team | None] = relationship(lazy="joined")
    services: Mapped[list[Service]] = relationship(
        secondary=problem_service, order_by=Service.name, lazy="selectin"
    )

    @property
    def reference(self) -> str:
        return f"PRB-{self.number}"


class ProblemIncident(Base):
    """An incident explained by a problem: who linked them, when and why."""

    __tablename__ = "problem_incident"

    problem_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("problem.id", ondelete="CASCADE"), primary_key=True
    )
    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    linked_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())

    linked_by: Mapped[User | None] = relationship(lazy="joined")


class ProblemEvent(Base):
    """The problem's timeline and audit: every change with its old and new value."""

    __tablename__ = "problem_event"
    __table_args__ = (Index("ix_problem_event_problem_time", "problem_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    problem_id: Mapped[int] = mapped_column(BigId, ForeignKey("problem.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    title: Mapped[str] = mapped_column(String(500))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")


class WhyStep(Base):
    """One link of a 5-whys chain: why did the previous answer happen?"""

    __tablename__ = "problem_why"
    __table_args__ = (UniqueConstraint("problem_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    problem_id: Mapped[int] = mapped_column(BigId, ForeignKey("problem.id", ondelete="CASCADE"))
    position: Mapped[int]
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)


class ContributingFactor(Base):
    __tablename__ = "problem_factor"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    problem_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("problem.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)


class KnownError(Base):
    """A documented fault with its symptoms and workaround, surfaced in matching incidents."""

    __tablename__ = "known_error"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[int] = mapped_column(BigId, unique=True)
    problem_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("problem.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    symptoms: Mapped[str] = mapped_column(Text, default="")
    workaround: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    fix_status: Mapped[str] = mapped_column(String(20), default="none")
    fix_link: Mapped[str] = mapped_column(String(500), default="")
    alert_names: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    problem: Mapped[Problem | None] = relationship(lazy="joined")

    @property
    def reference(self) -> str:
        return f"KE-{self.number}"


class KnownErrorMatch(Base):
    """A live incident that looks like a known error (shown with the workaround)."""

    __tablename__ = "known_error_match"

    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    known_error_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("known_error.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[float]
    reasons: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    dismissed: Mapped[bool] = mapped_column(default=False)

    known_error: Mapped[KnownError] = relationship(lazy="joined")


class ProblemCandidate(Base):
    """A proposed problem: a cluster of similar incidents not yet linked to one."""

    __tablename__ = "problem_candidate"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    incident_ids: Mapped[list[int]] = mapped_column(JSONValue)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    score: Mapped[float]
    status: Mapped[str] = mapped_column(String(12), default="proposed", index=True)
    problem_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("problem.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
