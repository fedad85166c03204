"""The similarity index keeper: built and refreshed outside requests, read by them.

The first tests drive :meth:`IndexKeeper.refresh` by hand inside the rolled-back
``database`` fixture. The background tests run the keeper's thread with real commits, on a
database of their own (``dedicated_engine``), and wait on events, never on the clock.
"""

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tests.e2e.jobs_support import dedicated_engine
from tests.factories import Person, make_incident, make_person

from watchkeep.app.components import worker_state
from watchkeep.app.factory import create_app
from watchkeep.assist import index as index_module
from watchkeep.assist.index import IndexKeeper, IndexNotReady
from watchkeep.assist.knownerrors import match_known_errors
from watchkeep.assist.service import search_similar, similar_incidents
from watchkeep.assist.similarity import Embedder, Query
from watchkeep.assist.tasks import on_incident_changed
from watchkeep.bootstrap import prepare
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings
from watchkeep.incident.models import Incident
from watchkeep.incident.status import transition as move_incident
from watchkeep.jobs.registry import JobContext
from watchkeep.problem import known_errors
from watchkeep.problem.matching import matches_for_incident

LAG = Query(text="kafka consumer lag on orders")


def found(keeper: IndexKeeper, query: Query = LAG) -> list[object]:
    return [match.id for match in keeper.search(query, k=10)]


# --- refreshed by hand ------------------------------------------------------------------------


def test_before_the_first_build_readers_are_told_it_is_not_ready(
    session: Session, alice: Person, similarity: IndexKeeper
) -> None:
    incident = make_incident(session, alice, title="Kafka consumer lag on orders")
    assert not similarity.ready
    with pytest.raises(IndexNotReady):
        similarity.search(LAG, k=5)
    with pytest.raises(IndexNotReady):  # a reader never builds, not even a small index
        similar_incidents(session, index=similarity, incident=incident, actor=alice.actor)
    with pytest.raises(IndexNotReady):
        search_similar(session, index=similarity, text="consumer lag", actor=alice.actor)
    assert not similarity.ready and similarity.builds == 0

    similarity.refresh()
    assert similarity.ready and similarity.wait_ready(0)
    assert found(similarity) == [incident.id]


def test_a_refresh_adds_new_incidents_and_removes_discarded_ones(
    session: Session, alice: Person, similarity: IndexKeeper
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
    assert first.id not in similarity
    assert similarity.builds == 1  # incident changes are applied in place


def test_a_refresh_reads_again_only_the_incidents_whose_stamp_moved(
    session: Session, alice: Person, similarity: IndexKeeper, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_incident(session, alice, title="Kafka consumer lag on orders")
    similarity.refresh()
    read: list[list[int]] = []
    real = index_module.documents

    def documents(session: Session, incident_ids: Sequence[int] | None = None) -> object:
        read.append(sorted(incident_ids or []))
        return real(session, incident_ids)

    monkeypatch.setattr(index_module, "documents", documents)
    second = make_incident(session, alice, title="Orders consumer lag again")
    similarity.refresh()
    # The first incident is still within the look-back margin, but unchanged: not read.
    assert read == [[second.id]]
    first.title = "Kafka consumer lag on orders and payments"
    first.updated_at = utcnow()
    session.flush()
    similarity.refresh()
    assert read == [[second.id], [first.id]]
    similarity.refresh()  # nothing changed since
    assert len(read) == 2
    assert set(found(similarity)) == {first.id, second.id} and similarity.builds == 1


def test_a_refresh_with_nothing_changed_changes_nothing(
    session: Session, alice: Person, similarity: IndexKeeper
) -> None:
    make_incident(session, alice, title="Kafka consumer lag on orders")
    similarity.refresh()
    before = found(similarity)
    similarity.refresh()
    assert (found(similarity), similarity.builds) == (before, 1)


def test_a_known_error_change_rebuilds_the_index(
    session: Session, alice: Person, similarity: IndexKeeper
) -> None:
    make_incident(session, alice, title="Kafka consumer lag on orders")
    similarity.refresh()
    known = known_errors.create(
        session, actor=alice.actor, title="Consumer lag on orders",
        symptoms="kafka consumer lag growing", workaround=["Restart the consumers"],
    now=utcnow(),
)  # fmt: skip
    similarity.refresh()
    assert f"ke:{known.id}" in similarity
    assert similarity.builds == 2
    known_errors.update(session, known=known, actor=alice.actor, active=False, now=utcnow())
    similarity.refresh()
    assert f"ke:{known.id}" not in similarity
    assert similarity.builds == 3


def test_the_matching_job_refreshes_the_index_first(
    session: Session, database: Database, alice: Person, similarity: IndexKeeper
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
    assert match_known_errors(session, index=similarity, incident_id=live.id, now=utcnow()) == []
    # ...the job refreshes it first.
    context = JobContext(
        database,
        1,
        "incident.changed",
        1,
        utcnow(),
        state=worker_state(similarity=similarity, settings=Settings()),
    )
    on_incident_changed(context, {"incident_id": live.id})
    session.expire_all()
    [match] = matches_for_incident(session, incident_id=live.id)
    assert match.known_error_id == known.id


# --- the background thread, with real commits -------------------------------------------------


class Gate:
    """An embedder that holds a build until it is let through, so that a test can look at
    the keeper while its first build is under way."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.open = threading.Event()

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.entered.set()
        assert self.open.wait(20), "the test never let the build through"
        return [[1.0, float(len(text))] for text in texts]


class Counted(IndexKeeper):
    """A keeper that reports each refresh of its thread (tests wait for one, not for time)."""

    def __init__(self, db: Database, embedder: Embedder | None = None) -> None:
        super().__init__(db, embedder=embedder, every=0.01)
        self.refreshed = threading.Semaphore(0)

    def refresh(self) -> None:
        super().refresh()
        self.refreshed.release()

    def next_refresh(self) -> None:
        """Wait until a refresh has started and ended after this call."""
        while self.refreshed.acquire(blocking=False):
            pass
        for _ in range(2):  # the one under way may have read the database before the call
            assert self.refreshed.acquire(timeout=20), "the keeper stopped refreshing"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    engine = dedicated_engine(request.param, tmp_path_factory.mktemp("index"), "assist_index")
    yield engine
    engine.dispose()


@pytest.fixture
def live_db(live_engine: Engine) -> Database:
    return Database(str(live_engine.url), engine=live_engine)


@pytest.fixture
def someone(live_db: Database) -> Person:
    with live_db.session() as session:
        return make_person(session)


@pytest.fixture
def keeper(live_db: Database) -> Iterator[Counted]:
    keeper = Counted(live_db)
    yield keeper
    assert keeper.stop()


def declare(db: Database, person: Person, title: str, status: str = "fixing") -> int:
    with db.session() as session:
        return make_incident(session, person, title=title, status=status).id


def test_start_builds_the_index_and_keeps_it_in_step(
    live_db: Database, someone: Person, keeper: Counted
) -> None:
    early = declare(live_db, someone, "Zookeeper quorum lost on the ledger cluster")
    keeper.start()
    assert keeper.wait_ready(20)
    zookeeper = Query(text="zookeeper quorum ledger")
    assert early in found(keeper, zookeeper)

    late = declare(live_db, someone, "Zookeeper quorum lost again on the ledger", "triage")
    keeper.next_refresh()
    assert {early, late} <= set(found(keeper, zookeeper))
    with live_db.session() as session:
        move_incident(
            session, incident=session.get_one(Incident, late), actor=someone.actor,
            status="declined",
    now=utcnow(),
)  # fmt: skip
    keeper.next_refresh()
    assert late not in keeper and early in keeper
    assert keeper.builds == 1


def test_nothing_waits_for_the_first_build_in_another_thread(
    live_db: Database, someone: Person
) -> None:
    incident = declare(live_db, someone, "Kafka consumer lag on orders")
    gate = Gate()
    keeper = Counted(live_db, embedder=gate)
    keeper.start()
    try:
        assert gate.entered.wait(20)  # the thread is building
        with pytest.raises(IndexNotReady):
            keeper.search(LAG, k=5)
        with pytest.raises(IndexNotReady):  # a refresh elsewhere gives up at once...
            keeper.refresh()
        with live_db.session() as session, pytest.raises(IndexNotReady):
            # ...and so does matching: the job is retried later, not holding a worker slot.
            match_known_errors(session, index=keeper, incident_id=incident, now=utcnow())
        gate.open.set()
        assert keeper.wait_ready(20)
        assert incident in keeper
    finally:
        gate.open.set()
        assert keeper.stop()


def test_stop_ends_the_thread(live_db: Database, keeper: Counted) -> None:
    keeper.start()
    keeper.next_refresh()
    assert keeper.running
    assert keeper.stop()
    assert not keeper.running
    with pytest.raises(RuntimeError):
        keeper.start()  # a keeper starts once


def test_the_app_keeps_its_own_index_from_startup_to_shutdown(tmp_path: Path) -> None:
    """Without an index passed in, the app builds one at startup and stops it at shutdown."""
    db_file = tmp_path / "app.db"
    db = Database(f"sqlite:///{db_file}")
    prepare(db)
    app = create_app(Settings(database_url=db.url), db=db)
    keeper: IndexKeeper = app.state.similarity
    assert not keeper.running
    with TestClient(app):
        assert keeper.running
        assert keeper.wait_ready(20)
    assert not keeper.running
    db.dispose()


def test_a_matching_job_waits_a_moment_for_the_first_build(
    live_db: Database, someone: Person
) -> None:
    """A worker that just started builds its index in a moment: its first jobs wait for it
    rather than fail and come back after a backoff."""
    incident = declare(live_db, someone, "Kafka consumer lag on orders")
    gate = Gate()
    keeper = Counted(live_db, embedder=gate)
    context = JobContext(
        live_db,
        1,
        "incident.changed",
        1,
        utcnow(),
        state=worker_state(similarity=keeper, settings=Settings()),
    )
    failures: list[BaseException] = []

    def run_job() -> None:
        try:
            on_incident_changed(context, {"incident_id": incident})
        except BaseException as exc:  # the test reads it in its own thread
            failures.append(exc)

    keeper.start()
    try:
        assert gate.entered.wait(20)  # the thread is building
        job = threading.Thread(target=run_job)
        job.start()
        gate.open.set()
        job.join(20)
        assert not job.is_alive() and failures == []
    finally:
        gate.open.set()
        assert keeper.stop()
