"""Job handlers of the assist domain."""

from datetime import timedelta
from typing import Any

from watchkeep.assist.candidates import propose_problem_candidates
from watchkeep.assist.knownerrors import match_known_errors
from watchkeep.incident.events import INCIDENT_CHANGED
from watchkeep.jobs.registry import JobContext, Registry


def on_incident_changed(ctx: JobContext, payload: dict[str, Any]) -> None:
    """An incident was declared or its content changed: look for known errors it matches."""
    with ctx.db.session() as session:
        match_known_errors(session, incident_id=payload["incident_id"], now=ctx.now)


PROPOSE_PROBLEMS = "assist.propose_problems"


def propose_problems(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Periodically: cluster recent unlinked incidents and propose problems for review."""
    with ctx.db.session() as session:
        propose_problem_candidates(session, now=ctx.now)


def register(registry: Registry) -> None:
    """Known-error matching when an incident changes; problem candidates every hour."""
    registry.subscribe(INCIDENT_CHANGED, "assist.match_known_errors", on_incident_changed)
    registry.add(PROPOSE_PROBLEMS, propose_problems, every=timedelta(hours=1))
