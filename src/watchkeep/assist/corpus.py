"""Incidents as the similarity index sees them, read from the database."""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.assist.models import SAME_CAUSE, SimilarityFeedback
from watchkeep.assist.similarity.model import Document, Query
from watchkeep.catalog.models import Service
from watchkeep.incident.lifecycle import CATEGORY as STATUS_CATEGORY
from watchkeep.incident.lifecycle import Category
from watchkeep.incident.models import Incident, StatusUpdate
from watchkeep.problem.models import KnownError, Problem, ProblemIncident

DISCARDED = sorted(s.value for s, c in STATUS_CATEGORY.items() if c is Category.DISCARDED)


KNOWN_ERROR_PREFIX = "ke:"


def known_error_documents(session: Session) -> list[Document]:
    """Active known errors, described by their symptoms, alerts and their problem's services."""
    rows = session.scalars(select(KnownError).where(KnownError.active.is_(True)))
    return [
        Document(
            id=f"{KNOWN_ERROR_PREFIX}{known.id}",
            title=known.title,
            summary=known.symptoms,
            services=tuple(s.name for s in known.problem.services) if known.problem else (),
            alert_names=tuple(known.alert_names),
        )
        for known in rows
    ]


def catalog_names(session: Session) -> tuple[str, ...]:
    """The names of every service in the catalog, vendors included: left out of the text
    wherever they occur, since where an incident happened is not what went wrong."""
    return tuple(session.scalars(select(Service.name).order_by(Service.name)))


def query_of(incident: Incident) -> Query:
    """An incident as it is now: its title, summary, services and the labels of the alerts
    it was opened from, and its root cause and resolution once someone wrote them (while it
    is live there are usually none)."""
    return Query(
        title=incident.title,
        summary=incident.summary,
        text=_joined(incident.root_cause, incident.resolution),
        services=tuple(s.name for s in incident.services),
        labels=incident.labels,
    )


def _joined(*texts: str) -> str:
    return "\n".join(text for text in texts if text)


# Incidents read per statement when the caller names them.
ID_BATCH = 10_000


def documents(session: Session, incident_ids: Iterable[int] | None = None) -> list[Document]:
    """Past incidents (all, or these ids) with their updates; the cause-bearing text is their
    own root cause and resolution and their problems' root causes; their groups are the
    problems they are linked to and the incidents responders said have the same cause.

    Declined, merged and canceled incidents are left out: they are noise, not history.
    """
    ids = list(incident_ids) if incident_ids is not None else None
    if ids is not None and len(ids) > ID_BATCH:
        # A statement carries at most 65,535 parameters on PostgreSQL.
        return [
            document
            for start in range(0, len(ids), ID_BATCH)
            for document in documents(session, ids[start : start + ID_BATCH])
        ]
    wanted = select(Incident.id).where(Incident.status.not_in(DISCARDED))
    if ids is not None:
        wanted = wanted.where(Incident.id.in_(ids))
    incidents = list(session.scalars(select(Incident).where(Incident.id.in_(wanted))))
    updates: dict[int, list[str]] = defaultdict(list)
    causes: dict[int, list[str]] = defaultdict(list)
    groups: dict[int, list[str]] = defaultdict(list)
    if incidents:
        for incident_id, problem_id in session.execute(
            select(ProblemIncident.incident_id, ProblemIncident.problem_id).where(
                ProblemIncident.incident_id.in_(wanted)
            )
        ):
            groups[incident_id].append(f"problem:{problem_id}")
        # Verdicts are few (people give them one by one): read them all.
        for low, high in session.execute(
            select(SimilarityFeedback.incident_id, SimilarityFeedback.other_incident_id).where(
                SimilarityFeedback.verdict == SAME_CAUSE
            )
        ):
            groups[low].append(f"same-cause:{low}-{high}")
            groups[high].append(f"same-cause:{low}-{high}")
        for incident_id, message in session.execute(
            select(StatusUpdate.incident_id, StatusUpdate.message).where(
                StatusUpdate.incident_id.in_(wanted)
            )
        ):
            updates[incident_id].append(message)
        for incident_id, cause in session.execute(
            select(ProblemIncident.incident_id, Problem.root_cause)
            .join(Problem, Problem.id == ProblemIncident.problem_id)
            .where(ProblemIncident.incident_id.in_(wanted), Problem.root_cause != "")
        ):
            causes[incident_id].append(cause)
    return [
        Document(
            id=i.id,
            title=i.title,
            summary=i.summary,
            root_cause=_joined(i.root_cause, i.resolution, *causes[i.id]),
            updates="\n".join(updates[i.id]),
            services=tuple(s.name for s in i.services),
            labels=i.labels,
            created_at=i.declared_at,
            groups=tuple(sorted(groups[i.id])),
        )
        for i in incidents
    ]
