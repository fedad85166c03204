"""Similar incidents on a real database: ranking with reasons, privacy, and an index that
follows the database (a refresh picks up changed incidents and problems; between refreshes
readers see the index as it was)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_past_incident, make_service, raise_problem

from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.service import SimilarIncident, State, search_similar, similar_incidents
from watchkeep.core.clock import utcnow
from watchkeep.incident import service as incidents
from watchkeep.incident.access import add_participant
from watchkeep.incident.models import Incident
from watchkeep.incident.status import transition as move_incident
from watchkeep.problem import rca

NOISE = (
    ("TLS certificate expired on the API gateway", "handshake failures for all clients"),
    ("Disk full on db-2", "postgres stopped accepting writes"),
    ("Login page slow for EU users", "CDN cache misses after a config push"),
    ("DNS resolution failures in us-east", "resolvers timing out"),
)


@dataclass
class History:
    lag: list[Incident]  # the same fault on the orders service, in different words
    noise: list[Incident]


@pytest.fixture
def history(session: Session, alice: Person, similarity: SimilarityStore) -> History:
    orders, web = make_service(session, "orders"), make_service(session, "web")
    texts = (
        ("Kafka consumer lag on orders topic", "consumer group stuck, backlog growing"),
        ("Orders consumer group stuck", "kafka lag growing on orders"),
        ("Orders backlog: kafka consumers not consuming", "consumer lag alert fired"),
        ("Consumer lag on orders again", "kafka consumer group rebalancing in a loop"),
    )
    lag = [
        make_past_incident(session, alice, title=title, summary=summary, service_ids=[orders.id])
        for title, summary in texts
    ]
    noise = [
        make_past_incident(session, alice, title=title, summary=summary, service_ids=[web.id])
        for title, summary in NOISE
    ]
    similarity.refresh()
    return History(lag=lag, noise=noise)


Ask = Callable[..., list[SimilarIncident]]


@pytest.fixture
def similar(session: Session, similarity: SimilarityStore) -> Ask:
    """``similar_incidents`` on the test's index, as it was last refreshed."""
    return partial(similar_incidents, session, index=similarity)


@pytest.fixture
def search(session: Session, similarity: SimilarityStore) -> Ask:
    """``search_similar`` on the test's index, as it was last refreshed."""
    return partial(search_similar, session, index=similarity)


def ids(found: list[SimilarIncident]) -> list[int]:
    return [s.incident.id for s in found]


def test_the_same_fault_in_other_words_comes_first_with_its_reasons(
    session: Session, alice: Person, history: History, similar: Ask
) -> None:
    query = history.lag[0]
    found = similar(incident=query, actor=alice.actor, k=5)
    assert query.id not in ids(found)
    assert set(ids(found)[:3]) == {i.id for i in history.lag[1:]}
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert all(0 < s.score <= 1 for s in found)
    for top in found[:3]:
        assert "same service orders" in top.reasons
        terms = next(r for r in top.reasons if r.startswith("matched terms: "))
        assert {"consumer", "kafka"} & set(terms.removeprefix("matched terms: ").split(", "))
    noise = {i.id for i in history.noise}
    assert all(s.score < found[2].score for s in found if s.incident.id in noise)


def test_k_limits_the_answer(
    session: Session, alice: Person, history: History, similar: Ask, search: Ask
) -> None:
    assert len(similar(incident=history.lag[0], actor=alice.actor, k=2)) == 2
    assert len(search(text="kafka consumer lag", actor=alice.actor, k=1)) == 1


def test_free_text_finds_the_incidents_that_say_it(
    session: Session, alice: Person, history: History, search: Ask
) -> None:
    found = search(text="kafka consumer group stuck", actor=alice.actor)
    assert set(ids(found)[:4]) == {i.id for i in history.lag}
    assert any(r.startswith("matched terms: ") and "kafka" in r for r in found[0].reasons)
    certs = search(text="certificate expired", actor=alice.actor)
    assert ids(certs)[:1] == [history.noise[0].id]
    assert search(text="zebra giraffe", actor=alice.actor) == []


def test_a_private_incident_is_returned_only_to_those_who_may_see_it(
    session: Session,
    alice: Person,
    bob: Person,
    viewer: Person,
    admin: Person,
    history: History,
    similar: Ask,
    search: Ask,
    similarity: SimilarityStore,
) -> None:
    secret = make_past_incident(
        session,
        alice,
        title="Kafka consumer group stuck on orders topic",
        summary="consumer lag growing, backlog",
        service_ids=[history.lag[0].services[0].id],
        private=True,
    )
    similarity.refresh()
    query = history.lag[1]
    everything = ids(similar(incident=query, actor=admin.actor, k=10))
    assert secret.id in everything
    for outsider in (bob, viewer):
        found = ids(similar(incident=query, actor=outsider.actor, k=10))
        assert found == [i for i in everything if i != secret.id]
        assert secret.id not in ids(search(text="kafka consumer stuck", actor=outsider.actor, k=50))
        # A hidden incident leaves its place to the next one rather than shortening the answer.
        assert len(similar(incident=query, actor=outsider.actor, k=3)) == 3
    for insider in (alice, admin):
        assert secret.id in ids(similar(incident=query, actor=insider.actor, k=3))
    add_participant(session, incident_id=secret.id, user_id=bob.user.id, now=utcnow())
    assert secret.id in ids(similar(incident=query, actor=bob.actor, k=3))


def test_a_private_incident_asking_does_not_reveal_itself(
    session: Session, alice: Person, history: History, similar: Ask, similarity: SimilarityStore
) -> None:
    secret = make_incident(
        session, alice, title="Orders consumer lag", service_ids=[history.lag[0].services[0].id],
        private=True,
    )  # fmt: skip
    similarity.refresh()
    found = similar(incident=secret, actor=alice.actor)
    assert secret.id not in ids(found)
    assert set(ids(found)) & {i.id for i in history.lag}


# --- the index follows the database ------------------------------------------------------------


def test_an_edited_title_is_searched_under_its_new_words(
    session: Session, alice: Person, history: History, similar: Ask, search: Ask,
    similarity: SimilarityStore,
) -> None:  # fmt: skip
    disk = history.noise[1]
    assert disk.id not in ids(search(text="replication slot", actor=alice.actor))
    incidents.update(
        session,
        incident=disk,
        actor=alice.actor,
        title="Replication slot filled the disk",
        now=utcnow(),
    )
    assert disk.id not in ids(search(text="replication slot", actor=alice.actor))  # until...
    similarity.refresh()  # ...the refresher runs
    found = search(text="replication slot", actor=alice.actor)
    assert ids(found)[:1] == [disk.id]
    query = history.lag[0]
    before = ids(similar(incident=query, actor=alice.actor, k=8))
    tls = history.noise[0]
    assert tls.id not in before[:3]
    incidents.update(
        session,
        incident=tls,
        actor=alice.actor,
        title="Kafka consumer group stuck on the orders topic",
        summary="consumer lag growing, backlog",
        service_ids=[s.id for s in query.services],
        now=utcnow(),
    )
    similarity.refresh()
    after = ids(similar(incident=query, actor=alice.actor, k=8))
    assert tls.id in after[:3]


def test_new_incidents_and_root_causes_are_picked_up(
    session: Session, alice: Person, history: History, search: Ask, similarity: SimilarityStore
) -> None:
    assert search(text="zookeeper quorum", actor=alice.actor) == []
    fresh = make_past_incident(session, alice, title="Zookeeper quorum lost")
    assert search(text="zookeeper quorum", actor=alice.actor) == []  # a reader never refreshes
    similarity.refresh()
    assert ids(search(text="zookeeper quorum", actor=alice.actor)) == [fresh.id]

    dns = history.noise[3]
    assert dns.id not in ids(search(text="conntrack table", actor=alice.actor))
    problem = raise_problem(session, alice, dns)
    rca.set_root_cause(
        session,
        problem=problem,
        actor=alice.actor,
        statement="conntrack table exhausted",
        now=utcnow(),
    )
    similarity.refresh()  # a root cause changes a problem: the index is rebuilt
    assert ids(search(text="conntrack table", actor=alice.actor)) == [dns.id]


def test_a_declined_incident_leaves_the_index(
    session: Session, alice: Person, search: Ask, similarity: SimilarityStore
) -> None:
    noise = make_incident(session, alice, title="Pager storm from flapping probe", status="triage")
    similarity.refresh()
    assert ids(search(text="flapping probe", actor=alice.actor, state=State.LIVE)) == [noise.id]
    move_incident(session, incident=noise, actor=alice.actor, status="declined", now=utcnow())
    similarity.refresh()
    for state in State:
        assert search(text="flapping probe", actor=alice.actor, state=state) == []


def test_an_incident_stamped_before_the_newest_indexed_one_is_still_indexed(
    session: Session, alice: Person, history: History, search: Ask, similarity: SimilarityStore
) -> None:
    assert search(text="zookeeper quorum", actor=alice.actor) == []
    newest_indexed = max(i.updated_at for i in [*history.lag, *history.noise])
    # Stamped a moment before the newest indexed change but stored after it: two requests
    # overlapped and the one that began first committed last.
    late = make_past_incident(session, alice, title="Zookeeper quorum lost")
    late.updated_at = newest_indexed - timedelta(seconds=1)
    session.flush()
    similarity.refresh()
    assert ids(search(text="zookeeper quorum", actor=alice.actor)) == [late.id]
