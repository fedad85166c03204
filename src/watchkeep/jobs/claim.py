"""The runner's writes to the job table: claim, renew, complete, fail, release.

Every write after the claim is lease-safe: it only touches the row while this worker still
holds the claim it made (same ``locked_by``, same attempt, still running), so a worker whose
lease was taken over cannot overwrite the new owner's state.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, func, or_, select, update
from sqlalchemy.orm import Session

from watchkeep.jobs.models import DEAD, DONE, PENDING, RUNNING, Job

JOB = cast(Table, Job.__table__)

LEASE_EXPIRED = "lease expired: the worker running the previous attempt stopped or hung"
LOST_ON_LAST_ATTEMPT = (
    "lease expired on the last of {max_attempts} attempts: the worker running it stopped or hung"
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
    session: Session,
    *,
    worker: str,
    limit: int,
    lease_seconds: float,
    now: datetime,
    reclaim_expired: bool = True,
) -> list[Claim]:
    """Claim up to ``limit`` jobs: first those whose lease expired, then due ones, oldest first.

    PostgreSQL skips rows another worker is claiming (``FOR UPDATE SKIP LOCKED``); SQLite
    holds the write lock for the whole transaction (``BEGIN IMMEDIATE``), and ignores the
    ``FOR UPDATE``. A re-claimed job that has used all its attempts is moved to dead. With
    ``reclaim_expired=False`` only pending jobs are claimed.
    """
    lease_until = now + timedelta(seconds=lease_seconds)
    # Two statements rather than one with OR: each one walks the (state, due_at) index
    # instead of scanning a job table that keeps every finished job.
    expired = _take(
        session,
        and_(JOB.c.state == RUNNING, JOB.c.lease_until < now),
        limit=limit if reclaim_expired else 0,
        values={"locked_by": worker, "lease_until": lease_until, "last_error": LEASE_EXPIRED},
    )
    for claim in expired:
        if claim.attempt > claim.max_attempts:
            _bury_lost(session, claim, now=now)
    claims = [claim for claim in expired if claim.attempt <= claim.max_attempts]
    claims += _take(
        session,
        and_(JOB.c.state == PENDING, JOB.c.due_at <= now),
        limit=limit - len(claims),
        values={"locked_by": worker, "lease_until": lease_until},
    )
    return sorted(claims, key=lambda claim: (claim.due_at, claim.id))


def _take(
    session: Session, condition: ColumnElement[bool], *, limit: int, values: dict[str, Any]
) -> list[Claim]:
    if limit <= 0:
        return []
    ids = (
        select(JOB.c.id)
        .where(condition)
        .order_by(JOB.c.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(JOB)
        .where(JOB.c.id.in_(ids))
        .values(state=RUNNING, attempts=JOB.c.attempts + 1, **values)
        .returning(
            JOB.c.id, JOB.c.kind, JOB.c.payload, JOB.c.attempts, JOB.c.max_attempts, JOB.c.due_at
        )
    )
    return [
        Claim(row.id, row.kind, row.payload or {}, row.attempts, row.max_attempts, row.due_at)
        for row in session.execute(statement)
    ]


def _bury_lost(session: Session, claim: Claim, *, now: datetime) -> None:
    message = LOST_ON_LAST_ATTEMPT.format(max_attempts=claim.max_attempts)
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


def _changed(result: Any) -> bool:
    return bool(getattr(result, "rowcount", 0))
