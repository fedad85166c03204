"""Stored schedules (DESIGN.md §5): layers and overrides as configuration, shifts as history.

Users inside a schedule's configuration and history are user ids as strings (``"12"``), the
form the engine works with; ``null`` in a layer's ``users`` is an empty slot.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watchkeep.auth.models import User
from watchkeep.catalog.models import Team
from watchkeep.core.db import Base
from watchkeep.core.types import BigId, JSONValue, UTCDateTime


class Schedule(Base):
    __tablename__ = "schedule"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("team.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Final entries before this instant are frozen in ``Shift`` rows (from ``created_at`` on).
    history_until: Mapped[datetime] = mapped_column(UTCDateTime())
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    team: Mapped[Team | None] = relationship(lazy="joined")
    layers: Mapped[list["ScheduleLayer"]] = relationship(
        order_by="ScheduleLayer.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )


class ScheduleLayer(Base):
    """One rotation; the layer with the highest ``position`` has the highest precedence."""

    __tablename__ = "schedule_layer"
    __table_args__ = (UniqueConstraint("schedule_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(BigId, ForeignKey("schedule.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    users: Mapped[list[str | None]] = mapped_column(JSONValue)
    anchor: Mapped[str] = mapped_column(String(19), doc="naive local ISO date-time")
    handovers: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue)
    working_intervals: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONValue)
    concurrent: Mapped[int] = mapped_column(default=1)
    start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ScheduleOverride(Base):
    """``user`` (None = nobody) is on call alone over [start, end); the newest one wins."""

    __tablename__ = "schedule_override"
    __table_args__ = (Index("ix_schedule_override_schedule_end", "schedule_id", "end"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(BigId, ForeignKey("schedule.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[datetime] = mapped_column(UTCDateTime())
    end: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="joined")
    creator: Mapped[User | None] = relationship(foreign_keys=[created_by], lazy="joined")


class Shift(Base):
    """A final entry that has ended, frozen as it really was (who was on call, when)."""

    __tablename__ = "schedule_shift"
    __table_args__ = (
        Index("ix_schedule_shift_schedule_start", "schedule_id", "start"),
        Index("ix_schedule_shift_end", "end"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(BigId, ForeignKey("schedule.id", ondelete="CASCADE"))
    start: Mapped[datetime] = mapped_column(UTCDateTime())
    end: Mapped[datetime] = mapped_column(UTCDateTime())
    users: Mapped[list[str]] = mapped_column(JSONValue)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UserFeed(Base):
    """The secret behind a user's "my shifts" calendar feed (only its hash is kept)."""

    __tablename__ = "user_feed"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
