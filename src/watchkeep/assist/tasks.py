"""Job handlers of the assist domain."""

from typing import Any

from watchkeep.assist.knownerrors import match_known_errors
from watchkeep.jobs.registry import JobContext


def on_incident_changed(ctx: JobContext, payload: dict[str, Any]) -> None:
    """An incident was declared or its content changed: look for known errors it matches."""
    with ctx.db.session() as session:
        match_known_errors(session, incident_id=payload["incident_id"])
