"""Responders' verdicts on the similar incidents shown to them.

A verdict is about a pair of incidents, whichever page it was given on: "not similar" hides
each from the other's answers, "same cause" shows each first in the other's. One verdict per
pair; a new one replaces it, and it can be withdrawn. :func:`feedback_for` is how answers
(and, later, the ranking) read them.
"""

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from watchkeep.assist.models import NOT_SIMILAR, VERDICTS, SimilarityFeedback
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Invalid, NotFound
from watchkeep.incident.access import visible_among
from watchkeep.incident.models import Incident
from watchkeep.incident.timeline import ensure_changeable


def _pair(incident: Incident, other: Incident) -> tuple[int, int]:
    if incident.id == other.id:
        raise Invalid("an incident is not compared with itself", field="other_ref")
    return (incident.id, other.id) if incident.id < other.id else (other.id, incident.id)


def feedback_for(session: Session, incident_id: int) -> dict[int, str]:
    """The verdicts on pairs with this incident: the other incident's id → its verdict."""
    rows = session.execute(
        select(
            SimilarityFeedback.incident_id,
            SimilarityFeedback.other_incident_id,
            SimilarityFeedback.verdict,
        ).where(
            or_(
                SimilarityFeedback.incident_id == incident_id,
                SimilarityFeedback.other_incident_id == incident_id,
            )
        )
    )
    return {(b if a == incident_id else a): verdict for a, b, verdict in rows}


def marked_not_similar(session: Session, *, incident: Incident, actor: Actor) -> list[Incident]:
    """The incidents marked as not like ``incident`` that ``actor`` may see, by number."""
    ids = [i for i, verdict in feedback_for(session, incident.id).items() if verdict == NOT_SIMILAR]
    return visible_among(session, incident_ids=ids, actor=actor, order_by=Incident.number)


def give_feedback(
    session: Session,
    *,
    incident: Incident,
    other: Incident,
    verdict: str,
    actor: Actor,
    now: datetime,
) -> SimilarityFeedback:
    """Say whether ``other`` is like ``incident`` (``not_similar`` or ``same_cause``),
    replacing any verdict on the pair."""
    actor.require(Role.RESPONDER)
    if verdict not in VERDICTS:
        raise Invalid(f"verdict must be one of: {', '.join(VERDICTS)}", field="verdict")
    ensure_changeable(incident)
    low, high = _pair(incident, other)
    given = {"verdict": verdict, "actor_id": actor.user_id, "created_at": now}
    stored = session.get(SimilarityFeedback, (low, high))
    if stored is None:
        stored = SimilarityFeedback(incident_id=low, other_incident_id=high, **given)
        try:
            with session.begin_nested():
                session.add(stored)
        except IntegrityError:  # another request gave a verdict on the pair just now
            stored = session.get_one(SimilarityFeedback, (low, high), populate_existing=True)
        else:
            return stored
    for name, value in given.items():
        setattr(stored, name, value)
    session.flush()
    return stored


def withdraw_feedback(
    session: Session, *, incident: Incident, other: Incident, actor: Actor
) -> None:
    """Take back the verdict on the pair (404 if there is none)."""
    actor.require(Role.RESPONDER)
    ensure_changeable(incident)
    stored = session.get(SimilarityFeedback, _pair(incident, other))
    if stored is None:
        raise NotFound(f"no verdict on {incident.reference} and {other.reference} to withdraw")
    session.delete(stored)
    session.flush()
