"""The intake's groups, with real commits: payloads of requests that the event loop had
started on together are stored in one transaction, and a key that names no source fails
alone."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from tests.e2e.jobs_support import dedicated_engine

from watchkeep.alert import sources
from watchkeep.alert.intake import Intake, Stored
from watchkeep.alert.models import Alert
from watchkeep.alert.normalize import Signal
from watchkeep.auth import service as auth
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    engine: Engine = dedicated_engine(request.param, tmp_path, "intake")
    yield Database(engine.url.render_as_string(hide_password=False), engine=engine)
    engine.dispose()


def a_source_key(db: Database) -> str:
    with db.session() as session:
        admin = auth.create_user(
            session, actor=None, now=utcnow(), email="a@example.com", name="A", role="admin"
        )
        source = sources.create(
            session, actor=auth.actor_of(admin), now=utcnow(), name="s", kind="generic"
        )
        return source.integration_key


async def send_together(intake: Intake, keys: list[str]) -> list[Stored]:
    """Requests started in one turn of the loop, each queueing one payload and waiting."""
    loop = asyncio.get_running_loop()

    async def one(n: int, key: str) -> Stored:
        future = intake.submit(
            key=key,
            format="generic",
            body={"n": n},
            signals=[Signal(action="trigger", dedup_key=f"k{n}", title=f"Alert {n}")],
            now=utcnow(),
            loop=loop,
        )
        return await asyncio.wrap_future(future)

    return await asyncio.gather(*(one(n, key) for n, key in enumerate(keys)))


def test_payloads_the_loop_started_on_together_are_one_transaction(db: Database) -> None:
    key = a_source_key(db)
    commits: list[int] = []
    event.listen(db.engine, "commit", lambda _connection: commits.append(1))

    stored = asyncio.run(send_together(Intake(db), [key] * 6))

    assert [len(outcomes or []) for outcomes in stored] == [1] * 6
    assert len(commits) == 1
    with db.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Alert)) == 6


def test_a_key_that_names_no_source_fails_alone(db: Database) -> None:
    key = a_source_key(db)

    stored = asyncio.run(send_together(Intake(db), [key, "no-such-key", key]))

    assert stored[1] is None
    assert [o.outcome for o in stored[0] or []] == ["opened"]
    assert [o.outcome for o in stored[2] or []] == ["opened"]
    with db.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Alert)) == 2
