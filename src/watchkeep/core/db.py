"""Engine, session factory and the one place that commits: :meth:`Database.session`.

A session is a *write* transaction (the default) or a *read* one (``write=False``, what a
GET request gets). Read transactions refuse writes on both databases, so a read can never
take SQLite's write lock or hold a PostgreSQL row lock; the little bookkeeping a read may
need (an API token's last use) goes through :func:`write_later`.
"""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

log = logging.getLogger(__name__)

# The execution option that marks a read transaction's connection.
READ_ONLY = "watchkeep_read_only"
PG_READ_ONLY = "postgresql_readonly"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


@dataclass(frozen=True)
class Timeouts:
    """How long the database may keep a request waiting.

    ``connect``: to open a connection (PostgreSQL). ``statement``: one statement, lock waits
    included (PostgreSQL's ``statement_timeout``; SQLite's busy timeout). On PostgreSQL TCP
    keepalives and ``tcp_user_timeout`` also end a connection whose server stopped answering,
    so a network that drops packets cannot hang a request either.
    """

    connect: float = 5.0
    statement: float = 30.0


def _configure_sqlite(engine: Engine, timeouts: Timeouts) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and cannot take the write lock
    # up front; we emit BEGIN ourselves. A write transaction takes the write lock at once
    # (BEGIN IMMEDIATE), so concurrent writers queue on the busy timeout instead of failing
    # on a lock upgrade; a read transaction takes no lock (WAL readers never wait) and is
    # query-only, so it can never need one.
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(timeouts.statement * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("PRAGMA query_only=ON")
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("PRAGMA query_only=OFF")
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _postgresql_connect_args(timeouts: Timeouts) -> dict[str, Any]:
    statement_ms = int(timeouts.statement * 1000)
    return {
        "connect_timeout": max(1, round(timeouts.connect)),
        # Instants come back in UTC, which the driver reads as ``datetime.UTC`` itself.
        "options": f"-c statement_timeout={statement_ms} -c TimeZone=UTC",
        # A server that vanished (packets dropped, no reset) is noticed within seconds.
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": statement_ms,
    }


def make_engine(url: str, timeouts: Timeouts | None = None, **kwargs: Any) -> Engine:
    timeouts = timeouts or Timeouts()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        _configure_sqlite(engine, timeouts)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    # Waiting for a pooled connection is bounded like everything else.
    kwargs.setdefault("pool_timeout", timeouts.statement)
    kwargs.setdefault("connect_args", _postgresql_connect_args(timeouts))
    return create_engine(url, **kwargs)


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the session's transaction has committed (never on rollback)."""
    session.info.setdefault("after_commit", []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop("after_commit", []):
        callback()


def write_later(session: Session, work: Callable[[Session], object]) -> None:
    """Do ``work`` in ``session`` if it may write, else in a write transaction of its own
    once the read transaction has ended (best effort: a failure is logged, not raised).

    For bookkeeping that a read may need and that must not make the read a write, such as
    noting an API token's last use.
    """
    if not session.info.get(READ_ONLY):
        work(session)
        return
    session.info.setdefault("write_later", []).append(work)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_commit(session: Session, _previous: Any) -> None:
    session.info.pop("after_commit", None)


class Database:
    """Holds the engine and hands out sessions; one transaction per unit of work."""

    def __init__(
        self, url: str, engine: Engine | None = None, timeouts: Timeouts | None = None
    ) -> None:
        self.url = url
        self.timeouts = timeouts or Timeouts()
        self.engine = engine or make_engine(url, self.timeouts)
        self._write_queue = threading.Lock()
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        # On PostgreSQL the driver then opens read transactions with BEGIN READ ONLY.
        read_only = {READ_ONLY: True} if self.is_sqlite else {READ_ONLY: True, PG_READ_ONLY: True}
        self.read_sessionmaker = sessionmaker(
            bind=self.engine.execution_options(**read_only),
            expire_on_commit=False,
            info={READ_ONLY: True},
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def one_connection(self) -> bool:
        """Whether every session shares one connection (a test's rolled-back transaction):
        then threads must not read at once."""
        return isinstance(self.read_sessionmaker.kw.get("bind"), Connection)

    @contextmanager
    def session(self, *, write: bool = True, durable: bool = True) -> Iterator[Session]:
        """A session whose work commits on success and rolls back on any exception.

        ``write=False`` gives a read transaction: it refuses writes, and takes no write lock.
        ``durable=False`` lets PostgreSQL answer the commit before the WAL reaches the disk
        (``synchronous_commit = off``): other transactions see the work at once, but a server
        crash may lose the last few such commits. Only for bookkeeping that is safe to lose
        and redo, such as a job runner's claims and outcomes.
        """
        maker = self.sessionmaker if write else self.read_sessionmaker
        with self._writing(write), maker() as session:
            try:
                if not durable and not self.is_sqlite:
                    session.execute(text("SET LOCAL synchronous_commit = off"))
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            later: list[Callable[[Session], object]] = session.info.pop("write_later", [])
        for work in later:
            try:
                with self.session() as writer:
                    work(writer)
            except SQLAlchemyError as exc:
                log.warning("a deferred write failed: %s", exc.__class__.__name__)

    @contextmanager
    def _writing(self, write: bool) -> Iterator[None]:
        """On SQLite, a write transaction first queues behind this process's other writers.

        SQLite's own wait for its write lock polls with sleeps of up to 100 ms, so under
        many writers some wait for seconds while others pass; queued here, they go in turn
        and only other processes' writers meet the busy timeout. A plain lock, not a
        re-entrant one: a request may begin its transaction in one thread and end it in
        another. (A write transaction inside another on SQLite waits for itself either way.)
        """
        if not write or not self.is_sqlite:
            yield
            return
        if not self._write_queue.acquire(timeout=self.timeouts.statement):
            raise PoolTimeout("waited too long for the database's write lock")
        try:
            yield
        finally:
            self._write_queue.release()

    def dispose(self) -> None:
        self.engine.dispose()
