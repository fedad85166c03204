"""What responders said about the similar incidents shown to them."""

from datetime import datetime
from typing import Final

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from watchkeep.core.db import Base
from watchkeep.core.types import BigId, UTCDateTime

NOT_SIMILAR: Final = "not_similar"
SAME_CAUSE: Final = "same_cause"
VERDICTS = (NOT_SIMILAR, SAME_CAUSE)


class SimilarityFeedback(Base):
    """A responder's verdict on a pair of incidents: not alike, or the same cause.

    The pair is symmetric, so it is stored once, the lower incident id first; a new verdict
    on the pair replaces the old one.
    """

    __tablename__ = "similarity_feedback"
    __table_args__ = (
        CheckConstraint("incident_id < other_incident_id", name="ordered_pair"),
        CheckConstraint(f"verdict IN {VERDICTS!r}", name="verdict"),
        Index("ix_similarity_feedback_other_incident_id", "other_incident_id"),
    )

    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    other_incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    verdict: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
