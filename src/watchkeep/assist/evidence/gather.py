"""Asking every evidence source at once, each in a thread with a read session of its own,
and going on without those that fail or outlast their timeout."""

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from time import monotonic

from watchkeep.assist.evidence.source import Source
from watchkeep.assist.investigation.model import Fact, Gathered, SourceReport, Subject
from watchkeep.core.actor import Actor
from watchkeep.core.db import Database

log = logging.getLogger(__name__)
ERROR_TEXT = 300
AT_ONCE = 3
"""Investigations one process gathers at once; more wait their turn. Each holds a database
connection per source, and the pool is shared with every request and job."""
_TURNS = threading.BoundedSemaphore(AT_ONCE)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _ask(db: Database, source: Source, subject: Subject, actor: Actor) -> tuple[list[Fact], int]:
    started = monotonic()
    with db.session(write=False) as session:
        facts = source.gather(session, subject, actor)
    return facts, _ms(monotonic() - started)


def _in_turn(db: Database, subject: Subject, actor: Actor, sources: Sequence[Source]) -> Gathered:
    """The sources one after the other, in this thread: for a database that is one connection,
    which threads must not share (their timeouts are then not enforced)."""
    gathered = Gathered()
    for source in sources:
        started = monotonic()
        try:
            facts, ms = _ask(db, source, subject, actor)
        except Exception as error:  # a source's failure is reported, never raised
            gathered.sources.append(_failed(source, error, started))
            continue
        gathered.add(facts)
        gathered.sources.append(SourceReport(source.name, "ok", ms))
    return gathered


def _failed(source: Source, error: Exception, started: float) -> SourceReport:
    log.warning("evidence source %s failed: %s", source.name, error, exc_info=True)
    return SourceReport(
        source.name,
        "error",
        _ms(monotonic() - started),
        error=f"{type(error).__name__}: {error}"[:ERROR_TEXT],
    )


def gather(db: Database, subject: Subject, actor: Actor, sources: Sequence[Source]) -> Gathered:
    """What every source found, with how each fared (ok, timeout or error) and how long it
    took, in the order of ``sources``."""
    gathered = Gathered()
    if not sources:
        return gathered
    if db.one_connection:
        return _in_turn(db, subject, actor, sources)
    with _TURNS:
        return _at_once(db, subject, actor, sources)


def _at_once(db: Database, subject: Subject, actor: Actor, sources: Sequence[Source]) -> Gathered:
    gathered = Gathered()
    pool = ThreadPoolExecutor(max_workers=len(sources), thread_name_prefix="evidence")
    started = monotonic()
    try:
        futures: list[Future[tuple[list[Fact], int]]] = [
            pool.submit(_ask, db, source, subject, actor) for source in sources
        ]
        for source, future in zip(sources, futures, strict=True):
            left = max(0.0, started + source.timeout - monotonic())
            try:
                facts, ms = future.result(timeout=left)
            except FutureTimeout:
                gathered.sources.append(
                    SourceReport(source.name, "timeout", _ms(monotonic() - started))
                )
                continue
            except Exception as error:  # a source's failure is reported, never raised
                gathered.sources.append(_failed(source, error, started))
                continue
            gathered.add(facts)
            gathered.sources.append(SourceReport(source.name, "ok", ms))
    finally:
        # A source still running is left to finish on its own; nobody waits for it.
        pool.shutdown(wait=False, cancel_futures=True)
    return gathered
