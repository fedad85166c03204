"""Propose problems: cluster recent incidents that are alike and not yet linked to a problem."""

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.assist.corpus import DISCARDED, documents
from watchkeep.assist.similarity.cluster import Cluster, TimePattern, cluster
from watchkeep.incident.models import Incident
from watchkeep.problem import candidates

WINDOW = timedelta(days=90)
MIN_SIZE = 3


def _span(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    if hours < 48:
        return f"{max(1, round(hours))} hours"
    return f"{round(hours / 24)} days"


def describe(pattern: TimePattern) -> str:
    """The time pattern in words, e.g. "4 incidents over 12 days, mostly on mon, around 02:00"."""
    if not pattern.count:
        return "no incidents"
    parts = [f"{pattern.count} incidents"]
    if pattern.first_seen and pattern.last_seen:
        parts.append(f"over {_span(pattern.last_seen - pattern.first_seen)}")
    if pattern.median_interval:
        parts.append(f"about every {_span(pattern.median_interval)}")
    if pattern.busiest_weekday and pattern.weekday_share >= 0.5:
        parts.append(f"mostly on {pattern.busiest_weekday}")
    if pattern.busiest_hour is not None and pattern.hour_share >= 0.5:
        parts.append(f"around {pattern.busiest_hour:02d}:00 UTC")
    return ", ".join(parts)


def _title(found: Cluster) -> str:
    subject = ", ".join(found.concepts[:2]) or " ".join(found.terms[:3]) or "similar incidents"
    where = f" on {found.services[0][0]}" if found.services else ""
    return f"Recurring {subject}{where}"


def _evidence(found: Cluster) -> dict[str, object]:
    pattern = found.time_pattern
    return {
        "shared_services": [name for name, _ in found.services],
        "shared_alerts": [name for name, _ in found.alert_names],
        "top_terms": list(found.terms),
        "concepts": list(found.concepts),
        "first_seen": pattern.first_seen.isoformat() if pattern.first_seen else None,
        "last_seen": pattern.last_seen.isoformat() if pattern.last_seen else None,
        "count": pattern.count,
        "pattern": describe(pattern),
    }


def propose_problem_candidates(session: Session, *, now: datetime) -> list[int]:
    """Store a proposal for each new cluster; returns the ids of the proposals made."""
    linked = candidates.linked_incident_ids(session)
    recent = [
        incident_id
        for incident_id in session.scalars(
            select(Incident.id)
            .where(Incident.declared_at >= now - WINDOW, Incident.status.not_in(DISCARDED))
            .order_by(Incident.declared_at, Incident.id)
        )
        if incident_id not in linked
    ]
    made = []
    for found in cluster(documents(session, recent), min_size=MIN_SIZE):
        ids = sorted(int(i) for i in found.ids)
        fingerprint = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()
        proposal = candidates.propose(
            session,
            fingerprint=fingerprint,
            title=_title(found),
            incident_ids=ids,
            evidence=_evidence(found),
            score=found.cohesion,
            now=now,
        )
        if proposal is not None:
            made.append(proposal.id)
    return made
