"""Job handlers of the auth domain."""

from datetime import timedelta
from typing import Any

from sqlalchemy import delete

from watchkeep.auth.models import WebSession
from watchkeep.jobs.registry import JobContext, Registry

PURGE_SESSIONS = "auth.purge_expired_sessions"


def purge_expired_sessions(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Delete web sessions that have expired (runs periodically)."""
    with ctx.db.session() as session:
        session.execute(delete(WebSession).where(WebSession.expires_at <= ctx.now))


def register(registry: Registry) -> None:
    """Expired web sessions are purged every hour."""
    registry.add(PURGE_SESSIONS, purge_expired_sessions, every=timedelta(hours=1))
