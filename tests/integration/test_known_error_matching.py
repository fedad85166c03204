from sqlalchemy.orm import Session
from tests.factories import (
    make_incident,
    make_known_error,
    make_person,
    make_service,
    raise_problem,
)

from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.knownerrors import match_known_errors
from watchkeep.core.clock import utcnow
from watchkeep.incident.timeline import list_entries
from watchkeep.problem.matching import matches_for_incident


def match_now(session: Session, index: SimilarityStore, incident_id: int) -> list[str]:
    """What the matching job does: bring the index up to date, then match."""
    index.refresh()
    return match_known_errors(session, index=index, incident_id=incident_id, now=utcnow())


def test_a_new_incident_matching_a_known_error_shows_its_workaround(
    session: Session, similarity: SimilarityStore
) -> None:
    alice = make_person(session)
    orders = make_service(session, "orders")
    for title in ("Checkout latency high", "Disk full on db-2", "TLS certificate expired"):
        make_incident(session, alice, title=title)
    first = make_incident(
        session, alice, title="Kafka consumer group stuck, orders backlog", service_ids=[orders.id]
    )
    problem = raise_problem(session, alice, first)
    known = make_known_error(
        session,
        alice,
        problem=problem,
        title="Consumer group stuck on orders",
        symptoms="consumer group stuck, lag growing on orders topic",
        workaround=["Restart the consumer group", "Check the lag drains"],
        now=utcnow(),
    )
    again = make_incident(
        session,
        alice,
        title="Orders backlog: consumer lag growing",
        summary="The consumer group is stuck again",
        service_ids=[orders.id],
    )
    unrelated = make_incident(session, alice, title="Login page slow for EU users")

    assert match_now(session, similarity, again.id) == [known.reference]
    assert match_now(session, similarity, unrelated.id) == []
    again_matched = match_now(session, similarity, again.id)
    assert again_matched == []  # matched once only
    [match] = matches_for_incident(session, incident_id=again.id)
    assert match.known_error.workaround[0] == "Restart the consumer group"
    entry = list_entries(session, incident_id=again.id)[-1]
    assert entry.kind == "known_error_matched"
    assert entry.title == f"Matches {known.reference}: Restart the consumer group"


def test_an_incident_carrying_an_alert_name_matches_the_known_error_of_that_alert(
    session: Session, similarity: SimilarityStore
) -> None:
    """The alert's name is a strong signal: without the label, the vague title matches
    nothing; with it, the known error recorded for that alert matches."""
    alice = make_person(session)
    for title in ("Checkout latency high", "Disk full on db-2", "TLS certificate expired"):
        make_incident(session, alice, title=title)
    problem = raise_problem(session, alice, make_incident(session, alice, title="Queue stuck"))
    known = make_known_error(
        session,
        alice,
        problem=problem,
        title="Replication slot fills the disk",
        symptoms="WAL piles up behind an inactive replication slot",
        alert_names=["PostgresReplicationSlotInactive"],
        now=utcnow(),
    )
    bare = make_incident(session, alice, title="Something is wrong with the database")
    labelled = make_incident(
        session,
        alice,
        title="Something is wrong with the database",
        labels={"alertname": "PostgresReplicationSlotInactive", "instance": "db-1"},
    )
    assert match_now(session, similarity, bare.id) == []
    assert match_now(session, similarity, labelled.id) == [known.reference]
