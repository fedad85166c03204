"""Bring a database to a usable state: migrate, create defaults, optionally load demo data."""

from datetime import datetime

from sqlalchemy.orm import Session

from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.incident.roles import ensure_builtin
from watchkeep.incident.severities import ensure_defaults as ensure_severities
from watchkeep.migrate import upgrade
from watchkeep.postmortem.outlines import ensure_defaults as ensure_templates


def ensure_defaults(session: Session, *, now: datetime) -> None:
    """Default severities, incident types, built-in roles and post-mortem templates, where
    none exist yet.

    The system creates them; the audit log records each with no actor.
    """
    ensure_severities(session, now=now)
    ensure_builtin(session, now=now)
    ensure_templates(session, now=now)


def prepare(db: Database) -> None:
    """Migrate the schema to the latest revision and create the defaults."""
    upgrade(db.engine)
    with db.session() as session:
        ensure_defaults(session, now=utcnow())
