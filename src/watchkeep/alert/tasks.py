"""Job handlers of the alert domain."""

from datetime import timedelta
from typing import Any

from watchkeep.alert import heartbeats
from watchkeep.jobs.registry import JobContext, Registry

CHECK_HEARTBEATS = "alert.check_heartbeats"
HEARTBEAT_CHECK_EVERY = timedelta(seconds=30)


def check_heartbeats(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Periodically: open an alert for every heartbeat monitor that missed its ping."""
    with ctx.db.session() as session:
        heartbeats.check(session, now=ctx.now)


def register(registry: Registry) -> None:
    """Heartbeats are checked every 30 seconds."""
    registry.add(CHECK_HEARTBEATS, check_heartbeats, every=HEARTBEAT_CHECK_EVERY)
