"""Recurrence surfaced by the assist domain: known errors matched to live incidents, problem
candidates proposed from clusters of alike incidents, and the job handlers that run both."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import (
    Person,
    make_incident,
    make_known_error,
    make_service,
    raise_problem,
)

from watchkeep.app.components import worker_state
from watchkeep.app.tasks import build_registry
from watchkeep.assist.candidates import propose_problem_candidates, verdicts
from watchkeep.assist.feedback import give_feedback
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.knownerrors import match_known_errors
from watchkeep.assist.models import NOT_SIMILAR, SAME_CAUSE
from watchkeep.assist.tasks import PROPOSE_PROBLEMS
from watchkeep.catalog.models import Service
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings
from watchkeep.incident.events import INCIDENT_CHANGED
from watchkeep.incident.models import Incident
from watchkeep.incident.status import transition as move_incident
from watchkeep.jobs import service as jobs
from watchkeep.jobs.registry import JobContext
from watchkeep.jobs.worker import Worker
from watchkeep.problem import candidates, known_errors
from watchkeep.problem.matching import matches_for_incident
from watchkeep.problem.models import KnownError, ProblemCandidate

LAG_TEXTS = (
    ("Kafka consumer lag on orders topic", "consumer group stuck, backlog growing"),
    ("Orders consumer group stuck", "kafka lag growing on orders"),
    ("Orders backlog: kafka consumers not consuming", "consumer lag alert fired"),
    ("Consumer lag on orders again", "kafka consumer group rebalancing in a loop"),
    ("Orders topic lagging, consumer group stuck", "kafka consumers stopped committing offsets"),
)
NOISE = (
    ("TLS certificate expired on the API gateway", "handshake failures for all clients"),
    ("Disk full on db-2", "postgres stopped accepting writes"),
    ("Login page slow for EU users", "CDN cache misses after a config push"),
    ("DNS resolution failures in us-east", "resolvers timing out"),
    ("Payment provider webhook timeouts", "stripe callbacks retried"),
)
MONDAY_2AM = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)  # a Monday


def match_now(session: Session, index: SimilarityStore, incident_id: int) -> list[str]:
    """What the matching job does: bring the index up to date, then match."""
    index.refresh()
    return match_known_errors(session, index=index, incident_id=incident_id, now=utcnow())


def weekly(n: int) -> datetime:
    """The n-th Monday 02:00 UTC before the last one (in the recent past, oldest first)."""
    last = MONDAY_2AM
    while last + timedelta(days=7) < utcnow():
        last += timedelta(days=7)
    return last - timedelta(days=7 * n)


@pytest.fixture
def orders(session: Session) -> Service:
    return make_service(session, "orders")


def declare_lag(
    session: Session, person: Person, orders: Service, count: int = 4, **kw: object
) -> list[Incident]:
    """``count`` incidents of the same fault on orders, a week apart, oldest first."""
    return [
        make_incident(
            session,
            person,
            title=title,
            summary=summary,
            service_ids=[orders.id],
            now=weekly(count - 1 - n),
            **kw,
        )
        for n, (title, summary) in enumerate(LAG_TEXTS[:count])
    ]


def declare_noise(session: Session, person: Person) -> list[Incident]:
    web = make_service(session, "web")
    return [
        make_incident(
            session,
            person,
            title=title,
            summary=summary,
            service_ids=[web.id],
            now=weekly(n) - timedelta(hours=5 * n + 3),
        )
        for n, (title, summary) in enumerate(NOISE)
    ]


def proposals(session: Session, status: str | None = None) -> list[ProblemCandidate]:
    query = select(ProblemCandidate).order_by(ProblemCandidate.id)
    if status:
        query = query.where(ProblemCandidate.status == status)
    return list(session.scalars(query))


# --- known errors in live incidents ----------------------------------------------------------


@pytest.fixture
def consumer_stuck(session: Session, alice: Person, orders: Service) -> KnownError:
    first = make_incident(
        session, alice, title="Kafka consumer group stuck", service_ids=[orders.id]
    )
    problem = raise_problem(session, alice, first)
    return make_known_error(
        session,
        alice,
        problem=problem,
        title="Consumer group stuck on orders",
        symptoms="consumer group stuck, lag growing on the orders topic",
        workaround=["Restart the consumer group"],
        now=utcnow(),
    )


def test_only_triage_and_live_incidents_are_matched(
    session: Session,
    alice: Person,
    orders: Service,
    consumer_stuck: KnownError,
    similarity: SimilarityStore,
) -> None:
    declare_noise(session, alice)
    text = {"title": "Orders consumer lag growing", "summary": "the consumer group is stuck"}
    triage = make_incident(session, alice, status="triage", service_ids=[orders.id], **text)
    live = make_incident(session, alice, status="fixing", service_ids=[orders.id], **text)
    resolved = make_incident(session, alice, service_ids=[orders.id], **text)
    move_incident(session, incident=resolved, actor=alice.actor, status="resolved", now=utcnow())
    declined = make_incident(session, alice, status="triage", service_ids=[orders.id], **text)
    move_incident(session, incident=declined, actor=alice.actor, status="declined", now=utcnow())

    assert match_now(session, similarity, triage.id) == [consumer_stuck.reference]
    assert match_now(session, similarity, live.id) == [consumer_stuck.reference]
    for finished in (resolved, declined):
        assert match_now(session, similarity, finished.id) == []
        assert matches_for_incident(session, incident_id=finished.id) == []
    assert match_now(session, similarity, 987654) == []
    [match] = matches_for_incident(session, incident_id=live.id)
    assert match.score >= 0.2
    assert "same service orders" in match.reasons


def test_a_known_error_added_later_is_matched_and_a_retired_one_no_more(
    session: Session, alice: Person, orders: Service, similarity: SimilarityStore
) -> None:
    declare_noise(session, alice)
    text = {"title": "Replica lag on db-2", "summary": "WAL archiving stalled, replicas behind"}
    before = make_incident(session, alice, **text)
    # The first match builds the index.
    assert match_now(session, similarity, before.id) == []
    known = make_known_error(
        session,
        alice,
        title="WAL archiving stalls replicas",
        symptoms="replica lag on db-2, WAL archiving stalled, replicas behind",
        workaround=["Restart the archiver"],
        now=utcnow(),
    )
    assert match_now(session, similarity, before.id) == [known.reference]

    known_errors.update(session, known=known, actor=alice.actor, active=False, now=utcnow())
    after = make_incident(session, alice, **text)
    assert match_now(session, similarity, after.id) == []


def test_an_unrelated_incident_matches_nothing(
    session: Session, alice: Person, consumer_stuck: KnownError, similarity: SimilarityStore
) -> None:
    declare_noise(session, alice)
    unrelated = make_incident(session, alice, title="Login page slow for APAC users")
    assert match_now(session, similarity, unrelated.id) == []


# --- problem candidates ---------------------------------------------------------------------


def test_alike_incidents_among_noise_make_one_proposal_with_its_evidence(
    session: Session, alice: Person, orders: Service
) -> None:
    lag = declare_lag(session, alice, orders, count=5)
    declare_noise(session, alice)
    made = propose_problem_candidates(session, now=utcnow())
    [proposal] = proposals(session)
    assert made == [proposal.id]
    assert proposal.incident_ids == sorted(i.id for i in lag)
    assert proposal.status == "proposed"
    assert proposal.title == "Recurring consumer-lag on orders"
    evidence = proposal.evidence
    assert evidence["shared_services"] == ["orders"]
    assert evidence["count"] == 5
    assert evidence["pattern"] == (
        "5 incidents, over 28 days, about every 7 days, mostly on mon, around 02:00 UTC"
    )
    assert evidence["first_seen"] == lag[0].declared_at.isoformat()
    assert evidence["last_seen"] == lag[-1].declared_at.isoformat()
    assert {"kafka", "consumer"} <= set(evidence["top_terms"])
    assert evidence["failure_modes"][0] == "consumer-lag"
    assert "kafka" in evidence["concepts"]  # a context: shown, but it links nothing alone
    assert set(evidence["agreement"]) == {str(i.id) for i in lag}
    # The score is the weakest member's agreement with the others.
    assert proposal.score == min(evidence["agreement"].values())
    assert 0.2 <= proposal.score <= 1
    assert evidence["loose"] is (proposal.score < 0.3)


def test_four_incidents_make_no_claim_about_when_they_happen(
    session: Session, alice: Person, orders: Service
) -> None:
    declare_lag(session, alice, orders, count=4)
    propose_problem_candidates(session, now=utcnow())
    [proposal] = proposals(session)
    assert proposal.evidence["pattern"] == "4 incidents, over 21 days"


def test_what_people_said_shapes_the_proposals(
    session: Session, alice: Person, orders: Service
) -> None:
    lag = declare_lag(session, alice, orders, count=5)
    declare_noise(session, alice)
    # A responder says the first is not like the others: it leaves the group.
    for other in lag[1:]:
        give_feedback(
            session, incident=lag[0], other=other, verdict=NOT_SIMILAR, actor=alice.actor,
            now=utcnow(),
        )  # fmt: skip
    propose_problem_candidates(session, now=utcnow())
    [proposal] = proposals(session)
    assert proposal.incident_ids == sorted(i.id for i in lag[1:])
    # Dismissed, its pairs count half as alike: what said so is what the clustering reads.
    candidates.dismiss(session, candidate_id=proposal.id, actor=alice.actor, now=utcnow())
    said = verdicts(session, [i.id for i in lag])
    assert said[frozenset((lag[1].id, lag[2].id))] is None
    assert said[frozenset((lag[0].id, lag[1].id))] == 0.0  # a verdict wins
    give_feedback(
        session, incident=lag[1], other=lag[2], verdict=SAME_CAUSE, actor=alice.actor,
        now=utcnow(),
    )  # fmt: skip
    assert verdicts(session, [i.id for i in lag])[frozenset((lag[1].id, lag[2].id))] == 1.0


def test_proposing_twice_proposes_nothing_new(
    session: Session, alice: Person, orders: Service
) -> None:
    declare_lag(session, alice, orders)
    declare_noise(session, alice)
    assert len(propose_problem_candidates(session, now=utcnow())) == 1
    assert propose_problem_candidates(session, now=utcnow()) == []
    assert len(proposals(session)) == 1


def test_a_new_member_supersedes_the_smaller_proposal(
    session: Session, alice: Person, orders: Service
) -> None:
    lag = declare_lag(session, alice, orders, count=3)
    declare_noise(session, alice)
    [first] = propose_problem_candidates(session, now=utcnow())
    fourth = make_incident(
        session, alice, title=LAG_TEXTS[3][0], summary=LAG_TEXTS[3][1], service_ids=[orders.id]
    )
    [second] = propose_problem_candidates(session, now=utcnow())
    by_id = {p.id: p for p in proposals(session)}
    assert by_id[first].status == "superseded"
    assert by_id[second].incident_ids == sorted([*(i.id for i in lag), fourth.id])


def test_a_dismissed_cluster_is_not_proposed_again(
    session: Session, alice: Person, orders: Service
) -> None:
    declare_lag(session, alice, orders)
    declare_noise(session, alice)
    [made] = propose_problem_candidates(session, now=utcnow())
    candidates.dismiss(session, candidate_id=made, actor=alice.actor, now=utcnow())
    assert propose_problem_candidates(session, now=utcnow()) == []
    assert [p.status for p in proposals(session)] == ["dismissed"]


def test_incidents_linked_to_a_problem_are_left_out(
    session: Session, alice: Person, orders: Service
) -> None:
    lag = declare_lag(session, alice, orders, count=5)
    declare_noise(session, alice)
    raise_problem(session, alice, lag[0])
    [made] = propose_problem_candidates(session, now=utcnow())
    [proposal] = proposals(session)
    assert proposal.id == made
    assert proposal.incident_ids == sorted(i.id for i in lag[1:])


def test_two_unlinked_incidents_are_too_few(
    session: Session, alice: Person, orders: Service
) -> None:
    lag = declare_lag(session, alice, orders, count=4)
    declare_noise(session, alice)
    raise_problem(session, alice, lag[0], lag[1])
    assert propose_problem_candidates(session, now=utcnow()) == []
    assert proposals(session) == []


def test_only_the_last_ninety_days_count(session: Session, alice: Person, orders: Service) -> None:
    declare_lag(session, alice, orders, count=4)
    declare_noise(session, alice)
    assert propose_problem_candidates(session, now=weekly(0) + timedelta(days=90 + 7 * 2)) == []
    assert len(propose_problem_candidates(session, now=weekly(0) + timedelta(days=1))) == 1


def test_discarded_incidents_are_no_evidence(
    session: Session, alice: Person, orders: Service
) -> None:
    lag = declare_lag(session, alice, orders, count=3, status="triage")
    declare_noise(session, alice)
    move_incident(session, incident=lag[0], actor=alice.actor, status="declined", now=utcnow())
    assert propose_problem_candidates(session, now=utcnow()) == []


def test_a_window_of_nothing_but_the_recurring_fault_is_still_proposed(
    session: Session, alice: Person, orders: Service
) -> None:
    lag = declare_lag(session, alice, orders, count=4)
    propose_problem_candidates(session, now=utcnow())
    assert [p.incident_ids for p in proposals(session)] == [sorted(i.id for i in lag)]


def test_a_burst_of_incidents_is_described_in_hours_not_days(
    session: Session, alice: Person, orders: Service
) -> None:
    declare_noise(session, alice)
    start = utcnow() - timedelta(hours=2)
    for n, (title, summary) in enumerate(LAG_TEXTS[:5]):
        make_incident(
            session,
            alice,
            title=title,
            summary=summary,
            service_ids=[orders.id],
            now=start + timedelta(minutes=10 * n),
        )
    propose_problem_candidates(session, now=utcnow())
    [proposal] = proposals(session)
    pattern = proposal.evidence["pattern"]
    assert pattern.startswith("5 incidents, over 1 hour, about every 1 hour")
    assert "days" not in pattern


# --- the job handlers, through the registry the workers run ---------------------------------


def test_the_registry_runs_the_proposal_job_every_hour(
    session: Session, database: Database, alice: Person, orders: Service
) -> None:
    registry = build_registry()
    assert {(p.kind, p.every) for p in registry.periodic} >= {
        (PROPOSE_PROBLEMS, timedelta(hours=1))
    }
    lag = declare_lag(session, alice, orders)
    declare_noise(session, alice)
    session.commit()
    ctx = JobContext(db=database, job_id=1, kind=PROPOSE_PROBLEMS, attempt=1, now=utcnow())
    registry.handlers[PROPOSE_PROBLEMS](ctx, {})
    session.expire_all()
    [proposal] = proposals(session)
    assert proposal.incident_ids == sorted(i.id for i in lag)
    registry.handlers[PROPOSE_PROBLEMS](ctx, {})
    session.expire_all()
    assert len(proposals(session)) == 1


def test_a_worker_matches_declared_incidents_and_proposes_problems(
    session: Session,
    database: Database,
    alice: Person,
    orders: Service,
    consumer_stuck: KnownError,
    similarity: SimilarityStore,
) -> None:
    declare_noise(session, alice)
    lag = declare_lag(session, alice, orders)
    jobs.enqueue(session, kind=PROPOSE_PROBLEMS)
    session.commit()
    later = utcnow() + timedelta(minutes=1)
    worker = Worker(
        database,
        build_registry(),
        name="test",
        clock=lambda: later,
        state=worker_state(similarity=similarity, settings=Settings()),
    )
    ran = worker.run_due()
    assert ran >= 1 + len(lag)  # the proposal and one incident.changed job per declaration
    session.expire_all()
    assert [p.incident_ids for p in proposals(session)] == [sorted(i.id for i in lag)]
    live = [i for i in lag if matches_for_incident(session, incident_id=i.id)]
    assert live, "declared lag incidents should match the known error through their job"
    assert {
        m.known_error_id for i in live for m in matches_for_incident(session, incident_id=i.id)
    } == {consumer_stuck.id}
    assert "assist.match_known_errors" in build_registry().subscribers[INCIDENT_CHANGED.name]
