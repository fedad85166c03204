"""API bodies of the notify domain."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from watchkeep.core.limits import Id, Input, Name, Text, Whole
from watchkeep.notify.models import ContactMethod, DeliveryAttempt, Notification, NotificationRule


class MethodIn(Input):
    kind: Literal["email", "sms", "voice", "webhook", "chat"]
    address: Text = Field(description="E-mail address, +E.164 phone number, or http(s) URL")
    label: Name | None = None


class MethodRead(BaseModel):
    id: int
    user_id: int
    kind: str
    address: str
    label: str
    created_at: datetime


class RuleIn(Input):
    urgency: Literal["high", "low"]
    contact_method_id: Id
    delay_minutes: Whole = Field(0, description="After the page, 0 to 120")


class RuleRead(BaseModel):
    id: int
    user_id: int
    urgency: str
    contact_method_id: int
    kind: str
    delay_minutes: int


class AttemptRead(BaseModel):
    number: int
    status: str
    detail: str
    started_at: datetime
    finished_at: datetime | None


class NotificationRead(BaseModel):
    id: int
    user_id: int
    user: str
    page_id: int | None
    event: str
    kind: str
    address: str
    state: str
    due_at: datetime
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    log: list[AttemptRead]


def method_read(method: ContactMethod) -> MethodRead:
    return MethodRead.model_validate(method, from_attributes=True)


def rule_read(rule: NotificationRule) -> RuleRead:
    return RuleRead(
        id=rule.id,
        user_id=rule.user_id,
        urgency=rule.urgency,
        contact_method_id=rule.contact_method_id,
        kind=rule.contact_method.kind,
        delay_minutes=rule.delay_minutes,
    )


def notification_read(
    notification: Notification, attempts: list[DeliveryAttempt]
) -> NotificationRead:
    return NotificationRead(
        id=notification.id,
        user_id=notification.user_id,
        user=notification.user.name,
        page_id=notification.page_id,
        event=notification.event,
        kind=notification.kind,
        address=notification.address,
        state=notification.state,
        due_at=notification.due_at,
        attempts=notification.attempts,
        last_error=notification.last_error,
        sent_at=notification.sent_at,
        log=[AttemptRead.model_validate(a, from_attributes=True) for a in attempts],
    )
