"""One worker process for the e2e tests.

``python -m tests.e2e.job_worker_main URL NAME [--concurrency N] [--lease S] [--poll S]``
runs a :class:`Worker` with a test registry until SIGTERM. Kinds:

- ``record``: writes one ``run`` row to the run log;
- ``slow``: on its first attempt writes a ``start`` row and sleeps ``payload["seconds"]``
  (long enough to be killed in), then writes a ``run`` row.

It imports no test fixtures (``tests.conftest`` loads the whole app), to start quickly.
"""

import argparse
import logging
import signal
import threading
import time
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func, insert

from watchkeep.core.db import Database
from watchkeep.jobs.registry import JobContext, Registry
from watchkeep.jobs.worker import Worker

run_log_metadata = MetaData()

# One row per handler run (phase "run"), plus a "start" row for handlers that announce
# themselves before doing slow work. Kept apart from the job table on purpose.
run_log = Table(
    "job_run_log",
    run_log_metadata,
    Column("id", Integer, primary_key=True),
    Column("job_id", Integer, nullable=False, index=True),
    Column("worker", String(100), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("phase", String(10), nullable=False),
    Column("at", DateTime, nullable=False, server_default=func.current_timestamp()),
)


def record_run(db: Database, ctx: JobContext, *, worker: str, phase: str = "run") -> None:
    """Write one run log row in a transaction of its own, as a real handler would."""
    with db.session() as session:
        session.execute(
            insert(run_log).values(
                job_id=ctx.job_id, worker=worker, attempt=ctx.attempt, phase=phase
            )
        )


def build_registry(worker: str) -> Registry:
    """The test kinds, recording under the worker's name."""

    def record(ctx: JobContext, _payload: dict[str, Any]) -> None:
        record_run(ctx.db, ctx, worker=worker)

    def slow(ctx: JobContext, payload: dict[str, Any]) -> None:
        if ctx.attempt == 1:
            record_run(ctx.db, ctx, worker=worker, phase="start")
            time.sleep(float(payload["seconds"]))
        record_run(ctx.db, ctx, worker=worker)

    registry = Registry()
    registry.add("record", record)
    registry.add("slow", slow)
    return registry


def main() -> None:
    """Parse the arguments and run the worker until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("name")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--lease", type=float, default=30.0)
    parser.add_argument("--poll", type=float, default=0.5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    db = Database(args.url)
    worker = Worker(
        db,
        build_registry(args.name),
        concurrency=args.concurrency,
        poll_seconds=args.poll,
        lease_seconds=args.lease,
        name=args.name,
        shutdown_seconds=5.0,
    )
    try:
        worker.run(stop)
    finally:
        db.dispose()


if __name__ == "__main__":
    main()
