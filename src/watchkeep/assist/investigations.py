"""Investigating an incident: gather the evidence as of an instant, rank the hypotheses.

Runs on demand (the API, the page, ``watchkeep investigate``) and when the incident changes
(:mod:`watchkeep.assist.tasks`). Evidence comes from the sources in parallel, each with its
timeout (:mod:`watchkeep.assist.evidence.gather`); the ranking is deterministic
(:mod:`watchkeep.assist.investigation.scoring`). An investigation as of a past instant
reads nothing recorded after it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from time import monotonic
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.assist.evidence.changes import Changes
from watchkeep.assist.evidence.gather import gather
from watchkeep.assist.evidence.on_call import OnCall
from watchkeep.assist.evidence.prometheus import PrometheusSource
from watchkeep.assist.evidence.runbooks import Runbooks
from watchkeep.assist.evidence.similar import KnownErrors, PastIncidents
from watchkeep.assist.evidence.source import DEFAULT_TIMEOUT, Source
from watchkeep.assist.evidence.subject import subject_of
from watchkeep.assist.investigation import steps
from watchkeep.assist.investigation.model import Conclusion, SourceReport, Subject
from watchkeep.assist.investigation.scoring import conclude
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.models import StoredInvestigation
from watchkeep.assist.verdicts import verdicts_for
from watchkeep.core.actor import Actor
from watchkeep.core.clock import ensure_utc, utcnow
from watchkeep.core.errors import Invalid
from watchkeep.incident.models import Incident
from watchkeep.incident.timeline import record


@dataclass(frozen=True)
class Investigation:
    subject: Subject
    conclusion: Conclusion
    sources: tuple[SourceReport, ...]
    next_steps: tuple[str, ...]
    """Where to start when no hypothesis is strong: runbooks, owners."""


def standard_sources(
    store: SimilarityStore,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    prometheus_url: str | None = None,
) -> list[Source]:
    """Every source the product has; Prometheus when its URL is set."""
    found: list[Source] = [
        Changes(timeout),
        PastIncidents(store, timeout),
        KnownErrors(store, timeout),
        Runbooks(timeout),
        OnCall(timeout),
    ]
    if prometheus_url:
        found.append(PrometheusSource(prometheus_url, timeout=timeout))
    return found


def instant(at: datetime | None, now: datetime) -> datetime:
    """The instant to investigate as of: now, or a given past one."""
    if at is None:
        return now
    at = ensure_utc(at)
    if at > now:
        raise Invalid("must not be in the future: give a past instant, or none for now", field="at")
    return at


def investigate(
    session: Session,
    *,
    store: SimilarityStore,
    incident: Incident,
    actor: Actor,
    sources: Sequence[Source],
    at: datetime | None = None,
) -> Investigation:
    """Investigate ``incident`` (which ``actor`` may see) as of ``at`` (default: now).

    The evidence sources read in sessions of their own: what they see is what is committed.
    """
    started = monotonic()
    subject = subject_of(session, incident, instant(at, utcnow()))
    alerts = SourceReport("alerts", "ok", round((monotonic() - started) * 1000))
    gathered = gather(store.db, subject, actor, sources)
    conclusion = conclude(subject, gathered, verdicts_for(session, incident_id=incident.id))
    nothing: tuple[str, ...] = ()
    if conclusion.no_strong_hypothesis:
        affected = subject.services or tuple(s for a in subject.alerts for s in a.services)
        nothing = steps.for_nothing(affected, gathered.on_call, gathered.runbooks)
    return Investigation(subject, conclusion, (alerts, *gathered.sources), nothing)


def latest(session: Session, *, incident_id: int) -> StoredInvestigation | None:
    return session.scalars(
        select(StoredInvestigation)
        .where(StoredInvestigation.incident_id == incident_id)
        .order_by(StoredInvestigation.created_at.desc(), StoredInvestigation.id.desc())
        .limit(1)
    ).first()


def keep(
    session: Session,
    *,
    incident: Incident,
    found: Investigation,
    result: dict[str, Any],
    trigger: str,
    actor: Actor | None,
    now: datetime,
) -> StoredInvestigation:
    """Store an investigation made now (``result`` is its API form); the timeline notes it
    when its conclusion differs from the previous one's."""
    hypotheses = found.conclusion.hypotheses
    top = None if found.conclusion.no_strong_hypothesis else hypotheses[0].key
    previous = latest(session, incident_id=incident.id)
    stored = StoredInvestigation(
        incident_id=incident.id,
        trigger=trigger,
        actor_id=actor.user_id if actor else None,
        at=found.subject.at,
        top=top,
        result=result,
        created_at=now,
    )
    session.add(stored)
    session.flush()
    if previous is None or previous.top != top:
        best = hypotheses[0] if top else None
        record(
            session,
            incident=incident,
            kind="investigation",
            actor=None,
            title=(
                f"Investigation: {best.title} (confidence {best.confidence:.2f})"
                if best
                else "Investigation: no strong hypothesis"
            ),
            description="\n".join(f"- {h.title} ({h.confidence:.2f})" for h in hypotheses[:3]),
            payload={"investigation_id": stored.id, "top": top, "trigger": trigger},
            now=now,
        )
    return stored
