"""Job handlers of the alert domain.

The worker's ``ctx.state`` carries ``change_lookback`` (a timedelta, from the setting
``change_lookback_minutes``): how long before an incident began its services' changes count.
"""

from datetime import timedelta
from typing import Any

from watchkeep.alert import attachments, heartbeats, incidents
from watchkeep.alert.events import ALERT_OPENED, CHANGE_RECORDED
from watchkeep.incident.events import INCIDENT_CHANGED
from watchkeep.jobs.registry import JobContext, Registry

CHECK_HEARTBEATS = "alert.check_heartbeats"
HEARTBEAT_CHECK_EVERY = timedelta(seconds=30)
WINDOW_FIELDS = frozenset({"declared", "services"})
"""The incident changes after which its changes are looked for again."""


def check_heartbeats(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Periodically: open an alert for every heartbeat monitor that missed its ping."""
    with ctx.db.session() as session:
        heartbeats.check(session, now=ctx.now)


def attach_incident(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A new alert whose route declares incidents opens one, or joins its group's."""
    with ctx.db.session() as session:
        incidents.attach(session, alert_id=payload["alert_id"], now=ctx.now)


def lookback_of(ctx: JobContext) -> timedelta:
    """The look-back the worker was built with (``ctx.state.change_lookback``)."""
    lookback = getattr(ctx.state, "change_lookback", None)
    if not isinstance(lookback, timedelta):
        raise RuntimeError(
            "this worker was built without a change look-back (state.change_lookback)"
        )
    return lookback


def attach_change(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A new change on a service: attach it to the incidents of the service it falls in."""
    with ctx.db.session() as session:
        attachments.attach_change(
            session, change_id=payload["change_id"], lookback=lookback_of(ctx), now=ctx.now
        )


def attach_changes(ctx: JobContext, payload: dict[str, Any]) -> None:
    """An incident was declared or its services changed: attach the stored changes of its
    services that fall in its window."""
    if not WINDOW_FIELDS & set(payload.get("fields", ())):
        return
    with ctx.db.session() as session:
        attachments.attach_to_incident(
            session, incident_id=payload["incident_id"], lookback=lookback_of(ctx), now=ctx.now
        )


def register(registry: Registry) -> None:
    """New alerts get their incident; changes and incidents meet both ways; heartbeats are
    checked every 30 seconds."""
    registry.subscribe(ALERT_OPENED, "incident", attach_incident)
    registry.subscribe(CHANGE_RECORDED, "incidents", attach_change)
    registry.subscribe(INCIDENT_CHANGED, "alert.attach_changes", attach_changes)
    registry.add(CHECK_HEARTBEATS, check_heartbeats, every=HEARTBEAT_CHECK_EVERY)
