"""Read and write transactions on real databases (committed data, several connections).

A read transaction refuses writes and takes no write lock: on SQLite, reads go on while a
writer holds the lock; the bookkeeping a read needs is written after it, by ``write_later``.
"""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from tests.e2e.jobs_support import dedicated_engine

from watchkeep.core.db import Database, Timeouts, make_engine, write_later

scratch_metadata = MetaData()
scratch = Table(
    "scratch_note",
    scratch_metadata,
    Column("id", Integer, primary_key=True),
    Column("text", String),
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    tmp: Path = tmp_path_factory.mktemp("transactions")
    if request.param == "sqlite":
        # A short lock wait: a read that queued behind the writer would fail in 3 s.
        engine = make_engine(f"sqlite:///{tmp / 'tx.db'}", Timeouts(statement=3))
    else:
        engine = dedicated_engine("postgresql", tmp, "transactions")
    scratch_metadata.create_all(engine)
    yield engine
    scratch_metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Database:
    with engine.begin() as connection:
        connection.execute(scratch.delete())
    return Database(str(engine.url), engine=engine)


def count(db: Database) -> int:
    with db.session(write=False) as session:
        return session.scalar(select(func.count()).select_from(scratch)) or 0


def test_a_read_transaction_refuses_writes_and_stores_nothing(db: Database) -> None:
    with pytest.raises(DBAPIError, match=r"read-only|readonly"), db.session(write=False) as s:
        s.execute(insert(scratch).values(text="written in a read"))
    assert count(db) == 0
    with db.session() as session:
        session.execute(insert(scratch).values(text="written in a write"))
    assert count(db) == 1


def test_reads_go_on_while_a_writer_holds_the_lock(db: Database) -> None:
    holding = threading.Event()
    release = threading.Event()

    def writer() -> None:
        with db.session() as session:
            session.execute(insert(scratch).values(text="slow write"))
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        assert count(db) == 0  # the uncommitted row is not seen, and nothing waits
        assert time.monotonic() - started < 1.0
    finally:
        release.set()
        thread.join(10)
    assert count(db) == 1


def test_write_later_writes_after_a_read_and_at_once_in_a_write(db: Database) -> None:
    with db.session(write=False) as session:
        write_later(session, lambda w: w.execute(insert(scratch).values(text="later")))
        assert session.scalar(select(func.count()).select_from(scratch)) == 0
    assert count(db) == 1
    with db.session() as session:
        write_later(session, lambda w: w.execute(insert(scratch).values(text="now")))
        assert session.scalar(select(func.count()).select_from(scratch)) == 2


def test_a_failed_read_drops_its_later_writes(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session(write=False) as session:
        write_later(session, lambda w: w.execute(insert(scratch).values(text="dropped")))
        raise RuntimeError("the request failed")
    assert count(db) == 0
