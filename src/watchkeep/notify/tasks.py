"""Job handlers of the notify domain: pages become notifications, notifications are sent,
and notices go out before shifts, for overdue updates and for overdue follow-ups.

The worker's ``ctx.state`` carries ``channels`` (kind → channel, built from the settings),
``base_url`` (for links) and ``shift_notice`` (how long before a shift its notice goes; zero:
none).
"""

from datetime import timedelta
from typing import Any

from watchkeep.escalation.events import PAGED
from watchkeep.incident.events import UPDATE_OVERDUE
from watchkeep.jobs.registry import JobContext, Registry
from watchkeep.notify import deliveries, notices

SHIFT_NOTICES = "notify.shift_notices"
FOLLOW_UP_NOTICES = "notify.follow_up_notices"
SHIFT_NOTICE_EVERY = timedelta(minutes=5)


def plan_page(ctx: JobContext, payload: dict[str, Any]) -> None:
    with ctx.db.session() as session:
        deliveries.plan_page(session, page_id=payload["page_id"], now=ctx.now)


def send(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Send one notification; a failure that may pass raises, so the job is retried."""
    deliveries.send(
        ctx.db,
        notification_id=payload["notification_id"],
        channels=ctx.state.channels,
        base_url=ctx.state.base_url,
        now=ctx.now,
    )


def remind_update(ctx: JobContext, payload: dict[str, Any]) -> None:
    with ctx.db.session() as session:
        notices.update_overdue(
            session,
            incident_id=payload["incident_id"],
            lead_id=payload["lead_id"],
            due_at=payload["due_at"],
            now=ctx.now,
            base_url=ctx.state.base_url,
        )


def shift_notices(ctx: JobContext, _payload: dict[str, Any]) -> None:
    lead: timedelta = ctx.state.shift_notice
    if lead <= timedelta(0):
        return
    with ctx.db.session() as session:
        notices.shift_notices(session, now=ctx.now, lead=lead, base_url=ctx.state.base_url)


def follow_up_notices(ctx: JobContext, _payload: dict[str, Any]) -> None:
    with ctx.db.session() as session:
        notices.follow_up_notices(session, now=ctx.now, base_url=ctx.state.base_url)


def register(registry: Registry) -> None:
    """Pages and overdue updates are delivered as they happen; shift notices are planned every
    five minutes, follow-up notices every hour."""
    registry.subscribe(PAGED, "notify", plan_page)
    registry.subscribe(UPDATE_OVERDUE, "notify", remind_update)
    registry.add(deliveries.SEND, send)
    registry.add(SHIFT_NOTICES, shift_notices, every=SHIFT_NOTICE_EVERY)
    registry.add(FOLLOW_UP_NOTICES, follow_up_notices, every=timedelta(hours=1))
