"""Which handler runs which kind of job, and which jobs recur."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from watchkeep.core.db import Database


@dataclass(frozen=True)
class JobContext:
    """What a handler gets: the database to open its own session on, the job's facts, and the
    worker's ``state``: the long-lived components that whoever built the worker gave it
    (the jobs package knows none of them; a domain's handlers read theirs by name)."""

    db: Database
    job_id: int
    kind: str
    attempt: int
    now: datetime
    state: SimpleNamespace = field(default_factory=SimpleNamespace)


Handler = Callable[[JobContext, dict[str, Any]], None]


@dataclass(frozen=True)
class Periodic:
    kind: str
    every: timedelta


@dataclass
class Registry:
    handlers: dict[str, Handler] = field(default_factory=dict)
    periodic: list[Periodic] = field(default_factory=list)

    def add(self, kind: str, handler: Handler, *, every: timedelta | None = None) -> None:
        """Register ``handler`` for ``kind``; with ``every`` it also runs on that period."""
        if kind in self.handlers:
            raise ValueError(f"a handler for {kind!r} is already registered")
        self.handlers[kind] = handler
        if every is not None:
            self.periodic.append(Periodic(kind, every))
