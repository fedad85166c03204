"""What people do: page someone directly, and acknowledge or resolve an alert, which stops its
escalation (see :mod:`runs`: the alert's status is what every step checks)."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from watchkeep.alert import alerts
from watchkeep.alert.models import Alert
from watchkeep.auth.models import User
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid, NotFound
from watchkeep.escalation import runs
from watchkeep.escalation.events import announce_page
from watchkeep.escalation.models import ACKNOWLEDGED, ACTIVE, RESOLVED, Page
from watchkeep.oncall.history import oncall_now
from watchkeep.oncall.models import Schedule

URGENCIES = ("high", "low")
MAX_MESSAGE = 1000


def get(session: Session, *, page_id: int) -> Page:
    page = session.get(Page, page_id)
    if page is None:
        raise NotFound(f"page {page_id} does not exist", field="page_id")
    return page


def pages_of_alert(session: Session, *, alert_id: int) -> list[Page]:
    return list(session.scalars(select(Page).where(Page.alert_id == alert_id).order_by(Page.id)))


def page_directly(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    message: str,
    user_ids: Iterable[int] = (),
    schedule_id: int | None = None,
    urgency: str = "high",
) -> list[Page]:
    """Page people by hand: given users, or whoever is on call on a schedule (responders)."""
    actor.require(Role.RESPONDER)
    message = message.strip()
    if not message:
        raise Invalid("say why you page: the message must not be empty", field="message")
    if len(message) > MAX_MESSAGE:
        raise Invalid(f"the message is at most {MAX_MESSAGE} characters", field="message")
    if urgency not in URGENCIES:
        raise Invalid("urgency must be high or low", field="urgency")
    ids = list(dict.fromkeys(user_ids))
    via = "user"
    if schedule_id is not None:
        schedule = session.get(Schedule, schedule_id)
        if schedule is None:
            raise NotFound(f"schedule {schedule_id} does not exist", field="schedule_id")
        ids += [int(u) for u in oncall_now(session, schedule, now) if int(u) not in ids]
        via = f"schedule:{schedule_id}"
        if not ids:
            raise Conflict(f"nobody is on call on {schedule.name} now")
    if not ids:
        raise Invalid("name someone to page: a user or a schedule", field="user_ids")
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}
    for user_id in ids:
        if user_id not in users or not users[user_id].is_active:
            raise NotFound(f"user {user_id} does not exist or is deactivated", field="user_ids")
    made = []
    for user_id in ids:
        page = Page(
            user_id=user_id,
            via=via,
            urgency=urgency,
            message=message,
            created_at=now,
            sender_id=actor.user_id,
        )
        session.add(page)
        session.flush()
        announce_page(session, page)
        made.append(page)
    return made


def acknowledge(session: Session, *, alert_id: int, actor: Actor, now: datetime) -> Alert:
    """Acknowledge an alert (responders). With a policy whose acknowledgement mode is ``all``,
    the alert is acknowledged when everyone its escalation paged has acknowledged; until then
    each acknowledgement is noted and the escalation goes on."""
    actor.require(Role.RESPONDER)
    run = runs.find_for_alert(session, alert_id=alert_id, lock=True)
    _mark_pages(session, alert_id=alert_id, user_id=actor.user_id, now=now)
    if run is not None and run.state == ACTIVE and run.snapshot.get("ack_mode") == "all":
        waiting = session.scalar(
            select(Page.id).where(Page.run_id == run.id, Page.acknowledged_at.is_(None)).limit(1)
        )
        if waiting is not None:
            return alerts.note_acknowledgement(session, alert_id=alert_id, actor=actor, now=now)
    alert = alerts.acknowledge(session, alert_id=alert_id, actor=actor, now=now)
    if run is not None:
        runs.finish(session, run=run, state=ACKNOWLEDGED, now=now, actor_id=actor.user_id)
    return alert


def resolve(session: Session, *, alert_id: int, actor: Actor, now: datetime) -> Alert:
    """Resolve an alert (responders); its escalation ends."""
    alert = alerts.resolve(session, alert_id=alert_id, actor=actor, now=now)
    run = runs.find_for_alert(session, alert_id=alert_id, lock=True)
    if run is not None:
        runs.finish(session, run=run, state=RESOLVED, now=now, actor_id=actor.user_id)
    return alert


def acknowledge_page(session: Session, *, page: Page, actor: Actor, now: datetime) -> Page:
    """Acknowledge from a page's link: its alert as the person paged, or a direct page."""
    if page.alert_id is not None:
        alert = session.get(Alert, page.alert_id)
        if alert is not None and alert.is_open:
            acknowledge(session, alert_id=page.alert_id, actor=actor, now=now)
    elif page.acknowledged_at is None:
        page.acknowledged_at = now
        session.flush()
    return page


def _mark_pages(session: Session, *, alert_id: int, user_id: int, now: datetime) -> None:
    session.execute(
        update(Page)
        .where(Page.alert_id == alert_id, Page.user_id == user_id, Page.acknowledged_at.is_(None))
        .values(acknowledged_at=now)
    )
