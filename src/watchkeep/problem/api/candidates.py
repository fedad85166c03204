"""JSON routes for problem candidates: proposals of recurring incidents to review."""

from typing import Literal

from fastapi import APIRouter, Query, status

from watchkeep.core.clock import utcnow
from watchkeep.http.deps import CurrentActor, DbSession, Responder
from watchkeep.incident.schemas import IncidentSummary
from watchkeep.problem import candidates
from watchkeep.problem.read import problem_read
from watchkeep.problem.schemas import CandidateRead, Decided, ProblemRead

router = APIRouter(prefix="/problem-candidates", tags=["problems"])


@router.get("")
def list_(
    session: DbSession,
    actor: CurrentActor,
    status_: Literal["proposed", "accepted", "dismissed", "superseded"] = Query(
        "proposed", alias="status"
    ),
) -> list[CandidateRead]:
    """Proposed problems with their evidence (built only from incidents the caller may see)."""
    return [
        CandidateRead(
            id=c.id,
            title=c.title,
            score=c.score,
            status=c.status,
            incidents=[IncidentSummary.of(i) for i in c.incidents],
            evidence=c.evidence,
        )
        for c in candidates.list_candidates(session, actor=actor, status=status_)
    ]


@router.post("/{candidate_id:id}/accept", status_code=status.HTTP_201_CREATED)
def accept(candidate_id: int, session: DbSession, actor: Responder) -> ProblemRead:
    """Create the problem and link its incidents."""
    now = utcnow()
    problem = candidates.accept(session, candidate_id=candidate_id, actor=actor, now=now)
    return problem_read(session, problem, actor, now=now)


@router.post("/{candidate_id:id}/dismiss")
def dismiss(candidate_id: int, session: DbSession, actor: Responder) -> Decided:
    """Reject the proposal; the same cluster is not proposed again."""
    dismissed = candidates.dismiss(session, candidate_id=candidate_id, actor=actor, now=utcnow())
    return Decided(id=dismissed.id, status=dismissed.status, decided_at=dismissed.decided_at)
