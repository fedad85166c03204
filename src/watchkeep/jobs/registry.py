"""Which handler runs which kind of job, who subscribes to which event, and which jobs recur.

The composition layer builds one registry from every domain's ``tasks.register``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from watchkeep.core.db import Database
from watchkeep.jobs.events import EVENT_PREFIX, Event, fan_out


@dataclass(frozen=True)
class JobContext:
    """What a handler gets: the database to open its own session on, and the job's facts."""

    db: Database
    job_id: int
    kind: str
    attempt: int
    now: datetime


Handler = Callable[[JobContext, dict[str, Any]], None]


@dataclass(frozen=True)
class Periodic:
    kind: str
    every: timedelta


@dataclass
class Registry:
    handlers: dict[str, Handler] = field(default_factory=dict)
    periodic: list[Periodic] = field(default_factory=list)
    subscribers: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, handler: Handler, *, every: timedelta | None = None) -> None:
        """Register ``handler`` for ``kind``; with ``every`` it also runs on that period."""
        if kind in self.handlers:
            raise ValueError(f"a handler for {kind!r} is already registered")
        self.handlers[kind] = handler
        if every is not None:
            self.periodic.append(Periodic(kind, every))

    def subscribe(self, event: Event, subscriber: str, handler: Handler) -> None:
        """Run ``handler`` for every ``event`` published, as a job of its own."""
        self.add(event.subscriber_kind(subscriber), handler)
        self.subscribers.setdefault(event.name, []).append(subscriber)

    def handler_for(self, kind: str) -> Handler | None:
        """The handler of ``kind``; an event's fan-out when ``kind`` is ``event:<name>``
        (an event nobody subscribes to fans out to nobody)."""
        if kind.startswith(EVENT_PREFIX):
            event = Event(kind.removeprefix(EVENT_PREFIX))
            return partial(_deliver, event, list(self.subscribers.get(event.name, ())))
        return self.handlers.get(kind)


def _deliver(
    event: Event, subscribers: list[str], ctx: JobContext, payload: dict[str, Any]
) -> None:
    with ctx.db.session() as session:
        fan_out(session, event, subscribers, job_id=ctx.job_id, payload=payload, now=ctx.now)
