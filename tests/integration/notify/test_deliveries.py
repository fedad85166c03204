"""Notifications on a real database: planned once per page and step by the person's rules,
sent at least once and never twice after a success, skipped once nobody needs them, and the
notices that are not pages."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import (
    Person,
    make_follow_up,
    make_incident,
    make_schedule,
    make_source,
    rotation,
)
from tests.factories.escalation import level, make_policy

from watchkeep.alert import ingest
from watchkeep.alert.normalize import Signal
from watchkeep.core.db import Database
from watchkeep.escalation import pages, runs
from watchkeep.escalation.models import Page
from watchkeep.jobs.models import Job
from watchkeep.notify import contacts, deliveries, notices
from watchkeep.notify.channels import Message, Result
from watchkeep.notify.channels.log import LogChannel
from watchkeep.notify.models import DeliveryAttempt, Notification

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
BASE = "https://watchkeep.example.com"


@dataclass
class Scripted:
    """A channel that answers as it is told, and counts what it was asked to send."""

    answers: list[Result]
    kind: str = "sms"
    asked: list[tuple[str, Message]] = field(default_factory=list)

    def send(self, address: str, message: Message) -> Result:
        self.asked.append((address, message))
        return self.answers.pop(0)


def paged(session: Session, person: Person) -> Page:
    policy = make_policy(session, level(("user", person.user.id)))
    source = make_source(session, escalation_policy_id=policy.id)
    signal = Signal(action="trigger", dedup_key="k", title="Disk full", labels={"a": "b"})
    [outcome] = ingest.accept(
        session, source=source, format="generic", body={}, signals=[signal], now=T0
    )
    assert outcome.alert_id is not None
    runs.start(session, alert_id=outcome.alert_id, now=T0)
    return session.scalars(select(Page).where(Page.alert_id == outcome.alert_id)).one()


def test_without_rules_a_page_is_one_e_mail_at_once_planned_once(
    session: Session, alice: Person
) -> None:
    page = paged(session, alice)
    [planned] = deliveries.plan_page(session, page_id=page.id, now=T0)
    assert (planned.kind, planned.address, planned.due_at) == ("email", alice.user.email, T0)
    assert deliveries.plan_page(session, page_id=page.id, now=T0) == []
    [job] = session.scalars(select(Job).where(Job.kind == deliveries.SEND)).all()
    assert job.payload == {"notification_id": planned.id}


def test_rules_decide_channels_and_delays(session: Session, alice: Person) -> None:
    email = contacts.add_method(
        session,
        actor=alice.actor,
        now=T0,
        user_id=alice.user.id,
        kind="email",
        address="alice@pager.example",
    )
    sms = contacts.add_method(
        session,
        actor=alice.actor,
        now=T0,
        user_id=alice.user.id,
        kind="sms",
        address="+447700900123",
    )
    for method, delay in ((email, 0), (sms, 2)):
        contacts.add_rule(
            session,
            actor=alice.actor,
            now=T0,
            user_id=alice.user.id,
            urgency="high",
            contact_method_id=method.id,
            delay_minutes=delay,
        )
    planned = deliveries.plan_page(session, page_id=paged(session, alice).id, now=T0)
    assert [(n.kind, n.address, n.due_at) for n in planned] == [
        ("email", "alice@pager.example", T0),
        ("sms", "+447700900123", T0 + timedelta(minutes=2)),
    ]


def test_a_sent_notification_is_never_sent_again(
    session: Session, database: Database, alice: Person
) -> None:
    [planned] = deliveries.plan_page(session, page_id=paged(session, alice).id, now=T0)
    session.commit()
    channel = LogChannel()
    channels = {"email": channel}
    for _ in range(2):
        state = deliveries.send(
            database, notification_id=planned.id, channels=channels, base_url=BASE, now=T0
        )
        assert state == "sent"
    [logged] = channel.snapshot()
    assert logged.address == alice.user.email
    assert logged.message.ack_url and logged.message.ack_url.startswith(f"{BASE}/ack/")
    assert "Disk full" in logged.message.subject and logged.message.event == "alert.page"
    session.expire_all()
    attempts = session.scalars(select(DeliveryAttempt)).all()
    assert [a.status for a in attempts] == ["sent"]


def test_a_failure_that_may_pass_is_retried_and_one_that_will_not_is_given_up(
    session: Session, database: Database, alice: Person
) -> None:
    [planned] = deliveries.plan_page(session, page_id=paged(session, alice).id, now=T0)
    session.commit()
    flaky = Scripted(
        [Result("failed", "timed out", retryable=True), Result("sent", "ok")], kind="email"
    )
    with pytest.raises(deliveries.RetryLater):
        deliveries.send(
            database, notification_id=planned.id, channels={"email": flaky}, base_url=BASE, now=T0
        )
    assert (
        deliveries.send(
            database, notification_id=planned.id, channels={"email": flaky}, base_url=BASE, now=T0
        )
        == "sent"
    )
    assert [m.idempotency_key for _, m in flaky.asked] == [planned.idempotency_key] * 2
    session.expire_all()
    log = session.scalars(select(DeliveryAttempt).order_by(DeliveryAttempt.number)).all()
    assert [(a.status, a.detail) for a in log] == [("failed", "timed out"), ("sent", "ok")]


def test_an_unknown_recipient_fails_for_good(
    session: Session, database: Database, alice: Person
) -> None:
    [planned] = deliveries.plan_page(session, page_id=paged(session, alice).id, now=T0)
    session.commit()
    refusing = Scripted([Result("failed", "550 no such user")], kind="email")
    state = deliveries.send(
        database, notification_id=planned.id, channels={"email": refusing}, base_url=BASE, now=T0
    )
    assert state == "failed"
    session.expire_all()
    assert session.get(Notification, planned.id).last_error == "550 no such user"  # type: ignore[union-attr]


def test_a_later_step_is_skipped_once_the_alert_is_acknowledged(
    session: Session, database: Database, alice: Person
) -> None:
    page = paged(session, alice)
    [planned] = deliveries.plan_page(session, page_id=page.id, now=T0)
    assert page.alert_id is not None
    pages.acknowledge(session, alert_id=page.alert_id, actor=alice.actor, now=T0)
    session.commit()
    channel = LogChannel()
    state = deliveries.send(
        database, notification_id=planned.id, channels={"email": channel}, base_url=BASE, now=T0
    )
    assert state == "skipped" and channel.snapshot() == []
    session.expire_all()
    assert session.get(Notification, planned.id).last_error == "the alert was acknowledged"  # type: ignore[union-attr]


def test_a_channel_that_is_not_configured_fails_saying_so(
    session: Session, database: Database, alice: Person
) -> None:
    [planned] = deliveries.plan_page(session, page_id=paged(session, alice).id, now=T0)
    session.commit()
    assert (
        deliveries.send(database, notification_id=planned.id, channels={}, base_url=BASE, now=T0)
        == "failed"
    )
    session.expire_all()
    assert "no email channel" in (session.get(Notification, planned.id).last_error or "")  # type: ignore[union-attr]


def test_a_notice_goes_before_a_shift_starts_once(
    session: Session, alice: Person, bob: Person
) -> None:
    make_schedule(session, alice, rotation(alice, bob), name="Primary", timezone="UTC")
    handover = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # daily at 09:00 from the anchor
    before = handover - timedelta(minutes=20)
    planned = notices.shift_notices(session, now=before, lead=timedelta(minutes=30), base_url=BASE)
    on_call_next = {n.user_id for n in planned}
    assert on_call_next == {alice.user.id}  # Bob until 09:00, then Alice
    assert planned[0].event == "oncall.shift_starts" and "Primary" in planned[0].content["subject"]
    again = notices.shift_notices(
        session, now=before + timedelta(minutes=5), lead=timedelta(minutes=30), base_url=BASE
    )
    assert again == []
    far = notices.shift_notices(
        session, now=handover - timedelta(hours=2), lead=timedelta(minutes=30), base_url=BASE
    )
    assert far == []


def test_an_overdue_follow_up_tells_its_owner_once(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    make_follow_up(session, alice, incident, owner_id=alice.user.id, due_at=T0)
    planned = notices.follow_up_notices(session, now=T0 + timedelta(hours=1), base_url=BASE)
    assert [(n.user_id, n.event) for n in planned] == [(alice.user.id, "follow_up.overdue")]
    assert notices.follow_up_notices(session, now=T0 + timedelta(hours=2), base_url=BASE) == []
