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

from watchkeep.alert.models import ChangeEvent
from watchkeep.assist.evidence.changes import Changes
from watchkeep.assist.evidence.gather import gather
from watchkeep.assist.evidence.on_call import OnCall
from watchkeep.assist.evidence.prometheus import PrometheusSource
from watchkeep.assist.evidence.runbooks import Runbooks
from watchkeep.assist.evidence.similar import KnownErrors, PastIncidents
from watchkeep.assist.evidence.source import DEFAULT_TIMEOUT, Source
from watchkeep.assist.evidence.subject import catalog, subject_of
from watchkeep.assist.investigation import steps
from watchkeep.assist.investigation.changes import LOOKBACK
from watchkeep.assist.investigation.graph import Dependencies
from watchkeep.assist.investigation.model import Conclusion, SourceReport, Subject
from watchkeep.assist.investigation.scoring import conclude
from watchkeep.assist.investigation.update import draft_update
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.models import HypothesisVerdict, StoredInvestigation
from watchkeep.assist.service import STATUSES, State
from watchkeep.assist.verdicts import judge, verdicts_for, withdraw
from watchkeep.core.actor import Actor, Role
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
    now: datetime | None = None,
) -> Investigation:
    """Investigate ``incident`` (which ``actor`` may see) as of ``at`` (default: ``now``).

    The evidence sources read in sessions of their own: what they see is what is committed.
    """
    started = monotonic()
    subject = subject_of(session, incident, instant(at, now or utcnow()))
    alerts = SourceReport("alerts", "ok", round((monotonic() - started) * 1000))
    gathered = gather(store.db, subject, actor, sources)
    verdicts = verdicts_for(session, incident_id=incident.id, by=subject.at)
    conclusion = conclude(subject, gathered, verdicts)
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


def as_json(found: Investigation) -> dict[str, Any]:
    """The investigation in its documented JSON form (docs/investigations.md)."""
    return {
        "incident": found.subject.ref,
        "at": found.subject.at.isoformat().replace("+00:00", "Z"),
        "no_strong_hypothesis": found.conclusion.no_strong_hypothesis,
        "hypotheses": [
            {
                "kind": h.kind,
                "ref": h.ref,
                "party": h.party,
                "key": h.key,
                "title": h.title,
                "confidence": round(h.confidence, 3),
                "verdict": h.verdict,
                "evidence": [
                    {"type": e.type, "ref": e.ref, "detail": e.detail} for e in h.evidence
                ],
                "next_steps": list(h.next_steps),
            }
            for h in found.conclusion.hypotheses
        ],
        "next_steps": list(found.next_steps),
        "update_draft": draft_update(found.subject, found.conclusion),
        "sources": [
            {"name": s.name, "status": s.status, "ms": s.ms, "error": s.error}
            for s in found.sources
        ],
    }


SHARED = Actor(user_id=0, name="investigation", role=Role.VIEWER)
"""Whom a stored investigation is made for: everyone who may see the incident reads it on its
page and timeline, so it cites no private incident (an investigation as of a past instant,
which is not stored, is made for the one who asks)."""


def investigate_now(
    session: Session,
    *,
    store: SimilarityStore,
    incident: Incident,
    sources: Sequence[Source],
    trigger: str,
    actor: Actor | None,
    now: datetime,
) -> dict[str, Any]:
    """Investigate now, for everyone (`SHARED`), store it and return its JSON form."""
    found = investigate(
        session, store=store, incident=incident, actor=SHARED, sources=sources, now=now
    )
    result = as_json(found)
    _keep(
        session,
        incident=incident,
        found=found,
        result=result,
        trigger=trigger,
        actor=actor,
        now=now,
    )
    return result


def _keep(
    session: Session,
    *,
    incident: Incident,
    found: Investigation,
    result: dict[str, Any],
    trigger: str,
    actor: Actor | None,
    now: datetime,
) -> StoredInvestigation:
    """Store an investigation made now; the timeline notes it when its conclusion differs
    from the previous one's."""
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


CONCERNED_HOPS = 2
"""A change this many links down an affected service's dependencies concerns it."""


def is_live(incident: Incident) -> bool:
    """In triage or being responded to: what investigations are for."""
    return incident.status in STATUSES[State.LIVE]


def concerned_by_change(session: Session, *, change_id: int) -> list[int]:
    """The live incidents a change may concern: its service is affected or is depended on,
    and it happened in the lookback before the incident's impact or since."""
    change = session.get(ChangeEvent, change_id)
    if change is None or change.service is None:
        return []
    live = session.scalars(
        select(Incident).where(Incident.status.in_(STATUSES[State.LIVE])).order_by(Incident.id)
    )
    names = catalog(session)
    found = []
    for incident in live:
        affected = [s.name for s in incident.services]
        placement = Dependencies(names, affected).place(change.service.name)
        begun = incident.impact_started_at or incident.declared_at
        if placement is None or placement.hops is None or placement.hops > CONCERNED_HOPS:
            continue
        if change.occurred_at >= begun - LOOKBACK:
            found.append(incident.id)
    return found


def judge_latest(
    session: Session,
    *,
    store: SimilarityStore,
    sources: Sequence[Source],
    incident: Incident,
    key: str,
    verdict: str,
    actor: Actor,
    now: datetime,
) -> HypothesisVerdict:
    """Confirm or rule out a hypothesis of the latest investigation, by its key, and
    investigate again so that the ranking shows it."""
    stored = latest(session, incident_id=incident.id)
    hypotheses = {h["key"]: h for h in stored.result["hypotheses"]} if stored else {}
    hypothesis = hypotheses.get(key)
    if hypothesis is None:
        raise Invalid(f"the latest investigation has no hypothesis {key!r}", field="key")
    given = judge(
        session,
        incident=incident,
        key=key,
        verdict=verdict,
        kind=hypothesis["kind"],
        ref=hypothesis["ref"],
        title=hypothesis["title"],
        actor=actor,
        now=now,
    )
    _again(session, store, sources, incident, actor, now)
    return given


def withdraw_latest(
    session: Session,
    *,
    store: SimilarityStore,
    sources: Sequence[Source],
    incident: Incident,
    key: str,
    actor: Actor,
    now: datetime,
) -> None:
    """Take back the verdict on a hypothesis, and investigate again."""
    withdraw(session, incident=incident, key=key, actor=actor, now=now)
    _again(session, store, sources, incident, actor, now)


def _again(
    session: Session,
    store: SimilarityStore,
    sources: Sequence[Source],
    incident: Incident,
    actor: Actor,
    now: datetime,
) -> None:
    session.flush()
    investigate_now(
        session,
        store=store,
        incident=incident,
        sources=sources,
        trigger="verdict",
        actor=actor,
        now=now,
    )
