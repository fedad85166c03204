"""JSON routes for the known errors a live incident matches."""

from fastapi import APIRouter, status

from watchkeep.core.clock import utcnow
from watchkeep.http.deps import CurrentActor, DbSession, Responder
from watchkeep.incident.access import get_visible
from watchkeep.problem.matching import dismiss_match, matches_for_incident
from watchkeep.problem.read import known_error_read
from watchkeep.problem.schemas import MatchRead

router = APIRouter(tags=["problems"])


@router.get("/incidents/{ref}/known-errors")
def matches(ref: str, session: DbSession, actor: CurrentActor) -> list[MatchRead]:
    """Known errors this incident matches, with their workarounds."""
    incident = get_visible(session, ref=ref, actor=actor)
    return [
        MatchRead(
            known_error=known_error_read(m.known_error),
            score=m.score,
            reasons=m.reasons,
            matched_at=m.matched_at,
        )
        for m in matches_for_incident(session, incident_id=incident.id)
    ]


@router.post(
    "/incidents/{ref}/known-errors/{known_error_id:id}/dismiss",
    status_code=status.HTTP_204_NO_CONTENT,
)
def dismiss(ref: str, known_error_id: int, session: DbSession, actor: Responder) -> None:
    """Say that a matched known error does not apply to this incident."""
    incident = get_visible(session, ref=ref, actor=actor)
    dismiss_match(
        session, incident=incident, known_error_id=known_error_id, actor=actor, now=utcnow()
    )
