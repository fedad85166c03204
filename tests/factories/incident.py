"""Incidents, declared as a responder declares them."""

from sqlalchemy.orm import Session

from tests.factories.auth import Person
from tests.factories.numbers import unique
from watchkeep.core.clock import utcnow
from watchkeep.incident import service as incidents
from watchkeep.incident.models import Incident
from watchkeep.incident.status import transition


def make_incident(session: Session, person: Person, **kwargs: object) -> Incident:
    """An incident declared by ``person`` (SEV2, now, unless ``severity=`` or
    ``now=`` say otherwise)."""
    kwargs.setdefault("title", f"Incident {unique()}")
    kwargs.setdefault("severity", "SEV2")
    kwargs.setdefault("now", utcnow())
    return incidents.declare(session, actor=person.actor, **kwargs)  # type: ignore[arg-type]


def make_past_incident(session: Session, person: Person, **kwargs: object) -> Incident:
    """An incident declared by ``person``, then resolved: part of the history."""
    incident = make_incident(session, person, **kwargs)
    transition(session, incident=incident, actor=person.actor, status="resolved", now=utcnow())
    return incident
