"""Propose problems: cluster recent incidents that are alike and not yet linked to a problem."""

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.assist.corpus import DISCARDED, catalog_names, documents
from watchkeep.assist.models import SAME_CAUSE, SimilarityFeedback
from watchkeep.assist.similarity.analysis import Analyzer
from watchkeep.assist.similarity.cluster import (
    ALIKE,
    UNALIKE,
    Cluster,
    TimePattern,
    Verdicts,
    cluster,
)
from watchkeep.assist.similarity.model import DocumentId
from watchkeep.incident.models import Incident
from watchkeep.problem import candidates
from watchkeep.problem.candidates import DISMISSED
from watchkeep.problem.models import ProblemCandidate

WINDOW = timedelta(days=90)
MIN_SIZE = 3
PATTERN_MIN = 5
"""Fewer incidents than this make no claim about when they happen (two of three on a
Monday is no pattern)."""
LOOSE = 0.3
"""A group whose weakest member agrees with the others less than this is called loose."""


def _span(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    count, unit = (max(1, round(hours)), "hour") if hours < 48 else (round(hours / 24), "day")
    return f"{count} {unit}{'' if count == 1 else 's'}"


def describe(pattern: TimePattern) -> str:
    """The time pattern in words, e.g. "6 incidents, over 40 days, about every 7 days, mostly
    on mon, around 02:00 UTC"; below `PATTERN_MIN` incidents only the count and the span."""
    if not pattern.count:
        return "no incidents"
    parts = [f"{pattern.count} incidents"]
    if pattern.first_seen and pattern.last_seen:
        parts.append(f"over {_span(pattern.last_seen - pattern.first_seen)}")
    if pattern.count < PATTERN_MIN:
        return ", ".join(parts)
    if pattern.median_interval:
        parts.append(f"about every {_span(pattern.median_interval)}")
    if pattern.busiest_weekday and pattern.weekday_share >= 0.5:
        parts.append(f"mostly on {pattern.busiest_weekday}")
    if pattern.busiest_hour is not None and pattern.hour_share >= 0.5:
        parts.append(f"around {pattern.busiest_hour:02d}:00 UTC")
    return ", ".join(parts)


def _title(found: Cluster) -> str:
    subject = ", ".join(found.failures[:2]) or " ".join(found.terms[:3]) or "similar incidents"
    where = f" on {found.services[0][0]}" if found.services else ""
    return f"Recurring {subject}{where}"


def _evidence(found: Cluster) -> dict[str, object]:
    pattern = found.time_pattern
    return {
        "shared_services": [name for name, _ in found.services],
        "shared_alerts": [name for name, _ in found.alert_names],
        "top_terms": list(found.terms),
        "concepts": list(found.concepts),
        "failure_modes": list(found.failures),
        "agreement": {str(i): a for i, a in zip(found.ids, found.agreement, strict=True)},
        "loose": min(found.agreement) < LOOSE,
        "first_seen": pattern.first_seen.isoformat() if pattern.first_seen else None,
        "last_seen": pattern.last_seen.isoformat() if pattern.last_seen else None,
        "count": pattern.count,
        "pattern": describe(pattern),
    }


def verdicts(session: Session, incident_ids: Iterable[int]) -> Verdicts:
    """What people said of pairs of these incidents: responders' verdicts, and the pairs of
    proposals someone dismissed (a verdict on the pair wins)."""
    wanted = set(incident_ids)
    said: dict[frozenset[DocumentId], float | None] = {}
    for dismissed in session.scalars(
        select(ProblemCandidate.incident_ids).where(ProblemCandidate.status == DISMISSED)
    ):
        members = sorted(set(dismissed) & wanted)
        for first, second in combinations(members, 2):
            said[frozenset((first, second))] = None
    for low, high, verdict in session.execute(
        select(
            SimilarityFeedback.incident_id,
            SimilarityFeedback.other_incident_id,
            SimilarityFeedback.verdict,
        )
    ):
        if low in wanted and high in wanted:
            said[frozenset((low, high))] = ALIKE if verdict == SAME_CAUSE else UNALIKE
    return said


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
    analyzer = Analyzer(names=catalog_names(session))
    for found in cluster(
        documents(session, recent),
        min_size=MIN_SIZE,
        analyzer=analyzer,
        verdicts=verdicts(session, recent),
    ):
        ids = sorted(int(i) for i in found.ids)
        fingerprint = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()
        proposal = candidates.propose(
            session,
            fingerprint=fingerprint,
            title=_title(found),
            incident_ids=ids,
            evidence=_evidence(found),
            # The weakest member's agreement: a group is as good as its least alike member.
            score=min(found.agreement),
            now=now,
        )
        if proposal is not None:
            made.append(proposal.id)
    return made
