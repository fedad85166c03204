"""Group commit for ingest: payloads that arrive together are stored in one transaction.

A sender's 2xx must mean "stored", so each accepted payload waits for a commit. Committing
each request on its own makes every request pay for a transaction (and, on SQLite, queue for
the write lock behind the others); here one writer thread takes whatever payloads are waiting
and stores them all in one transaction, then answers each. A group takes every payload that the
server's event loop had already started on when the group's first payload arrived (the
writer asks the loop to tell it once it has worked through what it had to do: by then each
of those requests has been read and queued), and everything that arrived while the last group
committed. It does not wait on a clock: a payload that comes alone is stored at once.

Each payload is still all-or-nothing: if a batch fails, its payloads are stored again one per
transaction, so one bad payload (or a lost race) fails alone, and a database that cannot
answer fails each with its own error (the route answers 503). The thread ends when idle for a
while and starts again with the next payload, so an idle process holds no thread.
"""

import asyncio
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from watchkeep.alert import bulk, ingest, sources
from watchkeep.alert.models import AlertSource
from watchkeep.alert.normalize import Signal
from watchkeep.core.db import Database

MAX_BATCH = 200
IDLE_SECONDS = 5.0
MAX_GATHER_SECONDS = 0.025
"""The longest a group waits for the event loop to work through the requests before it."""

Stored = list[ingest.Outcome] | None
"""What storing a payload gave: its outcomes, or ``None`` when no enabled source has its key."""


@dataclass
class _Payload:
    key: str
    format: str
    body: Any
    signals: list[Signal]
    now: datetime
    loop: asyncio.AbstractEventLoop | None
    future: "Future[Stored]" = field(default_factory=Future)


class Intake:
    """One process's writer of accepted payloads (see the module's docstring)."""

    def __init__(
        self,
        db: Database,
        *,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self._db = db
        self._idle_seconds = idle_seconds
        self._queue: queue.SimpleQueue[_Payload] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(
        self,
        *,
        key: str,
        format: str,
        body: Any,
        signals: list[Signal],
        now: datetime,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> "Future[Stored]":
        """Queue a payload for storing; the future is done once it is committed (or failed).
        ``loop`` is the event loop of the request that brought it, if any: the group waits
        for the requests that loop had already started on."""
        payload = _Payload(key, format, body, signals, now, loop)
        self._queue.put(payload)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="intake", daemon=True)
                self._thread.start()
        return payload.future

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self._idle_seconds)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():  # nothing slipped in: end; submit starts anew
                        self._thread = None
                        return
                continue
            _gather(first.loop)
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._store(batch)

    def _store(self, batch: list[_Payload]) -> None:
        try:
            with self._db.session() as session:
                results = _accept_all(session, batch)
        except Exception as exc:
            if len(batch) == 1:
                batch[0].future.set_exception(exc)
                return
            for payload in batch:
                self._alone(payload)
            return
        for payload, result in zip(batch, results, strict=True):
            payload.future.set_result(result)

    def _alone(self, payload: _Payload) -> None:
        try:
            with self._db.session() as session:
                result = _accept(session, payload, {}, ingest.Decisions(session, payload.now))
        except Exception as exc:
            payload.future.set_exception(exc)
            return
        payload.future.set_result(result)


def _gather(loop: asyncio.AbstractEventLoop | None) -> None:
    """Wait until ``loop`` has run what it had ready (so the requests it had started on have
    queued their payloads), or for ``MAX_GATHER_SECONDS`` at most."""
    if loop is None:
        return
    done = threading.Event()
    try:
        loop.call_soon_threadsafe(done.set)
    except RuntimeError:  # the loop is closed: nothing more comes from it
        return
    done.wait(MAX_GATHER_SECONDS)


def _accept_all(session: Session, batch: list[_Payload]) -> list[Stored]:
    """Store a group in a few statements (:mod:`bulk`); ``None`` for an unknown key."""
    found: dict[str, AlertSource | None] = {}
    for payload in batch:
        if payload.key not in found:
            found[payload.key] = sources.find_by_key(session, key=payload.key)
    known = [(i, p, found[p.key]) for i, p in enumerate(batch) if found[p.key] is not None]
    received = [
        bulk.Received(source, p.format, p.body, p.signals, p.now)
        for _, p, source in known
        if source is not None
    ]
    results: list[Stored] = [None] * len(batch)
    stored = bulk.accept_many(session, received, ingest.Decisions(session, batch[0].now))
    for (index, _, _), outcomes in zip(known, stored, strict=True):
        results[index] = outcomes
    return results


def _accept(
    session: Session,
    payload: _Payload,
    found: dict[str, AlertSource | None],
    decisions: ingest.Decisions,
) -> Stored:
    if payload.key not in found:
        found[payload.key] = sources.find_by_key(session, key=payload.key)
    source = found[payload.key]
    if source is None:
        return None
    return ingest.accept(
        session,
        source=source,
        format=payload.format,
        body=payload.body,
        signals=payload.signals,
        now=payload.now,
        decisions=decisions,
    )
