"""Databases for the suite: every integration and API test runs on SQLite and PostgreSQL.

PostgreSQL comes from ``WATCHKEEP_TEST_DATABASE_URL`` (default: the local server's
``watchkeep_test`` database). Without it the PostgreSQL half is skipped, except with
``CI=true``, where a skip is a failure.
"""

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import Person, committed_person
from tests.hypothesis_profiles import load_chosen_profile
from watchkeep.app.factory import create_app
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.auth import secrets
from watchkeep.bootstrap import ensure_defaults
from watchkeep.core.clock import utcnow
from watchkeep.core.db import READ_ONLY, Database, make_engine
from watchkeep.core.settings import Settings
from watchkeep.migrate import upgrade
from watchkeep.models import metadata

IN_CI = os.environ.get("CI", "").lower() == "true"
HYPOTHESIS_PROFILE = load_chosen_profile()  # before any property test scales from it
CHECKOUT = hashlib.blake2s(str(Path(__file__).resolve().parents[1]).encode()).hexdigest()[:8]
DEFAULT_PG = f"postgresql+psycopg://postgres@127.0.0.1:5432/watchkeep_test_{CHECKOUT}"


def pg_url() -> str:
    """The PostgreSQL test database: ``WATCHKEEP_TEST_DATABASE_URL``, or one per checkout on
    the local server; under pytest-xdist one per worker, so that runs never share a schema."""
    url = make_url(os.environ.get("WATCHKEEP_TEST_DATABASE_URL") or DEFAULT_PG)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        url = url.set(database=f"{url.database}_{worker}")
    return url.render_as_string(hide_password=False)


def unavailable(reason: str) -> None:
    """Skip locally; in CI a missing dependency fails the run instead of hiding tests."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a skipped test is a failure)")
    pytest.skip(reason)


def fresh_schema(engine: Engine) -> None:
    """Drop everything and build the schema through the migrations, as production does."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(engine)
    with Session(engine) as session:
        ensure_defaults(session, now=utcnow())
        session.commit()


def ensure_pg_database(url: str) -> None:
    """Create the test database on the server if it is reachable but the database is not."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).scalar()
            if not found:
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    except OperationalError:
        pass  # reported by open_engine below
    finally:
        admin.dispose()


def open_engine(kind: str, tmp_dir: Path, name: str = "test") -> Engine:
    if kind == "sqlite":
        return make_engine(f"sqlite:///{tmp_dir / (name + '.db')}")
    ensure_pg_database(pg_url())
    engine = make_engine(pg_url(), pool_size=5)
    try:
        with engine.connect():
            pass
    except Exception as exc:  # any connection failure means "no PostgreSQL here"
        engine.dispose()
        unavailable(f"PostgreSQL is not reachable at {pg_url()}: {exc.__class__.__name__}")
    return engine


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2 at its lowest cost: at production cost each user takes ~0.2 s to create."""
    monkeypatch.setattr(
        secrets, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def alice(session: Session) -> Person:
    return committed_person(session, "responder", "Alice")


@pytest.fixture
def bob(session: Session) -> Person:
    return committed_person(session, "responder", "Bob")


@pytest.fixture
def viewer(session: Session) -> Person:
    return committed_person(session, "viewer", "Vera Viewer")


@pytest.fixture
def admin(session: Session) -> Person:
    return committed_person(session, "admin", "Ada Admin")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    engine = open_engine(request.param, tmp_path_factory.mktemp(request.param))
    fresh_schema(engine)
    yield engine
    engine.dispose()


def _read_only_while_reading(maker: sessionmaker[Session], connection: Connection) -> None:
    """Make ``maker``'s sessions query-only on the shared SQLite ``connection``: a savepoint
    cannot be made read-only as a transaction is, the connection can, until the read ends."""

    @event.listens_for(maker, "after_begin")
    def reading(_session: Session, _transaction: Any, _connection: Connection) -> None:
        connection.exec_driver_sql("PRAGMA query_only=ON")

    @event.listens_for(maker, "after_transaction_end")
    def done(_session: Session, transaction: Any) -> None:
        if transaction.parent is None:
            connection.exec_driver_sql("PRAGMA query_only=OFF")


@pytest.fixture
def database(engine: Engine) -> Iterator[Database]:
    """A Database whose every transaction is a SAVEPOINT inside one rolled-back transaction."""
    connection = engine.connect()
    outer = connection.begin()
    db = Database(str(engine.url), engine=engine)
    db.sessionmaker = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    db.read_sessionmaker = sessionmaker(
        bind=connection,
        expire_on_commit=False,
        join_transaction_mode="create_savepoint",
        info={READ_ONLY: True},
    )
    if engine.dialect.name == "sqlite":
        _read_only_while_reading(db.read_sessionmaker, connection)
    yield db
    outer.rollback()
    connection.close()


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    with database.sessionmaker() as session:
        yield session


@pytest.fixture
def similarity(database: Database) -> SimilarityStore:
    """The stored similarity index of the test's database. Nothing indexes it on its own:
    tests bring it up to date with ``refresh``, as the worker's periodic job would."""
    return SimilarityStore(database)


@pytest.fixture
def client(database: Database, similarity: SimilarityStore) -> Iterator[TestClient]:
    """An HTTP client for the app, on the test's rolled-back database.

    Before each request the similarity index is brought up to date, in the test's thread, as
    the worker of a running server would have done by then.
    """
    app = create_app(Settings(database_url=database.url), db=database, similarity=similarity)
    with TestClient(app) as test_client:
        test_client.event_hooks["request"].append(lambda _request: similarity.refresh())
        yield test_client


@pytest.fixture
def unindexed_client(database: Database, similarity: SimilarityStore) -> Iterator[TestClient]:
    """Like ``client``, but the similarity index is refreshed only when the test says so
    (``similarity.refresh()``): the app as it answers before the worker indexed anything."""
    app = create_app(Settings(database_url=database.url), db=database, similarity=similarity)
    with TestClient(app) as test_client:
        yield test_client
