"""Problem candidates: clusters of similar incidents proposed as a problem, accepted or
dismissed by a person. Finding the clusters is the assist domain's work."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, NotFound
from watchkeep.incident.access import visible_among
from watchkeep.incident.models import Incident
from watchkeep.problem import links
from watchkeep.problem.models import Problem, ProblemCandidate, ProblemIncident

PROPOSED, ACCEPTED, DISMISSED, SUPERSEDED = "proposed", "accepted", "dismissed", "superseded"


@dataclass(frozen=True)
class CandidateView:
    id: int
    title: str
    score: float
    incidents: list[Incident]
    evidence: dict[str, Any]
    status: str


def linked_incident_ids(session: Session) -> set[int]:
    return set(session.scalars(select(ProblemIncident.incident_id)))


def propose(
    session: Session,
    *,
    fingerprint: str,
    title: str,
    incident_ids: list[int],
    evidence: dict[str, Any],
    score: float,
    now: datetime,
) -> ProblemCandidate | None:
    """Store a proposal unless the same cluster was proposed before (whatever its fate).

    Earlier open proposals whose incidents this one covers are superseded by it.
    """
    if session.scalar(select(ProblemCandidate).where(ProblemCandidate.fingerprint == fingerprint)):
        return None
    members = set(incident_ids)
    for older in session.scalars(
        select(ProblemCandidate).where(ProblemCandidate.status == PROPOSED)
    ):
        if set(older.incident_ids) <= members:
            older.status = SUPERSEDED
    candidate = ProblemCandidate(
        fingerprint=fingerprint,
        title=title,
        incident_ids=sorted(members),
        evidence=evidence,
        score=score,
        status=PROPOSED,
        created_at=now,
    )
    session.add(candidate)
    session.flush()
    return candidate


def _get(session: Session, candidate_id: int) -> ProblemCandidate:
    candidate = session.get(ProblemCandidate, candidate_id)
    if candidate is None:
        raise NotFound(f"problem candidate {candidate_id} does not exist")
    return candidate


def _visible_incidents(session: Session, actor: Actor, ids: list[int]) -> list[Incident]:
    return visible_among(session, incident_ids=ids, actor=actor, order_by=Incident.declared_at)


def list_candidates(
    session: Session, *, actor: Actor, status: str = PROPOSED
) -> list[CandidateView]:
    """Proposals with the incidents ``actor`` may see; a proposal built only on incidents
    they cannot see is not shown to them at all."""
    rows = session.scalars(
        select(ProblemCandidate)
        .where(ProblemCandidate.status == status)
        .order_by(ProblemCandidate.score.desc(), ProblemCandidate.id)
    )
    views = []
    for row in rows:
        incidents = _visible_incidents(session, actor, row.incident_ids)
        title, evidence = row.title, row.evidence
        if len(incidents) < len(row.incident_ids) and not actor.is_admin:
            # Title and evidence were drawn from every member, private ones included: someone
            # who cannot see them all gets only what their own incidents say.
            if not incidents:
                continue
            title, evidence = incidents[0].title, {"count": len(incidents)}
        views.append(CandidateView(row.id, title, row.score, incidents, evidence, row.status))
    return views


def accept(session: Session, *, candidate_id: int, actor: Actor, now: datetime) -> Problem:
    """Turn a proposal into a problem linked to its incidents (those the actor may see)."""
    actor.require(Role.RESPONDER)
    candidate = _get(session, candidate_id)
    if candidate.status != PROPOSED:
        raise Conflict(f"this proposal was already {candidate.status}")
    incidents = _visible_incidents(session, actor, candidate.incident_ids)
    if not incidents:
        raise NotFound(f"problem candidate {candidate_id} does not exist")
    # The proposal's title was drawn from every member: keep it only for someone who may see
    # them all, since the problem is visible to everyone.
    sees_all = len(incidents) == len(candidate.incident_ids)
    problem = links.raise_from_incidents(
        session,
        actor=actor,
        incident_refs=[i.reference for i in incidents],
        title=candidate.title if sees_all else None,
        reason="proposed as recurring and accepted",
        now=now,
    )
    candidate.status, candidate.problem_id = ACCEPTED, problem.id
    candidate.decided_at, candidate.decided_by_id = now, actor.user_id
    return problem


def dismiss(
    session: Session, *, candidate_id: int, actor: Actor, now: datetime
) -> ProblemCandidate:
    """Reject a proposal; the same cluster is not proposed again."""
    actor.require(Role.RESPONDER)
    candidate = _get(session, candidate_id)
    if candidate.status != PROPOSED:
        raise Conflict(f"this proposal was already {candidate.status}")
    candidate.status = DISMISSED
    candidate.decided_at, candidate.decided_by_id = now, actor.user_id
    session.flush()
    return candidate
