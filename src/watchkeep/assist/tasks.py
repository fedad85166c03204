"""Job handlers of the assist domain."""

from datetime import timedelta
from typing import Any

from watchkeep.assist.candidates import propose_problem_candidates
from watchkeep.assist.index import IndexKeeper
from watchkeep.assist.knownerrors import match_known_errors
from watchkeep.incident.events import INCIDENT_CHANGED
from watchkeep.jobs.registry import JobContext, Registry


def similarity_of(ctx: JobContext) -> IndexKeeper:
    """The similarity index on the worker's state (``ctx.state.similarity``), which whoever
    builds the worker provides (``watchkeep worker``, ``watchkeep run``)."""
    keeper = getattr(ctx.state, "similarity", None)
    if not isinstance(keeper, IndexKeeper):
        raise RuntimeError("this worker was built without a similarity index (state.similarity)")
    return keeper


FIRST_BUILD_WAIT = 5.0
"""How long a matching job waits for the first build of a worker that just started (a few
thousand incidents take well under a second); after that it fails and is retried later."""


def on_incident_changed(ctx: JobContext, payload: dict[str, Any]) -> None:
    """An incident was declared or its content changed: look for known errors it matches."""
    index = similarity_of(ctx)
    # Outside the job's transaction: on SQLite it would hold the write lock meanwhile.
    if index.running:
        index.wait_ready(FIRST_BUILD_WAIT)
    index.refresh()  # a job is not a request: it sees what was committed a moment ago
    with ctx.db.session() as session:
        match_known_errors(session, index=index, incident_id=payload["incident_id"], now=ctx.now)


PROPOSE_PROBLEMS = "assist.propose_problems"


def propose_problems(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Periodically: cluster recent unlinked incidents and propose problems for review."""
    with ctx.db.session() as session:
        propose_problem_candidates(session, now=ctx.now)


def register(registry: Registry) -> None:
    """Known-error matching when an incident changes; problem candidates every hour."""
    registry.subscribe(INCIDENT_CHANGED, "assist.match_known_errors", on_incident_changed)
    registry.add(PROPOSE_PROBLEMS, propose_problems, every=timedelta(hours=1))
