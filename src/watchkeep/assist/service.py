"""Similar incidents for a live incident or a free-text description.

Private incidents are filtered out of every answer for people who may not see them, before
anything about them is returned. The index is the caller's (:class:`IndexKeeper`, held by
the composition layer); these functions only read it, as it is now.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.assist.corpus import query_of
from watchkeep.assist.index import IndexKeeper
from watchkeep.assist.similarity.model import Query
from watchkeep.core.actor import Actor
from watchkeep.core.errors import Invalid
from watchkeep.incident.access import visible_clause
from watchkeep.incident.models import Incident

OVERFETCH = 4  # search deeper than asked, so that hidden incidents can be dropped
MIN_TEXT = 3
MIN_SCORE = 0.05  # below this a "match" shares little more than a common word


@dataclass(frozen=True)
class SimilarIncident:
    incident: Incident
    score: float
    reasons: list[str]


def _visible(session: Session, actor: Actor, ids: list[int]) -> dict[int, Incident]:
    if not ids:
        return {}
    rows = session.scalars(select(Incident).where(Incident.id.in_(ids), visible_clause(actor)))
    return {i.id: i for i in rows}


def _answer(
    session: Session,
    index: IndexKeeper,
    actor: Actor,
    query: Query,
    k: int,
    exclude: tuple[int, ...] = (),
) -> list[SimilarIncident]:
    matches = index.search(query, k=k * OVERFETCH, exclude_ids=exclude)
    incident_matches = [m for m in matches if isinstance(m.id, int) and m.score >= MIN_SCORE]
    shown = _visible(session, actor, [int(m.id) for m in incident_matches])
    return [
        SimilarIncident(incident=shown[int(m.id)], score=m.score, reasons=m.reasons.describe())
        for m in incident_matches
        if m.id in shown
    ][:k]


def similar_incidents(
    session: Session, *, index: IndexKeeper, incident: Incident, actor: Actor, k: int = 5
) -> list[SimilarIncident]:
    """The past incidents most like ``incident`` that ``actor`` may see, best first.

    Raises ``IndexNotReady`` until ``index`` has been built for the first time.
    """
    return _answer(session, index, actor, query_of(incident), k, exclude=(incident.id,))


def search_similar(
    session: Session, *, index: IndexKeeper, text: str, actor: Actor, k: int = 10
) -> list[SimilarIncident]:
    """Incidents most like a free-text description (of at least 3 characters).

    Raises ``IndexNotReady`` until ``index`` has been built for the first time.
    """
    if len(text.strip()) < MIN_TEXT:
        raise Invalid(f"describe what you see in at least {MIN_TEXT} characters", field="q")
    return _answer(session, index, actor, Query(text=text), k)
