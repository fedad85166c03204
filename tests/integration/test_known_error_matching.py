from sqlalchemy.orm import Session
from tests.factories import (
    make_incident,
    make_known_error,
    make_person,
    make_service,
    raise_problem,
)

from watchkeep.assist.knownerrors import match_known_errors
from watchkeep.core.clock import utcnow
from watchkeep.incident.timeline import list_entries
from watchkeep.problem.matching import matches_for_incident


def test_a_new_incident_matching_a_known_error_shows_its_workaround(session: Session) -> None:
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

    assert match_known_errors(session, incident_id=again.id, now=utcnow()) == [known.reference]
    assert match_known_errors(session, incident_id=unrelated.id, now=utcnow()) == []
    assert (
        match_known_errors(session, incident_id=again.id, now=utcnow()) == []
    )  # matched once only
    [match] = matches_for_incident(session, incident_id=again.id)
    assert match.known_error.workaround[0] == "Restart the consumer group"
    entry = list_entries(session, incident_id=again.id)[-1]
    assert entry.kind == "known_error_matched"
    assert entry.title == f"Matches {known.reference}: Restart the consumer group"
