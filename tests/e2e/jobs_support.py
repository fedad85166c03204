"""Databases with real commits for the job-runner tests.

Workers in threads or processes need committed data, so these tests cannot use the
rolled-back SAVEPOINT ``database`` fixture. They get a SQLite file of their own or, on
PostgreSQL, a database of their own (created on first use), never the shared test schema.
"""

from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from tests.conftest import fresh_schema, pg_url, unavailable
from tests.e2e.job_worker_main import run_log, run_log_metadata

from watchkeep.core.db import make_engine


def database_name(purpose: str) -> str:
    """The PostgreSQL database for ``purpose``, beside the test database (so one per checkout
    and per pytest-xdist worker)."""
    return f"{make_url(pg_url()).database}_jobs_{purpose}"


def _create_database(name: str) -> str:
    url = make_url(pg_url())
    maintenance = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    exists = text("SELECT 1 FROM pg_database WHERE datname = :name")
    try:
        with maintenance.connect() as connection:
            if not connection.scalar(exists, {"name": name}):
                try:
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
                except DBAPIError:
                    if not connection.scalar(exists, {"name": name}):
                        raise  # not a concurrent create of the same database: a real error
    except DBAPIError as exc:
        unavailable(f"PostgreSQL is not usable at {pg_url()}: {exc.__class__.__name__}")
    finally:
        maintenance.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def dedicated_engine(kind: str, tmp_dir: Path, purpose: str) -> Engine:
    """An engine on a database of its own with a fresh schema and the run log table."""
    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_dir / (purpose + '.db')}")
    else:
        engine = make_engine(_create_database(database_name(purpose)), pool_size=10)
    fresh_schema(engine)
    run_log_metadata.create_all(engine)
    return engine


def clear(engine: Engine) -> None:
    """Empty the job table and the run log."""
    with engine.begin() as connection:
        connection.execute(run_log.delete())
        connection.execute(text("DELETE FROM job"))
