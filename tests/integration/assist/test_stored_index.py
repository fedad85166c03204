"""The stored similarity index: kept in step by the indexer, searched in the reader's session,
and ranking as the in-memory index ranks the same documents."""

from itertools import islice

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_past_incident, make_service
from tests.shared_data import INCIDENTS_DEV, shared_file

from watchkeep.app.components import worker_state
from watchkeep.app.tasks import build_registry
from watchkeep.assist import indexer
from watchkeep.assist.corpus import catalog_names, documents, known_error_documents, query_of
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.knownerrors import match_known_errors
from watchkeep.assist.models import SimilarityDocument, SimilarityState, SimilarityTerm
from watchkeep.assist.service import search_similar
from watchkeep.assist.similarity import Analyzer, Match, Query, SimilarityIndex
from watchkeep.assist.similarity.evaluation import load
from watchkeep.assist.tasks import INDEX_EVERY, on_incident_changed
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings
from watchkeep.incident.models import Incident
from watchkeep.incident.status import transition as move_incident
from watchkeep.jobs.models import Job
from watchkeep.jobs.registry import JobContext
from watchkeep.jobs.worker import Worker
from watchkeep.problem import known_errors
from watchkeep.problem.matching import matches_for_incident

LAG = Query(text="kafka consumer lag on orders")


def found(store: SimilarityStore, query: Query = LAG) -> list[object]:
    return [match.id for match in store.search(query, k=10)]


def indexed(session: Session) -> set[object]:
    rows = session.execute(
        select(SimilarityDocument.incident_id, SimilarityDocument.known_error_id)
    ).all()
    return {i if i is not None else f"ke:{k}" for i, k in rows}


def frequencies(session: Session) -> dict[str, int]:
    return {t: n for t, n in session.execute(select(SimilarityTerm.term, SimilarityTerm.df)) if n}


def test_a_request_finds_nothing_until_the_indexer_ran(
    session: Session, alice: Person, similarity: SimilarityStore
) -> None:
    incident = make_incident(session, alice, title="Kafka consumer lag on orders")
    assert found(similarity) == []
    similarity.refresh()
    assert found(similarity) == [incident.id]
    assert similarity.reader(session).search(LAG, k=3)[0].id == incident.id


def test_the_indexer_adds_new_incidents_and_removes_discarded_ones(
    session: Session, alice: Person, similarity: SimilarityStore
) -> None:
    first = make_incident(session, alice, title="Kafka consumer lag on orders", status="triage")
    similarity.refresh()
    second = make_incident(session, alice, title="Orders consumer lag again")
    assert found(similarity) == [first.id]  # readers see the index as last refreshed

    similarity.refresh()
    assert set(found(similarity)) == {first.id, second.id}
    move_incident(session, incident=first, actor=alice.actor, status="declined", now=utcnow())
    similarity.refresh()
    assert found(similarity) == [second.id]
    assert indexed(session) == {second.id}


def test_a_changed_incident_is_indexed_again_and_the_statistics_follow(
    session: Session, alice: Person, similarity: SimilarityStore
) -> None:
    incident = make_incident(session, alice, title="Kafka consumer lag on orders")
    make_incident(session, alice, title="Kafka brokers out of disk")
    similarity.refresh()
    incident.title = "Replication slot filled the disk"
    incident.updated_at = utcnow()
    session.flush()
    similarity.refresh()
    assert incident.id not in found(similarity)
    assert found(similarity, Query(text="replication slot")) == [incident.id]
    # The statistics are what indexing the documents from scratch gives.
    kept = frequencies(session)
    state = session.get(SimilarityState, 1)
    assert state is not None
    counts, lengths = state.documents, dict(state.lengths)
    session.execute(delete(SimilarityDocument))
    session.execute(delete(SimilarityTerm))
    state.documents, state.lengths, state.watermark, state.versions = 0, {}, None, {}
    session.flush()
    similarity.refresh()
    assert frequencies(session) == kept
    session.refresh(state)
    assert (state.documents, state.lengths) == (counts, lengths)


def test_a_refresh_with_nothing_changed_changes_nothing(
    session: Session, alice: Person, similarity: SimilarityStore
) -> None:
    make_incident(session, alice, title="Kafka consumer lag on orders")
    first = similarity.refresh()
    assert (first.indexed, first.more) == (1, False)
    again = similarity.refresh()
    assert (again.indexed, again.removed) == (0, 0)


def test_the_indexer_works_in_batches_and_catches_up(
    session: Session, alice: Person, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [make_incident(session, alice, title=f"Disk full on db-{n}") for n in range(5)]
    with database.session() as own:
        step = indexer.refresh(own, batch=2)
    assert (step.indexed, step.more) == (2, True)
    monkeypatch.setattr(indexer, "BATCH", 2)
    indexer.catch_up(database)
    assert indexed(session) == {i.id for i in made}


def test_deleted_incidents_leave_the_index(
    session: Session, alice: Person, similarity: SimilarityStore
) -> None:
    kept = make_incident(session, alice, title="Kafka consumer lag on orders")
    gone = make_incident(session, alice, title="Kafka consumer lag on payments")
    similarity.refresh()
    session.delete(gone)
    session.flush()
    similarity.refresh()
    assert indexed(session) == {kept.id}


def test_a_known_error_change_is_indexed(
    session: Session, alice: Person, similarity: SimilarityStore
) -> None:
    make_incident(session, alice, title="Kafka consumer lag on orders")
    similarity.refresh()
    known = known_errors.create(
        session, actor=alice.actor, title="Consumer lag on orders",
        symptoms="kafka consumer lag growing", workaround=["Restart the consumers"],
        now=utcnow(),
    )  # fmt: skip
    similarity.refresh()
    assert f"ke:{known.id}" in indexed(session)
    known_errors.update(session, known=known, actor=alice.actor, active=False, now=utcnow())
    similarity.refresh()
    assert f"ke:{known.id}" not in indexed(session)


def test_a_catalog_change_analyses_the_documents_again(
    session: Session, alice: Person, similarity: SimilarityStore
) -> None:
    incident = make_incident(session, alice, title="Ledgerd queue stuck on orders")
    similarity.refresh()
    assert found(similarity, Query(text="ledgerd")) == [incident.id]
    make_service(session, "ledgerd")  # a name in the catalog is where, not what went wrong
    similarity.refresh()
    assert found(similarity, Query(text="ledgerd")) == []
    assert found(similarity, Query(text="queue stuck")) == [incident.id]


def test_the_matching_job_indexes_first(
    session: Session, database: Database, alice: Person, similarity: SimilarityStore
) -> None:
    """A job is not a request: it sees a known error recorded a moment ago."""
    make_incident(session, alice, title="Disk full on db-2")
    similarity.refresh()
    known = known_errors.create(
        session, actor=alice.actor, title="Consumer lag on orders",
        symptoms="kafka consumer lag growing on orders", workaround=["Restart the consumers"],
        now=utcnow(),
    )  # fmt: skip
    live = make_incident(session, alice, title="Kafka consumer lag growing on orders")
    session.commit()
    # The service searches the index as last refreshed, which has no such known error...
    index = similarity.reader(session)
    assert match_known_errors(session, index=index, incident_id=live.id, now=utcnow()) == []
    # ...the job refreshes it first.
    state = worker_state(similarity=similarity, settings=Settings())
    context = JobContext(database, 1, "incident.changed", 1, utcnow(), state=state)
    on_incident_changed(context, {"incident_id": live.id})
    session.expire_all()
    [match] = matches_for_incident(session, incident_id=live.id)
    assert match.known_error_id == known.id


def test_the_worker_keeps_the_index_on_its_own(
    session: Session, database: Database, alice: Person, similarity: SimilarityStore
) -> None:
    """Nobody refreshes by hand: the periodic job does, once its period starts."""
    incident = make_past_incident(session, alice, title="Kafka consumer lag on orders")
    session.execute(delete(Job))  # not the matching job its declaration asked for (it indexes)
    session.commit()
    now = utcnow()
    clock = iter((now, now + INDEX_EVERY, now + INDEX_EVERY))
    worker = Worker(
        database,
        build_registry(),
        name="test",
        clock=lambda: next(clock, now + INDEX_EVERY),
        state=worker_state(similarity=similarity, settings=Settings()),
    )
    worker.run_due()  # schedules the next period's run
    assert found(similarity) == []
    worker.run_due()  # the period has started: the run indexes what changed
    assert found(similarity) == [incident.id]


def test_blobs_and_huge_names_are_indexed_without_them(
    session: Session, alice: Person, similarity: SimilarityStore
) -> None:
    """A full-text index refuses a word over 2 KB: a pasted blob must not stop the indexer."""
    blob = "x" * 20_000
    incident = make_past_incident(
        session, alice, title="Kafka consumer lag on orders", summary=f"dump: {blob}",
        labels={"alertname": "KafkaLag" + "Z" * 3_000},
    )  # fmt: skip
    session.commit()
    similarity.refresh()
    assert found(similarity) == [incident.id]
    with_alert = Query(title="lag", labels={"alertname": "KafkaLag" + "Z" * 3_000})
    assert found(similarity, with_alert) == [incident.id]
    row = session.scalars(select(SimilarityDocument)).one()
    assert blob not in row.summary and len(max(row.signals.split(), key=len)) <= 200


def test_private_incidents_are_filtered_by_the_caller(
    session: Session, alice: Person, bob: Person, similarity: SimilarityStore
) -> None:
    hidden = make_past_incident(session, alice, title="Kafka consumer lag on orders", private=True)
    shown = make_past_incident(session, alice, title="Kafka consumer lag on payments")
    similarity.refresh()
    assert hidden.id in found(similarity)  # indexed: the index does not know who asks
    index = similarity.reader(session)
    seen = search_similar(session, index=index, text="kafka consumer lag", actor=bob.actor)
    assert [s.incident.id for s in seen] == [shown.id]


# --- the same ranking as the in-memory index --------------------------------------------------


def ranked(matches: list[Match]) -> list[tuple[float, str]]:
    """Scores and ids, in an order that does not depend on how ties were broken."""
    return sorted((-m.score, str(m.id)) for m in matches)


def test_the_stored_index_ranks_as_the_in_memory_index(
    session: Session, alice: Person, similarity: SimilarityStore
) -> None:
    records = list(islice(load(shared_file(*INCIDENTS_DEV)), 0, 180, 3))
    services = {name: make_service(session, name) for name in {r["service"] for r in records}}
    made: list[Incident] = []
    for record in records:
        incident = make_past_incident(
            session, alice, title=record["title"], summary=record.get("summary", ""),
            service_ids=[services[record["service"]].id],
            labels=record.get("alert_labels") or {},
        )  # fmt: skip
        incident.root_cause = record.get("root_cause", "")
        incident.updated_at = utcnow()
        made.append(incident)
    known_errors.create(
        session, actor=alice.actor, title="Consumer lag on orders",
        symptoms="kafka consumer lag growing", workaround=["Restart the consumers"],
        now=utcnow(),
    )  # fmt: skip
    session.flush()
    similarity.refresh()

    corpus = documents(session) + known_error_documents(session)
    memory = SimilarityIndex.build(corpus, analyzer=Analyzer(names=catalog_names(session)))
    stored = similarity.reader(session)
    queries = [(query_of(i), (i.id,)) for i in made[::4]]
    queries += [(Query(text=t), ()) for t in ("kafka consumer lag", "certificate expired", "oom")]
    for query, exclude in queries:
        expected = memory.search(query, k=8, exclude_ids=exclude)
        got = stored.search(query, k=8, exclude_ids=exclude)
        assert expected
        assert ranked(got) == ranked(expected), query
        assert {m.id: m.reasons for m in got} == {m.id: m.reasons for m in expected}
