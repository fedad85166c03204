"""Periodic jobs: each registered kind always has its next run scheduled, exactly once."""

import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from watchkeep.jobs.models import DONE, PENDING, RUNNING, Job
from watchkeep.jobs.policy import periodic_key, periodic_prefix, periodic_slot, slot_start
from watchkeep.jobs.registry import Periodic
from watchkeep.jobs.service import enqueue

# Periodic runs fail fast: the next period runs the same work again anyway.
PERIODIC_MAX_ATTEMPTS = 3

# One PostgreSQL advisory lock serialises periodic scheduling across workers, so that two
# workers whose clocks straddle a period boundary cannot each schedule a different slot.
PERIODIC_LOCK = zlib.crc32(b"watchkeep:periodic")

DONE_RUNS_KEPT = timedelta(days=1)
"""How long a periodic kind's successful runs stay in the job table (a run every few seconds
would otherwise add millions of rows a year); failed runs stay until someone looks."""


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
    enqueued (or found under their key). A kind given its next run also loses its successful
    runs due more than `DONE_RUNS_KEPT` ago.
    """
    if not periodic:
        return []
    next_slots = {item.kind: periodic_slot(now, item.every) + 1 for item in periodic}
    keys = {periodic_key(kind, slot) for kind, slot in next_slots.items()}
    # The usual case, answered from the unique index: every next run already exists.
    known = set(session.scalars(select(Job.idempotency_key).where(Job.idempotency_key.in_(keys))))
    missing = [
        item for item in periodic if periodic_key(item.kind, next_slots[item.kind]) not in known
    ]
    if not missing:
        return []
    if session.get_bind().dialect.name == "postgresql":
        locked = session.scalar(select(func.pg_try_advisory_xact_lock(PERIODIC_LOCK)))
        if not locked:
            return []  # another worker is scheduling right now
    active = set(
        session.scalars(
            select(Job.kind)
            .where(Job.kind.in_([item.kind for item in missing]), Job.state.in_((PENDING, RUNNING)))
            .distinct()
        )
    )
    scheduled = []
    for item in missing:
        if item.kind in active:
            continue
        slot = next_slots[item.kind]
        job = enqueue(
            session,
            kind=item.kind,
            due_at=slot_start(slot, item.every),
            idempotency_key=periodic_key(item.kind, slot),
            max_attempts=max_attempts,
            now=now,
        )
        scheduled.append(job)
        session.execute(
            delete(Job).where(
                Job.state == DONE,
                Job.due_at < now - DONE_RUNS_KEPT,
                Job.kind == item.kind,
                Job.idempotency_key.startswith(periodic_prefix(item.kind), autoescape=True),
            )
        )
    return scheduled
