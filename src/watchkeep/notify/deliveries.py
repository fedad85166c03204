"""Planning and sending notifications, and the delivery log.

Delivery is at least once, and never twice after a success:

- Planning a page makes one notification per step of the person's rules (by default one
  e-mail at once to their account's address), each with an idempotency key of the page and
  the step; planning again finds them (a unique index) and plans nothing twice.
- Sending is three short steps. (1) In a transaction: lock the notification; if it was sent
  (or given up) there is nothing to do; if what it is about no longer needs anyone (the
  alert was acknowledged or resolved) it is skipped; else its attempt is noted as
  ``sending``, and committed. (2) Outside any transaction: the channel tries once. (3) In a
  transaction: the outcome is recorded. A worker killed during (2) leaves ``sending``; the
  job is claimed again when its lease ends and sends again (at least once). Receivers get
  the idempotency key with every attempt (the e-mail's Message-ID, the webhook's
  ``Idempotency-Key``), so a repeat after a lost acknowledgement can be recognised.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from watchkeep.alert.models import FIRING, Alert
from watchkeep.auth.models import User
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.escalation.models import Page
from watchkeep.jobs.service import enqueue
from watchkeep.notify import contacts
from watchkeep.notify.channels import Channel, Result
from watchkeep.notify.messages import compose
from watchkeep.notify.models import (
    FAILED,
    PENDING,
    SENDING,
    SENT,
    SKIPPED,
    UNKNOWN,
    DeliveryAttempt,
    Notification,
)

SEND = "notify.send"
"""The job kind that sends one notification: ``{"notification_id": int}``."""


@dataclass(frozen=True)
class Step:
    kind: str
    address: str
    delay_minutes: int
    contact_method_id: int | None


def _steps(session: Session, user: User, urgency: str) -> list[Step]:
    """The person's rules for ``urgency``; with none, an e-mail at once to their account."""
    rules = contacts.rules_of(session, user_id=user.id, urgency=urgency)
    if not rules:
        return [Step("email", user.email, 0, None)]
    return [
        Step(r.contact_method.kind, r.contact_method.address, r.delay_minutes, r.contact_method_id)
        for r in rules
    ]


def _add(session: Session, notification: Notification) -> Notification | None:
    """Store a planned notification and enqueue its sending; ``None`` if it was planned."""
    try:
        with session.begin_nested():
            session.add(notification)
    except IntegrityError:
        return None
    enqueue(
        session,
        kind=SEND,
        payload={"notification_id": notification.id},
        due_at=notification.due_at,
        idempotency_key=f"notify-send:{notification.id}",
        now=notification.created_at,
    )
    return notification


def plan_page(session: Session, *, page_id: int, now: datetime) -> list[Notification]:
    """Plan the notifications of a page by the paged person's rules (once per page)."""
    page = session.get(Page, page_id)
    if page is None or not page.user.is_active:
        return []
    planned = []
    for step in _steps(session, page.user, page.urgency):
        key = f"page:{page.id}:{step.contact_method_id or step.kind}:{step.delay_minutes}"
        made = _add(
            session,
            Notification(
                idempotency_key=key,
                user_id=page.user_id,
                page_id=page.id,
                event="page",
                kind=step.kind,
                address=step.address,
                contact_method_id=step.contact_method_id,
                content={},
                due_at=now + timedelta(minutes=step.delay_minutes),
                created_at=now,
            ),
        )
        if made is not None:
            planned.append(made)
    return planned


def plan_notice(
    session: Session,
    *,
    user_id: int,
    key: str,
    event: str,
    content: Mapping[str, Any],
    now: datetime,
    urgency: str = "low",
) -> list[Notification]:
    """Plan a notice to a person that is not a page (a shift starting, a reminder): sent by
    the first step of their rules for ``urgency``, at once. ``key`` makes it happen once."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return []
    step = _steps(session, user, urgency)[0]
    made = _add(
        session,
        Notification(
            idempotency_key=f"{key}:{step.contact_method_id or step.kind}",
            user_id=user.id,
            event=event,
            kind=step.kind,
            address=step.address,
            contact_method_id=step.contact_method_id,
            content={**content, "urgency": urgency},
            due_at=now,
            created_at=now,
        ),
    )
    return [made] if made is not None else []


def plan_test(session: Session, *, user_id: int, method_id: int, now: datetime) -> Notification:
    """A test message to one contact method (the "send me a test" button)."""
    method = contacts.get_method(session, method_id=method_id)
    notification = Notification(
        idempotency_key=f"test:{method.id}:{now.timestamp()}",
        user_id=user_id,
        event="test",
        kind=method.kind,
        address=method.address,
        contact_method_id=method.id,
        content={
            "subject": "Watchkeep test notification",
            "text": "This is a test. If you read it, Watchkeep can reach you here.",
        },
        due_at=now,
        created_at=now,
    )
    made = _add(session, notification)
    if made is None:
        raise RuntimeError("a test notification is unique by its time")
    return made


class RetryLater(Exception):
    """The channel failed in a way that may pass: the job is retried (with back-off)."""


def _needed(session: Session, notification: Notification) -> str | None:
    """Why the notification is no longer needed, or ``None`` if it is."""
    if notification.page_id is None:
        return None
    page = session.get(Page, notification.page_id)
    if page is None:
        return "the page no longer exists"
    if page.alert_id is None:
        return "the page was acknowledged" if page.acknowledged_at else None
    alert = session.get(Alert, page.alert_id)
    if alert is None or alert.status != FIRING:
        return f"the alert was {alert.status if alert else 'deleted'}"
    if page.acknowledged_at is not None:
        return "the person acknowledged"
    return None


def send(
    db: Database,
    *,
    notification_id: int,
    channels: Mapping[str, Channel],
    base_url: str,
    now: datetime,
) -> str:
    """Send one notification (see the module's docstring); returns its state afterwards.

    Raises :class:`RetryLater` when the channel failed in a way that may pass.
    """
    with db.session() as session:
        query = (
            select(Notification)
            .where(Notification.id == notification_id)
            .options(lazyload("*"))
            .with_for_update()
        )
        notification = session.scalar(query)
        if notification is None or notification.state in (SENT, FAILED, SKIPPED):
            return notification.state if notification else SKIPPED
        reason = _needed(session, notification)
        if reason is not None:
            notification.state = SKIPPED
            notification.last_error = reason
            return SKIPPED
        channel = channels.get(notification.kind)
        if channel is None:
            notification.state = FAILED
            notification.last_error = f"no {notification.kind} channel is configured"
            return FAILED
        if notification.state == SENDING:
            _interrupted(session, notification.id, now)
        message = compose(session, notification, base_url=base_url, now=now)
        notification.state = SENDING
        notification.attempts += 1
        attempt = DeliveryAttempt(
            notification_id=notification.id,
            number=notification.attempts,
            status=SENDING,
            started_at=now,
        )
        session.add(attempt)
        session.flush()
        address, attempt_id = notification.address, attempt.id
    result = channel.send(address, message)
    return _record(db, notification_id, attempt_id, result)


def _interrupted(session: Session, notification_id: int, now: datetime) -> None:
    """Earlier attempts still ``sending``: their worker stopped mid-way (killed, or lost the
    database); whether the receiver got them is unknown, so the message goes again."""
    query = select(DeliveryAttempt).where(
        DeliveryAttempt.notification_id == notification_id, DeliveryAttempt.status == SENDING
    )
    for attempt in session.scalars(query):
        attempt.status = UNKNOWN
        attempt.detail = "the sending worker stopped during this attempt; sending again"
        attempt.finished_at = now


def _record(db: Database, notification_id: int, attempt_id: int, result: Result) -> str:
    with db.session() as session:
        notification = session.get(Notification, notification_id)
        attempt = session.get(DeliveryAttempt, attempt_id)
        if notification is None or attempt is None:
            return SKIPPED
        finished = utcnow()
        attempt.status = result.status
        attempt.detail = result.detail
        attempt.finished_at = finished
        if result.status == "sent":
            notification.state = SENT
            notification.sent_at = finished
            notification.provider_id = result.provider_id
            notification.last_error = None
        else:
            notification.state = PENDING if result.retryable else FAILED
            notification.last_error = result.detail
        state = notification.state
    if state == PENDING:
        raise RetryLater(result.detail)
    return state


def of_page(session: Session, *, page_id: int) -> list[Notification]:
    query = select(Notification).where(Notification.page_id == page_id)
    return list(session.scalars(query.order_by(Notification.due_at, Notification.id)))


def of_alert(session: Session, *, alert_id: int) -> list[tuple[Notification, Page]]:
    """Every notification of the alert's pages, in order, with its page."""
    query = (
        select(Notification, Page)
        .join(Page, Page.id == Notification.page_id)
        .where(Page.alert_id == alert_id)
        .order_by(Notification.due_at, Notification.id)
    )
    return [(n, p) for n, p in session.execute(query).all()]


def attempts_of(session: Session, *, notification_id: int) -> list[DeliveryAttempt]:
    query = select(DeliveryAttempt).where(DeliveryAttempt.notification_id == notification_id)
    return list(session.scalars(query.order_by(DeliveryAttempt.number)))
