"""Imported incidents are history like any other: the similarity index picks them up (an
index built before the import too), and recurring ones are proposed as problems."""

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident

from watchkeep.assist.candidates import propose_problem_candidates
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.service import search_similar
from watchkeep.core.clock import iso_z, utcnow
from watchkeep.history.service import import_history, parse
from watchkeep.incident.models import Incident
from watchkeep.problem.models import ProblemCandidate

TEXTS = (
    ("Redis cache evictions spike on sessions", "session cache evicting keys, logins slow"),
    ("Sessions cache evicting keys again", "redis memory full, evictions, slow logins"),
    ("Login slowness: redis session cache evictions", "evictions on the session cache"),
)


def recurring(days_ago: int) -> dict[str, Any]:
    start = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
    return {
        "services": [{"name": "sessions"}],
        "incidents": [
            {
                "ref": f"OPS-{n}",
                "title": title,
                "summary": summary,
                "severity": "SEV3",
                "services": ["sessions"],
                "declared_at": iso_z(start + timedelta(days=n)),
                "resolved_at": iso_z(start + timedelta(days=n, hours=1)),
                "root_cause": "The session cache has no memory headroom for peak traffic.",
            }
            for n, (title, summary) in enumerate(TEXTS)
        ],
    }


def test_an_index_built_before_the_import_finds_the_imported(
    session: Session, admin: Person, alice: Person, similarity: SimilarityStore
) -> None:
    make_incident(session, alice, title="Disk full on the build server")
    similarity.refresh()  # built before: the import must still be noticed
    import_history(session, actor=admin.actor, now=utcnow(), document=parse(recurring(400)))
    similarity.refresh()
    found = search_similar(
        session, index=similarity, text="redis evictions on the session cache", actor=alice.actor
    )
    refs = [match.incident.external_ref for match in found]
    assert set(refs[:3]) == {"OPS-0", "OPS-1", "OPS-2"}


def test_recurring_imported_incidents_are_proposed_as_a_problem(
    session: Session, admin: Person
) -> None:
    summary = import_history(
        session, actor=admin.actor, now=utcnow(), document=parse(recurring(30))
    )
    made = propose_problem_candidates(session, now=utcnow())
    assert len(made) == 1
    candidate = session.get(ProblemCandidate, made[0])
    assert candidate is not None
    imported = {i.reference for i in summary.incidents}
    members = session.scalars(select(Incident).where(Incident.id.in_(candidate.incident_ids)))
    assert {i.reference for i in members} == imported
