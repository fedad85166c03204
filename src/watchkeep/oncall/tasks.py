"""Job handlers of the on-call domain."""

from datetime import timedelta
from typing import Any

from watchkeep.jobs.registry import JobContext, Registry
from watchkeep.oncall.history import record_history
from watchkeep.oncall.service import list_schedules

RECORD_HISTORY = "oncall.record_history"


def record_all_history(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Periodically: freeze every schedule's final entries that have ended since last time."""
    with ctx.db.session() as session:
        for schedule in list_schedules(session):
            record_history(session, schedule, ctx.now)


def register(registry: Registry) -> None:
    """Shift history is frozen every hour."""
    registry.add(RECORD_HISTORY, record_all_history, every=timedelta(hours=1))
