"""Job handlers of the escalation domain: runs start when an alert opens, step on their
timers, and end when their alert is acknowledged or resolved by anyone (its sender too)."""

from typing import Any

from watchkeep.alert.events import ALERT_ACKNOWLEDGED, ALERT_OPENED, ALERT_RESOLVED
from watchkeep.escalation import runs
from watchkeep.escalation.models import ACKNOWLEDGED, RESOLVED
from watchkeep.jobs.registry import JobContext, Registry


def start_escalation(ctx: JobContext, payload: dict[str, Any]) -> None:
    with ctx.db.session() as session:
        runs.start(session, alert_id=payload["alert_id"], now=ctx.now)


def take_step(ctx: JobContext, payload: dict[str, Any]) -> None:
    with ctx.db.session() as session:
        runs.step(session, run_id=payload["run_id"], token=payload["token"], now=ctx.now)


def _ender(state: str) -> Any:
    def end(ctx: JobContext, payload: dict[str, Any]) -> None:
        with ctx.db.session() as session:
            run = runs.find_for_alert(session, alert_id=payload["alert_id"], lock=True)
            if run is not None:
                runs.finish(
                    session, run=run, state=state, now=ctx.now, actor_id=payload.get("actor_id")
                )

    return end


def register(registry: Registry) -> None:
    """Start on ``alert.opened``; end on ``alert.acknowledged`` and ``alert.resolved``."""
    registry.subscribe(ALERT_OPENED, "escalation", start_escalation)
    registry.subscribe(ALERT_ACKNOWLEDGED, "escalation", _ender(ACKNOWLEDGED))
    registry.subscribe(ALERT_RESOLVED, "escalation", _ender(RESOLVED))
    registry.add(runs.STEP, take_step)
