"""Enqueue, list and retry jobs. Jobs join the caller's transaction and run after commit."""

import threading
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from watchkeep.core.clock import utcnow
from watchkeep.core.db import after_commit
from watchkeep.core.errors import Conflict, NotFound
from watchkeep.jobs.models import DEAD, DONE, PENDING, Job

NOTIFY_CHANNEL = "watchkeep_jobs"

# Wakes workers in this process right after a commit that enqueued work; workers in other
# processes hear PostgreSQL's NOTIFY or find the job on their next poll.
wakeup = threading.Event()


def enqueue(
    session: Session,
    *,
    kind: str,
    payload: dict[str, Any] | None = None,
    due_at: datetime | None = None,
    idempotency_key: str | None = None,
    max_attempts: int = 8,
    now: datetime | None = None,
) -> Job:
    """Add a job to the caller's transaction; it becomes visible to workers on commit.

    With an ``idempotency_key`` a second enqueue returns the existing job instead.
    """
    now = now or utcnow()
    if idempotency_key is not None:
        existing = find_by_key(session, idempotency_key=idempotency_key)
        if existing is not None:
            return existing
    job = Job(
        kind=kind,
        payload=payload or {},
        state=PENDING,
        due_at=due_at or now,
        max_attempts=max_attempts,
        idempotency_key=idempotency_key,
        created_at=now,
    )
    if idempotency_key is None:
        session.add(job)  # nothing to clash with: no savepoint needed
        session.flush()
    else:
        try:
            with session.begin_nested():
                session.add(job)
        except IntegrityError:
            existing = find_by_key(session, idempotency_key=idempotency_key)
            if existing is None:
                raise
            return existing
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
    after_commit(session, wakeup.set)
    return job


def enqueue_many(
    session: Session, *, kind: str, payloads: list[dict[str, Any]], now: datetime | None = None
) -> None:
    """Add one job of ``kind`` per payload, due now, in one statement (no idempotency keys:
    for many jobs that cannot clash, such as one event per new alert)."""
    if not payloads:
        return
    now = now or utcnow()
    rows = [
        {
            "kind": kind,
            "payload": payload,
            "state": PENDING,
            "due_at": now,
            "attempts": 0,
            "max_attempts": 8,
            "created_at": now,
        }
        for payload in payloads
    ]
    session.execute(insert(cast(Table, Job.__table__)), rows)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
    after_commit(session, wakeup.set)


def find_by_key(session: Session, *, idempotency_key: str) -> Job | None:
    return session.scalar(select(Job).where(Job.idempotency_key == idempotency_key))


def cancel(session: Session, *, idempotency_key: str, now: datetime | None = None) -> bool:
    """Cancel a pending job (a timer that is no longer wanted). Returns whether one was."""
    result = session.execute(
        update(Job)
        .where(Job.idempotency_key == idempotency_key, Job.state == PENDING)
        .values(state=DONE, finished_at=now or utcnow(), last_error="canceled")
    )
    return bool(getattr(result, "rowcount", 0))


def get(session: Session, *, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"job {job_id} does not exist")
    return job


def list_jobs(session: Session, *, state: str | None = None, limit: int = 100) -> list[Job]:
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if state:
        query = query.where(Job.state == state)
    return list(session.scalars(query))


def retry(session: Session, *, job_id: int, now: datetime | None = None) -> Job:
    """Give a dead job a fresh set of attempts, due now."""
    job = get(session, job_id=job_id)
    if job.state != DEAD:
        raise Conflict(f"job {job_id} is {job.state}; only dead jobs can be retried")
    job.state = PENDING
    job.attempts = 0
    job.due_at = now or utcnow()
    job.lease_until = None
    job.locked_by = None
    session.flush()
    after_commit(session, wakeup.set)
    return job
