"""Problems, known errors, the incidents linked to them, and proposed problems."""

from typing import Any

from sqlalchemy.orm import Session

from tests.factories.auth import Person
from tests.factories.numbers import unique
from watchkeep.core.clock import utcnow
from watchkeep.incident.models import Incident
from watchkeep.problem import candidates, known_errors, links
from watchkeep.problem import service as problems
from watchkeep.problem.models import KnownError, Problem, ProblemCandidate


def make_problem(session: Session, person: Person, **kwargs: Any) -> Problem:
    """A problem opened by ``person`` on its own, linked to no incident."""
    kwargs.setdefault("title", f"Problem {unique()}")
    kwargs.setdefault("now", utcnow())
    return problems.create(session, actor=person.actor, **kwargs)


def raise_problem(session: Session, person: Person, *incidents: Incident, **kwargs: Any) -> Problem:
    """A problem raised from ``incidents`` (linked, with their services), as the incident page
    and ``watchkeep problem raise`` do; ``title=`` overrides the first incident's."""
    refs = [incident.reference for incident in incidents]
    kwargs.setdefault("now", utcnow())
    return links.raise_from_incidents(session, actor=person.actor, incident_refs=refs, **kwargs)


def make_known_error(session: Session, person: Person, **kwargs: Any) -> KnownError:
    """A known error recorded by ``person`` (of a problem with ``problem=``)."""
    kwargs.setdefault("title", f"Known error {unique()}")
    kwargs.setdefault("symptoms", "lag grows")
    kwargs.setdefault("workaround", ["Restart the consumer group"])
    kwargs.setdefault("now", utcnow())
    return known_errors.create(session, actor=person.actor, **kwargs)


def propose_problem(session: Session, incidents: list[Incident], **kwargs: Any) -> ProblemCandidate:
    """A proposed problem over ``incidents``, as the recurrence job stores one; the
    fingerprint is their ids in the order given unless ``fingerprint=`` says otherwise."""
    kwargs.setdefault("fingerprint", ",".join(str(incident.id) for incident in incidents))
    kwargs.setdefault("title", f"Recurring problem {unique()}")
    kwargs.setdefault("evidence", {"count": len(incidents)})
    kwargs.setdefault("score", 0.5)
    kwargs.setdefault("now", utcnow())
    made = candidates.propose(session, incident_ids=[i.id for i in incidents], **kwargs)
    assert made is not None, "this fingerprint was proposed before"
    return made
