"""Match live incidents against the known-error database."""

from datetime import datetime

from sqlalchemy.orm import Session

from watchkeep.assist.corpus import KNOWN_ERROR_PREFIX, query_of
from watchkeep.assist.similarity.model import Searcher
from watchkeep.incident import lifecycle
from watchkeep.incident.lifecycle import Category, Status
from watchkeep.incident.models import Incident
from watchkeep.problem.matching import record_match
from watchkeep.problem.models import KnownError

MATCH_THRESHOLD = 0.2
"""The score from which a known error is shown on an incident (see docs/similarity.md)."""
DEPTH = 200


def match_known_errors(
    session: Session, *, index: Searcher, incident_id: int, now: datetime
) -> list[str]:
    """Record the known errors a triage or live incident matches; returns their references.

    Searches ``index`` as it is: the caller brings it up to date first (the job does, so
    that a known error recorded a moment ago counts).
    """
    incident = session.get(Incident, incident_id)
    if incident is None:
        return []
    if lifecycle.category(Status(incident.status)) not in (Category.TRIAGE, Category.LIVE):
        return []
    found = []
    for match in index.search(query_of(incident), k=DEPTH, exclude_ids=(incident.id,)):
        if not isinstance(match.id, str) or match.score < MATCH_THRESHOLD:
            continue
        known = session.get(KnownError, int(match.id.removeprefix(KNOWN_ERROR_PREFIX)))
        if known is None or not known.active:
            continue
        if record_match(
            session,
            incident=incident,
            known=known,
            score=match.score,
            reasons=match.reasons.describe(),
            now=now,
        ):
            found.append(known.reference)
    return found
