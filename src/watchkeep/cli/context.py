"""What every command on the local database needs: settings, the database, one transaction."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from watchkeep.cli.output import fail
from watchkeep.core.db import Database
from watchkeep.core.errors import DomainError
from watchkeep.core.settings import Settings, get_settings


def settings() -> Settings:
    return get_settings()


def open_database() -> Database:
    cfg = settings()
    return Database(cfg.database_url, timeouts=cfg.db_timeouts)


@contextmanager
def local_session(db: Database | None = None) -> Iterator[Session]:
    """One transaction for the command on ``db`` (default: the settings' database), disposed
    of afterwards; a domain error becomes a message and exit code 1."""
    db = db or open_database()
    try:
        with db.session() as session:
            yield session
    except DomainError as exc:
        fail(exc.message)
    finally:
        db.dispose()
