"""Past incidents like this one (with their root causes, resolutions and problems) and known
errors whose symptoms or alerts it shows, from the stored similarity index.

The query is what the incident showed at the investigated instant: its title, summary,
services, labels and its alerts' names and texts. Past incidents count only when they were
resolved by then and the caller may see them; known errors only when known by then.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.assist.corpus import KNOWN_ERROR_PREFIX
from watchkeep.assist.evidence.source import DEFAULT_TIMEOUT
from watchkeep.assist.investigation.model import Fact, KnownErrorFact, PastIncidentFact, Subject
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.models import SAME_CAUSE
from watchkeep.assist.service import similar_as_of
from watchkeep.assist.similarity.model import Query
from watchkeep.core.actor import Actor
from watchkeep.incident.models import Incident
from watchkeep.problem.models import KnownError, Problem, ProblemIncident

PAST = 5
KNOWN_ERROR_DEPTH = 200  # known errors are few among the incidents in the index


def query_at(subject: Subject) -> Query:
    texts = [f"{a.title}\n{a.description}" for a in subject.alerts]
    return Query(
        title=subject.title,
        summary=subject.summary,
        text="\n".join(texts),
        services=subject.services,
        alert_names=tuple(dict.fromkeys(a.name for a in subject.alerts)),
        labels=subject.labels,
    )


def _subject_incident(session: Session, subject: Subject) -> Incident:
    return session.get_one(Incident, subject.incident_id)


class PastIncidents:
    name = "past_incidents"

    def __init__(self, store: SimilarityStore, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.store = store
        self.timeout = timeout

    def gather(self, session: Session, subject: Subject, actor: Actor) -> list[Fact]:
        incident = _subject_incident(session, subject)
        found = similar_as_of(
            session,
            index=self.store.reader(session),
            incident=incident,
            query=query_at(subject),
            actor=actor,
            before=subject.at,
            k=PAST,
        )
        ids = [f.incident.id for f in found]
        problems: dict[int, list[str]] = {}
        for incident_id, number in session.execute(
            select(ProblemIncident.incident_id, Problem.number)
            .join(Problem, Problem.id == ProblemIncident.problem_id)
            .where(ProblemIncident.incident_id.in_(ids))
        ):
            problems.setdefault(incident_id, []).append(f"PRB-{number}")
        return [
            PastIncidentFact(
                ref=f.incident.reference,
                title=f.incident.title,
                score=f.score,
                reasons=tuple(f.reasons),
                services=tuple(s.name for s in f.incident.services),
                root_cause=f.incident.root_cause,
                resolution=f.incident.resolution,
                problems=tuple(problems.get(f.incident.id, ())),
                same_cause=f.verdict == SAME_CAUSE,
                resolved_at=f.incident.resolved_at,
                summary=f.incident.summary,
                alert_names=tuple(name for name in [f.incident.labels.get("alertname")] if name),
            )
            for f in found
        ]


class KnownErrors:
    name = "known_errors"

    def __init__(self, store: SimilarityStore, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.store = store
        self.timeout = timeout

    def gather(self, session: Session, subject: Subject, actor: Actor) -> list[Fact]:
        scores: dict[int, tuple[float, tuple[str, ...]]] = {}
        index = self.store.reader(session)
        for match in index.search(query_at(subject), k=KNOWN_ERROR_DEPTH):
            if isinstance(match.id, str) and match.id.startswith(KNOWN_ERROR_PREFIX):
                known_id = int(match.id.removeprefix(KNOWN_ERROR_PREFIX))
                scores[known_id] = (match.score, tuple(match.reasons.describe()))
        firing = {a.name for a in subject.alerts}
        candidates = session.scalars(
            select(KnownError).where(
                KnownError.active.is_(True), KnownError.created_at <= subject.at
            )
        )
        found: list[Fact] = []
        for known in candidates:
            named = tuple(n for n in known.alert_names if n in firing)
            if known.id not in scores and not named:
                continue
            score, reasons = scores.get(known.id, (0.0, ()))
            found.append(
                KnownErrorFact(
                    ref=known.reference,
                    title=known.title,
                    score=score,
                    workaround=tuple(known.workaround),
                    alert_names=named,
                    reasons=reasons,
                    problem=known.problem.reference if known.problem else None,
                )
            )
        return found
