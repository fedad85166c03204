"""Job handlers of the alert domain."""

from datetime import timedelta
from typing import Any

from watchkeep.alert import heartbeats, incidents
from watchkeep.alert.events import ALERT_OPENED
from watchkeep.jobs.registry import JobContext, Registry

CHECK_HEARTBEATS = "alert.check_heartbeats"
HEARTBEAT_CHECK_EVERY = timedelta(seconds=30)


def check_heartbeats(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Periodically: open an alert for every heartbeat monitor that missed its ping."""
    with ctx.db.session() as session:
        heartbeats.check(session, now=ctx.now)


def attach_incident(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A new alert whose route declares incidents opens one, or joins its group's."""
    with ctx.db.session() as session:
        incidents.attach(session, alert_id=payload["alert_id"], now=ctx.now)


def register(registry: Registry) -> None:
    """New alerts get their incident; heartbeats are checked every 30 seconds."""
    registry.subscribe(ALERT_OPENED, "incident", attach_incident)
    registry.add(CHECK_HEARTBEATS, check_heartbeats, every=HEARTBEAT_CHECK_EVERY)
