"""Change events in the day before the impact (and up to the investigated instant), on any
service: the method weighs how near each is to the affected ones."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.alert.models import ChangeEvent
from watchkeep.assist.evidence.source import DEFAULT_TIMEOUT
from watchkeep.assist.investigation.changes import LOOKBACK
from watchkeep.assist.investigation.model import ChangeFact, Fact, Subject
from watchkeep.core.actor import Actor

MOST = 500  # the nearest this many: a busier day holds nothing a responder could weigh


def flattened(details: Any) -> str:
    """The text in a change's details (versions, flag names, titles), keys aside."""
    if isinstance(details, dict):
        return " ".join(flattened(value) for value in details.values())
    if isinstance(details, list):
        return " ".join(flattened(value) for value in details)
    return str(details) if isinstance(details, str | int | float) else ""


class Changes:
    name = "changes"

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout

    def gather(self, session: Session, subject: Subject, actor: Actor) -> list[Fact]:
        rows = session.scalars(
            select(ChangeEvent)
            .where(
                ChangeEvent.occurred_at >= subject.impact_start - LOOKBACK,
                ChangeEvent.occurred_at <= subject.at,
                ChangeEvent.received_at <= subject.at,
            )
            .order_by(ChangeEvent.occurred_at.desc(), ChangeEvent.id.desc())
            .limit(MOST)
        )
        return [
            ChangeFact(
                ref=change.reference,
                kind=change.kind,
                summary=change.summary,
                occurred_at=change.occurred_at,
                service=change.service.name if change.service else None,
                origin=change.origin,
                details=flattened(change.details)[:2000],
            )
            for change in rows
        ]
