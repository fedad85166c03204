"""The job runner: claims due jobs, runs their handlers in a thread pool, records the outcome.

A claim is a lease (``lease_until``, ``locked_by``) that the worker renews while the handler
runs; a worker that dies simply stops renewing, and another worker re-claims the job once the
lease has expired. Delivery is therefore at least once: handlers must be idempotent.
"""

import logging
import os
import secrets
import socket
import threading
import time
from datetime import datetime, timedelta
from types import SimpleNamespace

from sqlalchemy.exc import SQLAlchemyError

from watchkeep.core.clock import Clock, utcnow
from watchkeep.core.db import Database
from watchkeep.jobs.claim import Claim, claim_due, complete, fail, next_due, release, renew
from watchkeep.jobs.periodic import ensure_periodic
from watchkeep.jobs.policy import Backoff, error_line, outage_line, retry_at
from watchkeep.jobs.pool import ThreadPool
from watchkeep.jobs.registry import JobContext, Registry
from watchkeep.jobs.wait import Waiter

log = logging.getLogger(__name__)

# Never spin: even when a job is due "now" an idle loop sleeps this long.
MIN_WAIT_SECONDS = 0.02
# After database errors in a row the loop waits longer and longer before trying again.
OUTAGE_BACKOFF = Backoff(base_seconds=0.5, cap_seconds=15.0)
# Expired leases are rare (a worker died): look for them at most this often, not on every
# claim, which saves a statement per claim on a busy worker.
EXPIRED_CHECK_SECONDS = 1.0


def default_name() -> str:
    """A worker name unique to this process: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[:100]


class Worker:
    """Runs the jobs of ``registry`` from ``db`` until told to stop.

    ``state`` is handed to every handler (``ctx.state``): the components its handlers need
    beyond the database, built by whoever builds the worker.
    """

    def __init__(
        self,
        db: Database,
        registry: Registry,
        *,
        concurrency: int = 2,
        poll_seconds: float = 0.5,
        lease_seconds: float = 60.0,
        name: str | None = None,
        shutdown_seconds: float = 30.0,
        backoff: Backoff | None = None,
        clock: Clock = utcnow,
        state: SimpleNamespace | None = None,
    ) -> None:
        if concurrency < 1 or poll_seconds <= 0 or lease_seconds <= 0:
            raise ValueError("concurrency, poll_seconds and lease_seconds must be positive")
        self.db = db
        self.registry = registry
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self.lease_seconds = lease_seconds
        self.name = name or default_name()
        self.shutdown_seconds = shutdown_seconds
        self.backoff = backoff or Backoff()
        self.clock = clock
        self.state = state if state is not None else SimpleNamespace()
        # Renew well before expiry, so that one slow renewal does not lose a lease.
        self.heartbeat_seconds = lease_seconds / 3
        self._inflight: dict[int, Claim] = {}
        self._changed = threading.Condition()
        self._waiter: Waiter | None = None

    def run(self, stop: threading.Event) -> None:
        """Claim and run jobs until ``stop`` is set, then shut down gracefully.

        On stop: claim nothing more, wait up to ``shutdown_seconds`` for running handlers,
        and hand the claims of those still running back as pending.
        """
        waiter = Waiter(self.db, stop)
        self._waiter = waiter
        waiter.start()
        pool: ThreadPool[Claim] = ThreadPool(self.concurrency, self._execute)
        log.info("worker %s started (concurrency %d)", self.name, self.concurrency)
        try:
            self._loop(stop, pool, waiter)
        finally:
            self._shutdown()
            pool.close()
            waiter.close()
            self._waiter = None
            log.info("worker %s stopped", self.name)

    def run_due(self) -> int:
        """Claim and run every job due now, one by one in this thread; returns how many ran.

        For tests and one-off runs: no pool, no heartbeat, no waiting.
        """
        ran = 0
        while claims := self._claim(1)[0]:
            for claim in claims:
                self._execute(claim)
                ran += 1
        return ran

    def inflight(self) -> list[Claim]:
        """The claims whose handlers are running right now."""
        with self._changed:
            return list(self._inflight.values())

    def _loop(self, stop: threading.Event, pool: ThreadPool[Claim], waiter: Waiter) -> None:
        next_beat = time.monotonic() + self.heartbeat_seconds
        next_expired_check = 0.0
        failures = 0  # database errors in a row
        while not stop.is_set():
            timeout = self.poll_seconds
            try:
                free = self.concurrency - len(self.inflight())
                if free > 0:
                    reclaim_expired = time.monotonic() >= next_expired_check
                    claims, upcoming = self._claim(free, reclaim_expired=reclaim_expired)
                    if reclaim_expired:
                        next_expired_check = time.monotonic() + EXPIRED_CHECK_SECONDS
                    for claim in claims:
                        with self._changed:
                            self._inflight[claim.id] = claim
                        pool.submit(claim)
                    if len(claims) < free and upcoming is not None:
                        until_due = (upcoming - self.clock()).total_seconds()
                        timeout = min(timeout, until_due)
                if time.monotonic() >= next_beat:
                    self._heartbeat()
                    next_beat = time.monotonic() + self.heartbeat_seconds
            except SQLAlchemyError as exc:
                # One line when the database goes away and one when it is back, not a
                # traceback per try; the tries back off up to OUTAGE_BACKOFF's cap.
                failures += 1
                if failures == 1:
                    log.warning(
                        "worker %s: database unavailable, retrying (%s)",
                        self.name,
                        outage_line(exc),
                    )
                waiter.wait(OUTAGE_BACKOFF.delay(failures))
                continue
            if failures:
                log.warning("worker %s: database back after %d failed tries", self.name, failures)
                failures = 0
            timeout = min(timeout, next_beat - time.monotonic())
            waiter.wait(max(timeout, MIN_WAIT_SECONDS))

    def _claim(
        self, limit: int, *, reclaim_expired: bool = True
    ) -> tuple[list[Claim], datetime | None]:
        """Schedule periodic jobs and claim up to ``limit`` jobs in one transaction; with
        ``reclaim_expired`` (the loop asks at most once a second) also re-claim expired leases.

        The runner's own writes (claims, outcomes, renewals) are not durable commits: lost
        in a server crash they are redone (the job runs again), never wrong.

        Also returns the next due time among pending jobs when fewer than ``limit`` were
        found (the loop sleeps until then at most), else ``None``.
        """
        now = self.clock()
        with self.db.session(durable=False) as session:
            ensure_periodic(session, self.registry.periodic, now=now)
            claims = claim_due(
                session,
                worker=self.name,
                limit=limit,
                lease_seconds=self.lease_seconds,
                now=now,
                reclaim_expired=reclaim_expired,
            )
            upcoming = next_due(session) if len(claims) < limit else None
        for claim in claims:
            log.debug("worker %s claimed job %d (%s)", self.name, claim.id, claim.kind)
        return claims, upcoming

    def _execute(self, claim: Claim) -> None:
        """Run the handler for ``claim`` and record the outcome (a pool thread's task)."""
        try:
            handler = self.registry.handler_for(claim.kind)
            if handler is None:
                self._record_failure(claim, f"no handler for kind {claim.kind}")
                return
            context = JobContext(
                self.db, claim.id, claim.kind, claim.attempt, self.clock(), state=self.state
            )
            try:
                handler(context, claim.payload)
            except Exception as exc:
                log.warning("job %d (%s) failed", claim.id, claim.kind, exc_info=True)
                self._record_failure(claim, error_line(exc))
            else:
                self._record_success(claim)
        except SQLAlchemyError:
            # The outcome is lost with the connection; the lease expires and the job reruns.
            log.exception("job %d: could not record the outcome", claim.id)
        finally:
            with self._changed:
                self._inflight.pop(claim.id, None)
                self._changed.notify_all()
            waiter = self._waiter
            if waiter is not None:
                waiter.poke()

    def _record_success(self, claim: Claim) -> None:
        with self.db.session(durable=False) as session:
            recorded = complete(session, claim, worker=self.name, now=self.clock())
        if not recorded:
            log.warning("job %d finished after its lease was taken over; not recorded", claim.id)

    def _record_failure(self, claim: Claim, error: str) -> None:
        now = self.clock()
        when = retry_at(
            self.backoff, attempt=claim.attempt, max_attempts=claim.max_attempts, now=now
        )
        with self.db.session(durable=False) as session:
            recorded = fail(session, claim, worker=self.name, error=error, retry_at=when, now=now)
        if not recorded:
            log.warning("job %d failed after its lease was taken over; not recorded", claim.id)
        elif when is None:
            log.error("job %d (%s) is dead: %s", claim.id, claim.kind, error)

    def _heartbeat(self) -> None:
        claims = self.inflight()
        if not claims:
            return
        lease_until = self.clock() + timedelta(seconds=self.lease_seconds)
        with self.db.session(durable=False) as session:
            renewed = renew(session, claims, worker=self.name, lease_until=lease_until)
        still_running = {claim.id for claim in self.inflight()}
        for claim in claims:
            if claim.id not in renewed and claim.id in still_running:
                log.warning("worker %s lost the lease on job %d", self.name, claim.id)

    def _shutdown(self) -> None:
        deadline = time.monotonic() + self.shutdown_seconds
        next_beat = time.monotonic() + self.heartbeat_seconds
        while (left := deadline - time.monotonic()) > 0:
            with self._changed:
                if not self._inflight:
                    return
                self._changed.wait(min(left, max(next_beat - time.monotonic(), MIN_WAIT_SECONDS)))
            if time.monotonic() >= next_beat:
                try:
                    self._heartbeat()
                except SQLAlchemyError:
                    log.exception("worker %s: heartbeat failed during shutdown", self.name)
                next_beat = time.monotonic() + self.heartbeat_seconds
        unfinished = self.inflight()
        if not unfinished:
            return
        try:
            with self.db.session(durable=False) as session:
                released = release(session, unfinished, worker=self.name)
        except SQLAlchemyError:
            log.exception("worker %s could not release its claims; they expire", self.name)
            return
        log.warning("worker %s released %d unfinished job(s)", self.name, released)
