from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watchkeep.auth.models import User
from watchkeep.core.db import Base
from watchkeep.core.types import BigId, UTCDateTime


class FollowUp(Base):
    """An action to take after an incident or for a problem: corrective, preventive or
    detective, tracked to completion."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    problem_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("problem.id", ondelete="CASCADE"), index=True
    )
    action_type: Mapped[str] = mapped_column(String(12), default="corrective")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    priority: Mapped[str] = mapped_column(String(10), default="medium")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="outstanding", index=True)
    not_doing_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    owner: Mapped[User | None] = relationship(lazy="joined")
