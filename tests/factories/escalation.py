"""Escalation policies, in the API's JSON shape."""

from typing import Any

from sqlalchemy.orm import Session

from tests.factories.auth import an_admin
from tests.factories.numbers import unique
from watchkeep.core.clock import utcnow
from watchkeep.escalation import policies
from watchkeep.escalation.models import EscalationPolicy


def level(*targets: tuple[str, int], minutes: int = 5) -> dict[str, Any]:
    """A level in JSON: ``level(("user", 3), ("schedule", 1), minutes=10)``."""
    return {"minutes": minutes, "targets": [{"type": t, "id": i} for t, i in targets]}


def make_policy(session: Session, *levels: dict[str, Any], **fields: Any) -> EscalationPolicy:
    fields.setdefault("name", f"policy-{unique()}")
    return policies.create(
        session, actor=an_admin(session), now=utcnow(), levels=list(levels), **fields
    )
