"""The runner's writes to the job table: claim, renew, complete, fail, release, schedule periodic.

Every write after the claim is lease-safe: it only touches the row while this worker still
holds the claim it made (same ``locked_by``, same attempt, still running), so a worker whose
lease was taken over cannot overwrite the new owner's state.
"""

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from watchkeep.jobs.models import DEAD, DONE, PENDING, RUNNING, Job
from watchkeep.jobs.policy import periodic_key, periodic_slot, slot_start
from watchkeep.jobs.registry import Periodic
from watchkeep.jobs.service import enqueue

JOB = cast(Table, Job.__table__)

# Periodic runs fail fast: the next period runs the same work again anyway.
PERIODIC_MAX_ATTEMPTS = 3

# One PostgreSQL advisory lock serialises periodic scheduling across workers, so that two
# workers whose clocks straddle a period boundary cannot each schedule a different slot.
PERIODIC_LOCK = zlib.crc32(b"watchkeep:periodic")

LEASE_EXPIRED = "lease expired: the worker running the previous attempt stopped or hung"
LOST_ON_LAST_ATTEMPT = (
    "lease expired on the last attempt ({attempt} of {max_attempts}): "
    "the worker running it stopped or hung"
)


@dataclass(frozen=True)
class Claim:
    """A job this worker holds: ``attempt`` is the job's attempt count after the claim."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    due_at: datetime


def claim_due(
    session: Session, *, worker: str, limit: int, lease_seconds: float, now: datetime
) -> list[Claim]:
    """Claim up to ``limit`` due jobs (and jobs whose lease expired), oldest due first.

    PostgreSQL skips rows another worker is claiming (``FOR UPDATE SKIP LOCKED``); SQLite
    holds the write lock for the whole transaction (``BEGIN IMMEDIATE``), and ignores the
    ``FOR UPDATE``. A re-claimed job that has used all its attempts is moved to dead.
    """
    if limit <= 0:
        return []
    expired = and_(JOB.c.state == RUNNING, JOB.c.lease_until < now)
    due = or_(and_(JOB.c.state == PENDING, JOB.c.due_at <= now), expired)
    ids = (
        select(JOB.c.id)
        .where(due)
        .order_by(JOB.c.due_at, JOB.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(JOB)
        .where(JOB.c.id.in_(ids))
        .values(
            state=RUNNING,
            lease_until=now + timedelta(seconds=lease_seconds),
            locked_by=worker,
            attempts=JOB.c.attempts + 1,
            last_error=case(
                (JOB.c.state == RUNNING, LEASE_EXPIRED),
                else_=JOB.c.last_error,
            ),
        )
        .returning(
            JOB.c.id, JOB.c.kind, JOB.c.payload, JOB.c.attempts, JOB.c.max_attempts, JOB.c.due_at
        )
    )
    claims = [
        Claim(row.id, row.kind, row.payload or {}, row.attempts, row.max_attempts, row.due_at)
        for row in session.execute(statement)
    ]
    for claim in claims:
        if claim.attempt > claim.max_attempts:
            _bury_lost(session, claim, now=now)
    live = [claim for claim in claims if claim.attempt <= claim.max_attempts]
    return sorted(live, key=lambda claim: (claim.due_at, claim.id))


def _bury_lost(session: Session, claim: Claim, *, now: datetime) -> None:
    message = LOST_ON_LAST_ATTEMPT.format(
        attempt=claim.max_attempts, max_attempts=claim.max_attempts
    )
    session.execute(
        update(JOB)
        .where(JOB.c.id == claim.id)
        .values(
            state=DEAD,
            attempts=claim.attempt - 1,
            lease_until=None,
            finished_at=now,
            last_error=message,
        )
    )


def _held(claims: Iterable[Claim], worker: str) -> ColumnElement[bool]:
    """Rows still held by ``worker`` under exactly these claims."""
    return and_(
        JOB.c.state == RUNNING,
        JOB.c.locked_by == worker,
        or_(*(and_(JOB.c.id == c.id, JOB.c.attempts == c.attempt) for c in claims)),
    )


def renew(
    session: Session, claims: Sequence[Claim], *, worker: str, lease_until: datetime
) -> set[int]:
    """Extend the lease of the claims still held; returns the ids that were renewed."""
    if not claims:
        return set()
    statement = (
        update(JOB).where(_held(claims, worker)).values(lease_until=lease_until).returning(JOB.c.id)
    )
    return set(session.scalars(statement))


def complete(session: Session, claim: Claim, *, worker: str, now: datetime) -> bool:
    """Mark the job done if this worker still holds it; returns whether it did."""
    statement = (
        update(JOB)
        .where(_held([claim], worker))
        .values(state=DONE, lease_until=None, finished_at=now)
    )
    return _changed(session.execute(statement))


def fail(
    session: Session,
    claim: Claim,
    *,
    worker: str,
    error: str,
    retry_at: datetime | None,
    now: datetime,
) -> bool:
    """Record a failed attempt: back to pending until ``retry_at``, or dead when it is ``None``."""
    if retry_at is None:
        values: dict[str, Any] = {"state": DEAD, "finished_at": now, "lease_until": None}
    else:
        values = {"state": PENDING, "due_at": retry_at, "lease_until": None, "locked_by": None}
    statement = update(JOB).where(_held([claim], worker)).values(last_error=error, **values)
    return _changed(session.execute(statement))


def release(session: Session, claims: Sequence[Claim], *, worker: str) -> int:
    """Hand unfinished claims back as pending (without spending an attempt); returns how many."""
    if not claims:
        return 0
    statement = (
        update(JOB)
        .where(_held(claims, worker))
        .values(state=PENDING, attempts=JOB.c.attempts - 1, lease_until=None, locked_by=None)
    )
    return int(getattr(session.execute(statement), "rowcount", 0))


def next_due(session: Session) -> datetime | None:
    """The earliest due time among pending jobs, if any."""
    return session.scalar(select(func.min(Job.due_at)).where(Job.state == PENDING))


def ensure_periodic(
    session: Session,
    periodic: Sequence[Periodic],
    *,
    now: datetime,
    max_attempts: int = PERIODIC_MAX_ATTEMPTS,
) -> list[Job]:
    """Give every periodic kind without a pending or running job its next run.

    The run is due at the start of the next period and keyed ``periodic:<kind>:<slot>``, so
    however many workers do this at once, each slot is scheduled once. Returns the jobs
    enqueued (or found under their key).
    """
    if not periodic:
        return []
    if session.get_bind().dialect.name == "postgresql":
        locked = session.scalar(select(func.pg_try_advisory_xact_lock(PERIODIC_LOCK)))
        if not locked:
            return []  # another worker is scheduling right now
    kinds = [item.kind for item in periodic]
    active = set(
        session.scalars(
            select(Job.kind)
            .where(Job.kind.in_(kinds), Job.state.in_((PENDING, RUNNING)))
            .distinct()
        )
    )
    scheduled = []
    for item in periodic:
        if item.kind in active:
            continue
        slot = periodic_slot(now, item.every) + 1
        job = enqueue(
            session,
            kind=item.kind,
            due_at=slot_start(slot, item.every),
            idempotency_key=periodic_key(item.kind, slot),
            max_attempts=max_attempts,
            now=now,
        )
        scheduled.append(job)
    return scheduled


def _changed(result: Any) -> bool:
    return bool(getattr(result, "rowcount", 0))
