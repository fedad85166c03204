from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watchkeep.auth.models import User
from watchkeep.core.db import Base
from watchkeep.core.types import BigId, JSONValue, UTCDateTime

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"
UNKNOWN = "unknown"


class ContactMethod(Base):
    """Where a person can be reached: an e-mail address, a phone number (SMS or voice), a
    webhook URL or a chat webhook URL."""

    __tablename__ = "contact_method"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NotificationRule(Base):
    """ "E-mail at once, SMS after 2 minutes": one step of how a person wants to be paged at
    one urgency."""

    __tablename__ = "notification_rule"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    urgency: Mapped[str] = mapped_column(String(10))
    contact_method_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("contact_method.id", ondelete="CASCADE")
    )
    delay_minutes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    contact_method: Mapped[ContactMethod] = relationship(lazy="joined")


class Notification(Base):
    """One message to one address: a step of a page, a notice before a shift, a reminder or
    a test. ``idempotency_key`` names it (the page and the channel step), so planning twice
    plans once, and every attempt carries it to the receiver."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id", ondelete="CASCADE"))
    page_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("escalation_page.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(Text)
    contact_method_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("contact_method.id", ondelete="SET NULL")
    )
    content: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    state: Mapped[str] = mapped_column(String(10), default=PENDING)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")


class DeliveryAttempt(Base):
    """The delivery log: each try of a notification, how it ended and why."""

    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("notification.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(10))
    detail: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
