"""Deduplication under concurrency, with real commits: many senders of one key in parallel
open one alert and lose no event; many new keys in a row on one connection (where the
PostgreSQL driver starts using prepared statements) all open their alert."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from tests.e2e.jobs_support import dedicated_engine

from watchkeep.alert import ingest, sources
from watchkeep.alert.models import Alert, AlertEvent, AlertSource
from watchkeep.alert.normalize import Signal
from watchkeep.auth import service as auth
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database

SENDERS = 8
EACH = 10


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    engine: Engine = dedicated_engine(request.param, tmp_path, "ingest_races")
    yield Database(engine.url.render_as_string(hide_password=False), engine=engine)
    engine.dispose()


def a_source(db: Database) -> AlertSource:
    with db.session() as session:
        admin = auth.create_user(
            session, actor=None, now=utcnow(), email="a@example.com", name="A", role="admin"
        )
        return sources.create(
            session, actor=auth.actor_of(admin), now=utcnow(), name="s", kind="generic"
        )


def trigger(db: Database, source: AlertSource, key: str) -> None:
    with db.session() as session:
        ingest.accept(
            session,
            source=source,
            format="generic",
            body={},
            signals=[Signal(action="trigger", dedup_key=key, title="Same")],
            now=utcnow(),
        )


def test_parallel_triggers_of_one_key_open_one_alert_and_count_every_event(db: Database) -> None:
    source = a_source(db)
    failures: list[BaseException] = []

    def sender() -> None:
        try:
            for _ in range(EACH):
                trigger(db, source, "one-key")
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with db.session(write=False) as session:
        [alert] = session.scalars(select(Alert)).all()
        assert alert.event_count == SENDERS * EACH
        assert session.scalar(select(func.count()).select_from(AlertEvent)) == SENDERS * EACH


def test_many_new_keys_on_one_connection_each_open_an_alert(db: Database) -> None:
    source = a_source(db)
    with db.session() as session:
        for n in range(12):  # past the driver's threshold for preparing a statement
            [outcome] = ingest.accept(
                session,
                source=source,
                format="generic",
                body={},
                signals=[Signal(action="trigger", dedup_key=f"k{n}", title="New")],
                now=utcnow(),
            )
            assert outcome.outcome == "opened"
        again = ingest.accept(
            session,
            source=source,
            format="generic",
            body={},
            signals=[Signal(action="trigger", dedup_key=f"k{n}", title="New") for n in range(12)],
            now=utcnow(),
        )
        assert {o.outcome for o in again} == {"updated"}
