"""Bring a database to a usable state: migrate, create defaults, optionally load demo data."""

from sqlalchemy.orm import Session

from watchkeep.core.db import Database
from watchkeep.incident.roles import ensure_builtin
from watchkeep.incident.severities import ensure_defaults as ensure_severities
from watchkeep.migrate import upgrade


def ensure_defaults(session: Session) -> None:
    """Default severities, incident types and built-in roles, where none exist yet."""
    ensure_severities(session)
    ensure_builtin(session)


def prepare(db: Database) -> None:
    """Migrate the schema to the latest revision and create the defaults."""
    upgrade(db.engine)
    with db.session() as session:
        ensure_defaults(session)
