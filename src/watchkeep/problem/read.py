"""Turn problem models into API bodies (used by the API, the CLI and the web UI)."""

from dataclasses import asdict
from datetime import datetime

from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor
from watchkeep.followup import service as followups
from watchkeep.incident.read import follow_up_read
from watchkeep.incident.schemas import IncidentSummary, Ref
from watchkeep.problem import known_errors, lifecycle, links, rca
from watchkeep.problem.lifecycle import ProblemState
from watchkeep.problem.models import KnownError, Problem
from watchkeep.problem.schemas import (
    EventRead,
    FactorRead,
    ImpactRead,
    KnownErrorRead,
    LinkedIncident,
    ProblemRead,
    ProblemSummary,
    WhyRead,
)
from watchkeep.problem.timeline import list_events


def summary(problem: Problem) -> ProblemSummary:
    return ProblemSummary(
        id=problem.id,
        reference=problem.reference,
        title=problem.title,
        state=ProblemState(problem.state),
        priority=problem.priority,
        owner=Ref(id=problem.owner.id, name=problem.owner.name) if problem.owner else None,
        team=Ref(id=problem.team.id, name=problem.team.name) if problem.team else None,
        services=[Ref(id=s.id, name=s.name) for s in problem.services],
        created_at=problem.created_at,
        updated_at=problem.updated_at,
    )


def known_error_read(known: KnownError) -> KnownErrorRead:
    return KnownErrorRead(
        id=known.id,
        reference=known.reference,
        problem=known.problem.reference if known.problem else None,
        title=known.title,
        symptoms=known.symptoms,
        workaround=known.workaround,
        fix_status=known.fix_status,
        fix_link=known.fix_link,
        alert_names=known.alert_names,
        active=known.active,
        created_at=known.created_at,
        updated_at=known.updated_at,
    )


def problem_read(session: Session, problem: Problem, actor: Actor, *, now: datetime) -> ProblemRead:
    """The whole problem as ``actor`` may see it: private incidents they can't see are left
    out of the list and of the impact figures (open incidents count up to ``now``)."""
    linked = links.linked_incidents(session, problem_id=problem.id, actor=actor)
    return ProblemRead(
        **summary(problem).model_dump(),
        description=problem.description,
        root_cause=problem.root_cause,
        allowed_next=sorted(lifecycle.allowed_next(ProblemState(problem.state))),
        root_cause_identified_at=problem.root_cause_identified_at,
        resolved_at=problem.resolved_at,
        closed_at=problem.closed_at,
        impact=ImpactRead(**asdict(links.impact(session, problem=problem, actor=actor, now=now))),
        incidents=[
            LinkedIncident(
                incident=IncidentSummary.of(incident),
                linked_by=Ref(id=row.linked_by.id, name=row.linked_by.name)
                if row.linked_by
                else None,
                reason=row.reason,
                linked_at=row.linked_at,
            )
            for incident, row in linked
        ],
        whys=[
            WhyRead(position=w.position, question=w.question, answer=w.answer)
            for w in rca.whys(session, problem_id=problem.id)
        ],
        factors=[
            FactorRead(id=f.id, category=f.category, description=f.description)
            for f in rca.factors(session, problem_id=problem.id)
        ],
        known_errors=[
            known_error_read(k) for k in known_errors.for_problem(session, problem_id=problem.id)
        ],
        follow_ups=[
            follow_up_read(f, None)
            for f in followups.list_for_problem(session, problem_id=problem.id)
        ],
    )


def events_read(session: Session, problem: Problem, actor: Actor) -> list[EventRead]:
    """The problem's timeline, without the events about incidents ``actor`` may not see."""
    events = list_events(session, problem_id=problem.id)
    mentioned = {e.payload["incident_id"] for e in events if "incident_id" in e.payload}
    hidden = links.hidden_incident_ids(session, incident_ids=mentioned, actor=actor)
    return [
        EventRead(
            id=e.id,
            kind=e.kind,
            actor=Ref(id=e.actor.id, name=e.actor.name) if e.actor else None,
            occurred_at=e.occurred_at,
            title=e.title,
            payload=e.payload,
        )
        for e in events
        if e.payload.get("incident_id") not in hidden
    ]
