"""Domain events with any number of subscribers, delivered as jobs.

A domain publishes an event inside its transaction: one job of kind ``event:<name>`` joins
the transaction, so the event exists exactly when the change that caused it was committed.
A worker runs it by enqueueing one job per subscriber (kind ``<name>><subscriber>``, with an
idempotency key, so that running it twice enqueues nothing twice) and those run on their own:
one subscriber's failure or retry never touches another's.

The publisher needs no list of subscribers: the registry that the worker runs knows them.
That keeps publishing free of global state and lets every process, the CLI included, publish.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from watchkeep.jobs.models import Job
from watchkeep.jobs.service import enqueue, enqueue_many

EVENT_PREFIX = "event:"


@dataclass(frozen=True)
class Event:
    """A kind of domain event, named ``<domain>.<what happened>``."""

    name: str

    @property
    def kind(self) -> str:
        """The kind of the job that fans the event out."""
        return EVENT_PREFIX + self.name

    def subscriber_kind(self, subscriber: str) -> str:
        """The kind of the job that delivers the event to one subscriber."""
        return f"{self.name}>{subscriber}"


def publish(session: Session, event: Event, payload: dict[str, Any]) -> Job:
    """Publish ``event`` within the caller's transaction; subscribers run after commit."""
    return enqueue(session, kind=event.kind, payload=payload)


def publish_many(session: Session, event: Event, payloads: list[dict[str, Any]]) -> None:
    """Publish ``event`` once per payload, in one statement."""
    enqueue_many(session, kind=event.kind, payloads=payloads)


def fan_out(
    session: Session,
    event: Event,
    subscribers: list[str],
    *,
    job_id: int,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    """Enqueue the event's delivery to each subscriber (once, however often this runs)."""
    for subscriber in subscribers:
        kind = event.subscriber_kind(subscriber)
        key = f"{job_id}>{kind}"
        enqueue(session, kind=kind, payload=payload, idempotency_key=key, now=now)
