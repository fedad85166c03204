"""Reference counters (``INC-n``) under concurrency, on committed data.

On PostgreSQL a number is taken in a transaction of its own, so a declare that is still
running does not hold up the next one; numbers stay unique, and a failed transaction leaves
a gap. On SQLite the number belongs to the caller's transaction.
"""

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from tests.e2e.jobs_support import dedicated_engine

from watchkeep.core.counter import Counter, next_value, next_values
from watchkeep.core.db import Database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    engine: Engine = dedicated_engine(request.param, tmp_path_factory.mktemp("counter"), "counter")
    yield Database(str(engine.url), engine=engine)
    engine.dispose()


@pytest.fixture(autouse=True)
def fresh(db: Database) -> None:
    with db.session() as session:
        session.execute(delete(Counter).where(Counter.name.like("test-%")))


def take(db: Database, name: str) -> int:
    with db.session() as session:
        return next_value(session, name)


def test_numbers_are_unique_under_concurrent_transactions(db: Database) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(lambda _: take(db, "test-unique"), range(200)))
    assert sorted(numbers) == list(range(1, 201))


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_a_running_transaction_does_not_hold_up_the_next_number_on_postgresql(
    db: Database,
) -> None:
    taken = threading.Event()
    finish = threading.Event()
    first: list[int] = []

    def slow_declare() -> None:
        with pytest.raises(RuntimeError), db.session() as session:
            first.append(next_value(session, "test-slow"))
            taken.set()
            finish.wait(10)
            raise RuntimeError("the declare failed after taking its number")

    thread = threading.Thread(target=slow_declare)
    thread.start()
    try:
        assert taken.wait(10)
        started = time.monotonic()
        second = take(db, "test-slow")
        assert time.monotonic() - started < 1.0
    finally:
        finish.set()
        thread.join(10)
    assert (first, second) == ([1], 2)
    assert take(db, "test-slow") == 3  # number 1 stays a gap: it was taken, then rolled back


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_on_sqlite_a_failed_transaction_gives_its_number_back(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as session:
        next_value(session, "test-gapless")
        raise RuntimeError("failed")
    assert take(db, "test-gapless") == 1


def test_a_block_of_numbers_is_taken_at_once(db: Database) -> None:
    assert take(db, "test-block") == 1
    with db.session() as session:
        block = next_values(session, "test-block", 3)
    assert list(block) == [2, 3, 4]
    with db.session() as session:
        assert list(next_values(session, "test-block", 0)) == []
        assert list(next_values(session, "test-fresh", 2)) == [1, 2]
    assert take(db, "test-block") == 5
