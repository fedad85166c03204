"""Similar incidents for an incident or a free-text description.

An answer is about past incidents (resolved, in the post-incident flow, or closed) or, asked
for, about other live ones (in triage or being responded to: possible duplicates). Declined,
merged and canceled incidents are never in it. A weak match is shown, marked weak, rather
than leaving the answer empty; only a match with nothing in common is dropped. Responders'
verdicts on a pair (:mod:`watchkeep.assist.feedback`) hide it or put it first.

Private incidents are filtered out of every answer for people who may not see them, before
anything about them is returned. The index is the caller's: the stored index read in the
caller's session (``SimilarityStore.reader``), or any other `Searcher`; these functions only
read it, as it is now.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.assist.corpus import query_of
from watchkeep.assist.feedback import feedback_for
from watchkeep.assist.models import NOT_SIMILAR, SAME_CAUSE
from watchkeep.assist.similarity.model import Match, Query, Searcher
from watchkeep.core.actor import Actor
from watchkeep.core.errors import Invalid
from watchkeep.incident.access import visible_clause
from watchkeep.incident.lifecycle import CATEGORY, Category
from watchkeep.incident.models import Incident


class State(StrEnum):
    """Which incidents an answer is about."""

    PAST = "past"
    LIVE = "live"


STATUSES: dict[State, tuple[str, ...]] = {
    State.PAST: tuple(
        s.value for s, c in CATEGORY.items() if c in (Category.POST_INCIDENT, Category.CLOSED)
    ),
    State.LIVE: tuple(
        s.value for s, c in CATEGORY.items() if c in (Category.TRIAGE, Category.LIVE)
    ),
}

OVERFETCH = 4  # search deeper than asked, so that hidden incidents can be dropped
LIVE_DEPTH = 100  # live incidents are few among the past ones in the index: look deeper
MIN_TEXT = 3
WEAK_SCORE = 0.05  # below this a match shares little more than a common word
SAME_CAUSE_REASON = "a responder marked it as the same cause"


@dataclass(frozen=True)
class SimilarIncident:
    incident: Incident
    score: float
    reasons: list[str]
    weak: bool = False  # scored below WEAK_SCORE: shown only for want of better
    verdict: str | None = None  # SAME_CAUSE when a responder said so


def _visible(
    session: Session, actor: Actor, ids: list[int], state: State, before: datetime | None
) -> set[int]:
    if not ids:
        return set()
    query = select(Incident.id).where(
        Incident.id.in_(ids), Incident.status.in_(STATUSES[state]), visible_clause(actor)
    )
    if before is not None:
        query = query.where(Incident.resolved_at <= before)
    return set(session.scalars(query))


def _loaded(session: Session, ids: list[int]) -> dict[int, Incident]:
    if not ids:
        return {}
    return {i.id: i for i in session.scalars(select(Incident).where(Incident.id.in_(ids)))}


def _live_ids(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalars(select(Incident.id).where(Incident.status.in_(STATUSES[State.LIVE])))
    )


def _answer(
    session: Session,
    index: Searcher,
    actor: Actor,
    query: Query,
    k: int,
    state: State,
    exclude: tuple[int, ...] = (),
    verdicts: dict[int, str] | None = None,
    before: datetime | None = None,
) -> list[SimilarIncident]:
    verdicts = verdicts or {}
    confirmed = [i for i, verdict in verdicts.items() if verdict == SAME_CAUSE]
    skip = exclude + tuple(i for i, verdict in verdicts.items() if verdict == NOT_SIMILAR)
    if state is State.PAST:
        # Live incidents are few: leaving them out keeps the depth for past ones.
        skip += _live_ids(session)
        depth = k * OVERFETCH
    else:
        depth = max(k * OVERFETCH, LIVE_DEPTH)
    found = index.search(query, k=depth + len(confirmed), exclude_ids=skip)
    matches: dict[int, Match] = {
        int(m.id): m for m in found if isinstance(m.id, int) and m.score > 0
    }
    visible = _visible(session, actor, [*matches, *confirmed], state, before)

    def score(incident_id: int) -> float:
        match = matches.get(incident_id)
        return match.score if match else 0.0

    first = sorted((i for i in confirmed if i in visible), key=lambda i: (-score(i), -i))
    rest = [i for i in matches if i in visible and i not in first]
    # Only the incidents shown are loaded whole.
    shown = _loaded(session, [*first, *rest][:k])
    answer = [
        SimilarIncident(
            incident=shown[i],
            score=score(i),
            reasons=[SAME_CAUSE_REASON, *(matches[i].reasons.describe() if i in matches else [])],
            verdict=SAME_CAUSE,
        )
        for i in first
        if i in shown
    ]
    answer += [
        SimilarIncident(
            incident=shown[i],
            score=matches[i].score,
            reasons=matches[i].reasons.describe(),
            weak=matches[i].score < WEAK_SCORE,
        )
        for i in rest
        if i in shown
    ]
    return answer[:k]


def similar_incidents(
    session: Session,
    *,
    index: Searcher,
    incident: Incident,
    actor: Actor,
    k: int = 5,
    state: State = State.PAST,
) -> list[SimilarIncident]:
    """The past (or other live) incidents most like ``incident`` that ``actor`` may see, best
    first: those a responder marked as the same cause first, those marked not similar never."""
    verdicts = feedback_for(session, incident.id)
    return _answer(session, index, actor, query_of(incident), k, state, (incident.id,), verdicts)


def similar_as_of(
    session: Session,
    *,
    index: Searcher,
    incident: Incident,
    query: Query,
    actor: Actor,
    before: datetime,
    k: int = 5,
) -> list[SimilarIncident]:
    """The past incidents most like ``query`` (what ``incident`` showed at ``before``) that
    were resolved by then and that ``actor`` may see; responders' verdicts on ``incident``
    apply as in `similar_incidents`."""
    verdicts = feedback_for(session, incident.id)
    return _answer(
        session, index, actor, query, k, State.PAST, (incident.id,), verdicts, before=before
    )


def search_similar(
    session: Session,
    *,
    index: Searcher,
    text: str,
    actor: Actor,
    k: int = 10,
    state: State = State.PAST,
) -> list[SimilarIncident]:
    """Past (or live) incidents most like a free-text description (of at least 3 characters)."""
    if len(text.strip()) < MIN_TEXT:
        raise Invalid(f"describe what you see in at least {MIN_TEXT} characters", field="q")
    return _answer(session, index, actor, Query(text=text), k, state)
