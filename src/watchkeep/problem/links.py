"""Incidents explained by a problem: link, unlink, raise a problem from incidents, impact."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid, NotFound
from watchkeep.incident import lifecycle as incident_lifecycle
from watchkeep.incident.access import get_visible, visible_clause
from watchkeep.incident.lifecycle import Status
from watchkeep.incident.models import Incident
from watchkeep.incident.timeline import record as record_incident
from watchkeep.problem import service as problems
from watchkeep.problem.models import Problem, ProblemIncident
from watchkeep.problem.timeline import record


def link(
    session: Session,
    *,
    problem: Problem,
    incident_ref: str | int,
    actor: Actor,
    now: datetime,
    reason: str = "",
) -> ProblemIncident:
    """Link an incident the actor can see to the problem; both timelines record it."""
    actor.require(Role.RESPONDER)
    incident = get_visible(session, ref=incident_ref, actor=actor)
    if session.get(ProblemIncident, (problem.id, incident.id)) is not None:
        raise Conflict(f"{incident.reference} is already linked to {problem.reference}")
    row = ProblemIncident(
        problem_id=problem.id,
        incident_id=incident.id,
        linked_by_id=actor.user_id,
        reason=reason.strip(),
        linked_at=now,
    )
    session.add(row)
    record(
        session,
        problem=problem,
        kind="incident_linked",
        actor=actor,
        title=f"Linked {incident.reference}",
        payload={"incident_id": incident.id, "reason": row.reason},
        now=now,
    )
    record_incident(
        session,
        incident=incident,
        kind="problem_linked",
        actor=actor,
        title=f"Linked to {problem.reference}: {problem.title}",
        payload={"problem": problem.reference, "problem_id": problem.id, "reason": row.reason},
        now=now,
    )
    return row


def unlink(
    session: Session, *, problem: Problem, incident_ref: str | int, actor: Actor, now: datetime
) -> None:
    """Unlink an incident from the problem; both timelines record it."""
    actor.require(Role.RESPONDER)
    incident = get_visible(session, ref=incident_ref, actor=actor)
    row = session.get(ProblemIncident, (problem.id, incident.id))
    if row is None:
        raise NotFound(f"{incident.reference} is not linked to {problem.reference}")
    session.delete(row)
    record(
        session,
        problem=problem,
        kind="incident_unlinked",
        actor=actor,
        title=f"Unlinked {incident.reference}",
        payload={"incident_id": incident.id},
        now=now,
    )
    record_incident(
        session,
        incident=incident,
        kind="problem_unlinked",
        actor=actor,
        title=f"Unlinked from {problem.reference}",
        payload={"problem": problem.reference, "problem_id": problem.id},
        now=now,
    )


def linked_incidents(
    session: Session, *, problem_id: int, actor: Actor
) -> list[tuple[Incident, ProblemIncident]]:
    """The problem's incidents that ``actor`` may see, oldest first."""
    rows = session.execute(
        select(Incident, ProblemIncident)
        .join(ProblemIncident, ProblemIncident.incident_id == Incident.id)
        .where(ProblemIncident.problem_id == problem_id, visible_clause(actor))
        .order_by(Incident.declared_at)
    )
    return list(rows)


def hidden_incident_ids(session: Session, *, incident_ids: set[int], actor: Actor) -> set[int]:
    """Which of these incidents ``actor`` may not see."""
    if not incident_ids:
        return set()
    visible = set(
        session.scalars(
            select(Incident.id).where(Incident.id.in_(incident_ids), visible_clause(actor))
        )
    )
    return incident_ids - visible


def problems_of_incident(session: Session, *, incident_id: int) -> list[Problem]:
    return list(
        session.scalars(
            select(Problem)
            .join(ProblemIncident, ProblemIncident.problem_id == Problem.id)
            .where(ProblemIncident.incident_id == incident_id)
            .order_by(Problem.number)
        )
    )


def raise_from_incidents(
    session: Session,
    *,
    actor: Actor,
    incident_refs: list[str],
    title: str | None = None,
    priority: str = "medium",
    reason: str = "raised from the incident",
    now: datetime,
) -> Problem:
    """Open a problem from one or more incidents, carrying over services, summary and links."""
    if not incident_refs:
        raise Invalid("name at least one incident", field="incident_refs")
    incidents = [get_visible(session, ref=ref, actor=actor) for ref in dict.fromkeys(incident_refs)]
    services = {s.id: s for i in incidents for s in i.services}
    # A problem is visible to everyone: the text of private incidents stays with them.
    shareable = [i for i in incidents if not i.private]
    description = "\n\n".join(f"{i.reference} — {i.title}\n{i.summary}".strip() for i in shareable)
    problem = problems.create(
        session,
        actor=actor,
        title=title or (shareable[0].title if shareable else "Recurring private incidents"),
        description=description,
        priority=priority,
        owner_id=actor.user_id,
        service_ids=list(services),
        now=now,
    )
    for incident in incidents:
        link(
            session,
            problem=problem,
            incident_ref=incident.reference,
            actor=actor,
            reason=reason,
            now=now,
        )
    return problem


@dataclass(frozen=True)
class Impact:
    """What the problem's incidents cost (declined, merged and canceled ones left out)."""

    incident_count: int
    total_duration_seconds: float
    severity_mix: dict[str, int]
    first_incident_at: datetime | None
    last_incident_at: datetime | None
    incidents_after_resolved: int
    time_to_root_cause_seconds: float | None


def impact(session: Session, *, problem: Problem, actor: Actor, now: datetime) -> Impact:
    """Incident count, total duration (open incidents count up to ``now``), severity mix,
    recurrence and time to root cause."""
    counted = [
        i
        for i, _ in linked_incidents(session, problem_id=problem.id, actor=actor)
        if incident_lifecycle.counts_in_metrics(Status(i.status))
    ]
    total = sum(
        ((i.resolved_at or now) - (i.impact_started_at or i.declared_at)).total_seconds()
        for i in counted
    )
    first = min((i.impact_started_at or i.declared_at for i in counted), default=None)
    resolved_at = problem.resolved_at
    after = sum(1 for i in counted if resolved_at and i.declared_at > resolved_at)
    identified = problem.root_cause_identified_at
    return Impact(
        incident_count=len(counted),
        total_duration_seconds=total,
        severity_mix=dict(Counter(i.severity.name for i in counted)),
        first_incident_at=first,
        last_incident_at=max((i.declared_at for i in counted), default=None),
        incidents_after_resolved=after,
        time_to_root_cause_seconds=(identified - first).total_seconds()
        if identified and first
        else None,
    )
