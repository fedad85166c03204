from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeep.core.db import Base
from watchkeep.core.types import BigId, JSONValue, UTCDateTime

PENDING = "pending"
RUNNING = "running"
DONE = "done"
DEAD = "dead"


class Job(Base):
    """A unit of background work or a timer: ``kind`` names the handler, ``payload`` holds ids."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_state_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    state: Mapped[str] = mapped_column(String(10), default=PENDING)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=8)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by: Mapped[str | None] = mapped_column(String(100))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
