from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watchkeep.alert.models import Alert
from watchkeep.auth.models import User
from watchkeep.catalog.models import Team
from watchkeep.core.db import Base
from watchkeep.core.types import BigId, JSONValue, UTCDateTime

ACTIVE = "active"
ACKNOWLEDGED = "acknowledged"
RESOLVED = "resolved"
EXHAUSTED = "exhausted"
RUN_STATES = (ACTIVE, ACKNOWLEDGED, RESOLVED, EXHAUSTED)


class EscalationPolicy(Base):
    """Who is paged, in which order, and how long each level has to acknowledge.

    ``levels`` is a list of ``{"minutes": int, "targets": [{"type": "user" | "schedule" |
    "team", "id": int}]}``; ``repeat`` is how many more times the whole list runs when nobody
    acknowledged; ``ack_mode`` is ``first`` (one acknowledgement stops the escalation) or
    ``all`` (everyone paged must acknowledge).
    """

    __tablename__ = "escalation_policy"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("team.id", ondelete="SET NULL"))
    levels: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue, default=list)
    repeat: Mapped[int] = mapped_column(default=0)
    ack_mode: Mapped[str] = mapped_column(String(10), default="first")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    team: Mapped[Team | None] = relationship(lazy="joined")


class EscalationRun(Base):
    """One alert's escalation, on a snapshot of its policy taken when it started.

    ``token`` changes at every step and when the run ends: a step job carries the token it was
    scheduled with, and does nothing unless it still matches (a duplicate or late step).
    """

    __tablename__ = "escalation_run"
    __table_args__ = (Index("ix_escalation_run_state", "state"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    alert_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("alert.id", ondelete="CASCADE"), unique=True
    )
    policy_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("escalation_policy.id", ondelete="SET NULL")
    )
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    state: Mapped[str] = mapped_column(String(20), default=ACTIVE)
    token: Mapped[str] = mapped_column(String(32))
    level: Mapped[int] = mapped_column(default=0)
    cycle: Mapped[int] = mapped_column(default=0)
    next_step_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue, default=list)
    """Each step as it happened: when, which level and cycle, who was paged, and why a target
    gave nobody (a schedule with nobody on call)."""

    alert: Mapped[Alert] = relationship(lazy="select")


class Page(Base):
    """One person paged by a run at one level and cycle (once, however often a step runs)."""

    __tablename__ = "escalation_page"
    __table_args__ = (
        UniqueConstraint("run_id", "cycle", "level", "user_id", name="uq_escalation_page_step"),
        Index("ix_escalation_page_alert", "alert_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("escalation_run.id", ondelete="CASCADE"), index=True
    )
    alert_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("alert.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[int] = mapped_column(default=0)
    cycle: Mapped[int] = mapped_column(default=0)
    via: Mapped[str] = mapped_column(String(100))
    urgency: Mapped[str] = mapped_column(String(10), default="high")
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sender_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
