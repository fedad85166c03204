"""Known errors matched to live incidents: stored, shown with the workaround, dismissable.

Finding the matches is the assist domain's work; this module records and serves them.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, NotFound
from watchkeep.incident.models import Incident
from watchkeep.incident.timeline import record
from watchkeep.problem.models import KnownError, KnownErrorMatch


def record_match(
    session: Session,
    *,
    incident: Incident,
    known: KnownError,
    score: float,
    reasons: list[str],
    now: datetime,
) -> KnownErrorMatch | None:
    """Store a match and note it on the incident's timeline with the workaround's first step.

    A known error already matched (or dismissed) on this incident is not matched again.
    """
    if session.get(KnownErrorMatch, (incident.id, known.id)) is not None:
        return None
    match = KnownErrorMatch(
        incident_id=incident.id,
        known_error_id=known.id,
        score=score,
        reasons=reasons,
        matched_at=now,
    )
    session.add(match)
    first_step = known.workaround[0] if known.workaround else "see the known error"
    record(
        session,
        incident=incident,
        kind="known_error_matched",
        actor=None,
        title=f"Matches {known.reference}: {first_step}",
        description="\n".join(f"{n}. {step}" for n, step in enumerate(known.workaround, 1)),
        payload={
            "known_error": known.reference,
            "known_error_id": known.id,
            "score": score,
            "reasons": reasons,
        },
        now=now,
    )
    return match


def matches_for_incident(session: Session, *, incident_id: int) -> list[KnownErrorMatch]:
    """The known errors this incident matches and nobody dismissed, best first."""
    return list(
        session.scalars(
            select(KnownErrorMatch)
            .where(KnownErrorMatch.incident_id == incident_id, KnownErrorMatch.dismissed.is_(False))
            .order_by(KnownErrorMatch.score.desc())
        )
    )


def dismiss_match(
    session: Session, *, incident: Incident, known_error_id: int, actor: Actor, now: datetime
) -> None:
    """Hide a match that does not apply; the timeline records who dismissed it."""
    actor.require(Role.RESPONDER)
    match = session.get(KnownErrorMatch, (incident.id, known_error_id))
    if match is None:
        raise NotFound(f"{incident.reference} has no match with known error {known_error_id}")
    if match.dismissed:
        raise Conflict(
            f"{match.known_error.reference} was already dismissed on {incident.reference}"
        )
    match.dismissed = True
    record(
        session,
        incident=incident,
        kind="known_error_dismissed",
        actor=actor,
        title=f"{match.known_error.reference} does not apply (dismissed)",
        payload={"known_error": match.known_error.reference, "known_error_id": known_error_id},
        now=now,
    )
