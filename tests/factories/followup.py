"""Follow-ups of incidents and actions of problems, each noted on its owner's timeline."""

from typing import Any

from sqlalchemy.orm import Session

from tests.factories.auth import Person
from tests.factories.numbers import unique
from watchkeep.core.clock import utcnow
from watchkeep.followup.models import FollowUp
from watchkeep.incident import followups as incident_followups
from watchkeep.incident.models import Incident
from watchkeep.problem import followups as problem_actions
from watchkeep.problem.models import Problem


def make_follow_up(session: Session, person: Person, incident: Incident, **kwargs: Any) -> FollowUp:
    """A follow-up of ``incident`` added by ``person``."""
    kwargs.setdefault("title", f"Follow-up {unique()}")
    kwargs.setdefault("now", utcnow())
    return incident_followups.create(session, incident=incident, actor=person.actor, **kwargs)


def make_action(session: Session, person: Person, problem: Problem, **kwargs: Any) -> FollowUp:
    """An action of ``problem`` (corrective unless ``action_type=`` says otherwise)."""
    kwargs.setdefault("title", f"Action {unique()}")
    kwargs.setdefault("now", utcnow())
    return problem_actions.add(session, problem=problem, actor=person.actor, **kwargs)
