"""Job handlers of the assist domain."""

from datetime import timedelta
from typing import Any

from watchkeep.assist.candidates import propose_problem_candidates
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.knownerrors import match_known_errors
from watchkeep.incident.events import INCIDENT_CHANGED
from watchkeep.jobs.registry import JobContext, Registry


def similarity_of(ctx: JobContext) -> SimilarityStore:
    """The similarity index on the worker's state (``ctx.state.similarity``), which whoever
    builds the worker provides (``watchkeep worker``, ``watchkeep run``)."""
    store = getattr(ctx.state, "similarity", None)
    if not isinstance(store, SimilarityStore):
        raise RuntimeError("this worker was built without a similarity index (state.similarity)")
    return store


INDEX_SIMILAR = "assist.index_similar"
INDEX_EVERY = timedelta(seconds=5)
"""How often the worker brings the stored similarity index up to date."""


def index_similar(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Periodically: index what changed since the last run (in batches, a transaction each)."""
    similarity_of(ctx).refresh()


def on_incident_changed(ctx: JobContext, payload: dict[str, Any]) -> None:
    """An incident was declared or its content changed: look for known errors it matches."""
    store = similarity_of(ctx)
    # A job is not a request: it indexes what was committed a moment ago (the incident, a
    # known error just recorded) first, outside its own transaction: on SQLite that would
    # hold the write lock the indexer needs.
    store.refresh()
    with ctx.db.session() as session:
        match_known_errors(
            session, index=store.reader(session), incident_id=payload["incident_id"], now=ctx.now
        )


PROPOSE_PROBLEMS = "assist.propose_problems"


def propose_problems(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Periodically: cluster recent unlinked incidents and propose problems for review."""
    with ctx.db.session() as session:
        propose_problem_candidates(session, now=ctx.now)


def register(registry: Registry) -> None:
    """Known-error matching when an incident changes; the similarity index every few seconds;
    problem candidates every hour."""
    registry.subscribe(INCIDENT_CHANGED, "assist.match_known_errors", on_incident_changed)
    registry.add(INDEX_SIMILAR, index_similar, every=INDEX_EVERY)
    registry.add(PROPOSE_PROBLEMS, propose_problems, every=timedelta(hours=1))
