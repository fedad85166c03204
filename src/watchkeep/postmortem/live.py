"""The live blocks of a post-mortem, drawn from the record as it is now."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.followup.service import list_for_incident
from watchkeep.incident.models import Incident, TimelineEntry
from watchkeep.problem.models import Problem, ProblemIncident

KEY_KINDS = ("declared", "status_changed", "severity_changed", "role_assigned", "alert")


def blocks(session: Session, incident: Incident) -> dict[str, str]:
    """``timeline`` (key entries and pinned notes), ``follow_ups`` and ``problem`` as Markdown."""
    entries = session.scalars(
        select(TimelineEntry)
        .where(
            TimelineEntry.incident_id == incident.id,
            TimelineEntry.kind.in_(KEY_KINDS) | TimelineEntry.pinned.is_(True),
        )
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    )
    timeline = (
        "\n".join(f"- {e.occurred_at:%Y-%m-%d %H:%M} UTC: {e.title}" for e in entries)
        or "_No key entries on the timeline._"
    )
    follow_ups = (
        "\n".join(
            f"- [{'x' if f.status in ('completed', 'not_doing') else ' '}] {f.title} "
            f"({f.owner.name if f.owner else 'no owner'}, {f.status.replace('_', ' ')})"
            for f in list_for_incident(session, incident_id=incident.id)
        )
        or "_No follow-ups._"
    )
    problems = session.scalars(
        select(Problem)
        .join(ProblemIncident, ProblemIncident.problem_id == Problem.id)
        .where(ProblemIncident.incident_id == incident.id)
    )
    problem = (
        "\n".join(
            f"- {p.reference} {p.title} ({p.state.replace('_', ' ')})"
            + (f": {p.root_cause}" if p.root_cause else "")
            for p in problems
        )
        or "_Not linked to a problem._"
    )
    return {"timeline": timeline, "follow_ups": follow_ups, "problem": problem}
