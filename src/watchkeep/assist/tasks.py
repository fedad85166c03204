"""Job handlers of the assist domain."""

from datetime import timedelta
from typing import Any

from watchkeep.alert.events import CHANGE_RECORDED
from watchkeep.assist.candidates import propose_problem_candidates
from watchkeep.assist.investigations import concerned_by_change, investigate_now, is_live
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.knownerrors import match_known_errors
from watchkeep.incident.events import INCIDENT_CHANGED
from watchkeep.incident.models import Incident
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


INVESTIGATED_ON = frozenset({"declared", "alerts", "title", "summary", "services"})
"""The changes to an incident after which it is investigated again."""


def _investigate(ctx: JobContext, incident_id: int, trigger: str) -> None:
    sources = getattr(ctx.state, "investigation_sources", None)
    if sources is None:
        raise RuntimeError("this worker was built without investigation sources")
    with ctx.db.session() as session:
        incident = session.get(Incident, incident_id)
        if incident is None or not is_live(incident):
            return
        investigate_now(
            session,
            store=similarity_of(ctx),
            incident=incident,
            sources=sources,
            trigger=trigger,
            actor=None,
            now=ctx.now,
        )


def investigate_changed(ctx: JobContext, payload: dict[str, Any]) -> None:
    """An incident was declared, got new alerts, or its title, summary or services changed:
    investigate it again (the timeline notes it when the conclusion changes)."""
    fields = set(payload.get("fields", ()))
    if not fields & INVESTIGATED_ON:
        return
    similarity_of(ctx).refresh()  # outside the transaction (see on_incident_changed)
    trigger = "declared" if "declared" in fields else "alerts" if "alerts" in fields else "summary"
    _investigate(ctx, payload["incident_id"], trigger)


def investigate_on_change(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A change event landed: investigate again the live incidents it may concern (on an
    affected service or on what they depend on)."""
    with ctx.db.session(write=False) as session:
        concerned = concerned_by_change(session, change_id=payload["change_id"])
    for incident_id in concerned:
        _investigate(ctx, incident_id, "change")


def register(registry: Registry) -> None:
    """Known-error matching and an investigation when an incident changes, another when a
    change event lands on what it depends on; the similarity index every few seconds;
    problem candidates every hour."""
    registry.subscribe(INCIDENT_CHANGED, "assist.match_known_errors", on_incident_changed)
    registry.subscribe(INCIDENT_CHANGED, "assist.investigate", investigate_changed)
    registry.subscribe(CHANGE_RECORDED, "assist.investigate_change", investigate_on_change)
    registry.add(INDEX_SIMILAR, index_similar, every=INDEX_EVERY)
    registry.add(PROPOSE_PROBLEMS, propose_problems, every=timedelta(hours=1))
