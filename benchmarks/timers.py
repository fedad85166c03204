"""Timer burst benchmark: 1,000 status-update reminders due at the same instant.

Seeds live incidents on PostgreSQL, makes each one's next status update due at one instant
with its reminder job, starts ``watchkeep worker`` processes, and reports how late the
reminders fired (job finished minus due time: p50/p95/p99/max) for several worker setups,
and that each fired exactly once (one reminder entry per incident). Prints JSON.

    .venv/bin/python -m benchmarks.timers [--timers 1000] [--setups 1x2,1x8,2x8]

A setup ``PxC`` is P worker processes with C jobs at once each.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text, update

from benchmarks import bulk
from benchmarks.api import fresh_database, percentile
from watchkeep.bootstrap import prepare
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.incident.models import Incident, TimelineEntry
from watchkeep.incident.updates import UPDATE_DUE
from watchkeep.jobs.models import DONE, Job
from watchkeep.jobs.service import enqueue
from watchkeep.models import metadata

# Time for the worker processes to start before the burst is due.
LEAD_SECONDS = 12.0
FIRE_TIMEOUT_SECONDS = 180.0


def arm(db: Database, timers: int) -> list[int]:
    """Make ``timers`` live incidents' next updates due at one instant, each with its
    reminder job, and nothing else queued; returns the incidents' ids."""
    due = utcnow() + timedelta(seconds=LEAD_SECONDS)
    with db.session() as session:
        session.execute(text("DELETE FROM job"))
        session.execute(text("DELETE FROM timeline_entry WHERE kind = 'update_reminder'"))
        ids = list(session.scalars(select(Incident.id).order_by(Incident.id).limit(timers)))
        session.execute(
            update(Incident)
            .where(Incident.id.in_(ids))
            .values(status="investigating", next_update_at=due)
        )
        for incident_id in ids:
            enqueue(
                session,
                kind=UPDATE_DUE,
                payload={"incident_id": incident_id, "due_at": due.isoformat()},
                due_at=due,
            )
    return ids


def fire(db: Database, processes: int, concurrency: int, timers: int) -> dict[str, Any]:
    env = {**os.environ, "WATCHKEEP_DATABASE_URL": str(db.url), "WATCHKEEP_LOG_LEVEL": "warning"}
    command = [sys.executable, "-m", "watchkeep", "worker", "--concurrency", str(concurrency)]
    workers = [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL) for _ in range(processes)
    ]
    finished = (
        select(func.count()).select_from(Job).where(Job.kind == UPDATE_DUE, Job.state == DONE)
    )
    try:
        deadline = time.monotonic() + LEAD_SECONDS + FIRE_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            with db.session(write=False) as session:
                if session.scalar(finished) == timers:
                    break
            time.sleep(0.5)
        else:
            raise RuntimeError("the reminders did not all fire in time")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
    with db.session(write=False) as session:
        late = [
            (row.finished_at - row.due_at).total_seconds()
            for row in session.execute(
                select(Job.finished_at, Job.due_at).where(Job.kind == UPDATE_DUE)
            )
        ]
        reminders = session.execute(
            select(TimelineEntry.incident_id, func.count())
            .where(TimelineEntry.kind == "update_reminder")
            .group_by(TimelineEntry.incident_id)
        ).all()
    return {
        "processes": processes,
        "concurrency": concurrency,
        "lateness_p50_s": round(percentile(late, 0.5), 2),
        "lateness_p95_s": round(percentile(late, 0.95), 2),
        "lateness_p99_s": round(percentile(late, 0.99), 2),
        "lateness_max_s": round(max(late), 2),
        "fired_exactly_once": len(reminders) == timers and all(n == 1 for _, n in reminders),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timers", type=int, default=1000)
    parser.add_argument("--setups", default="1x2,1x8,2x8", help="PROCESSESxCONCURRENCY, ...")
    args = parser.parse_args()
    db = fresh_database("postgresql", Path(tempfile.mkdtemp(prefix="wk-timers-")))
    metadata.drop_all(db.engine)
    prepare(db)
    bulk.seed(db, incidents=args.timers)
    results = []
    for setup in args.setups.split(","):
        processes, concurrency = (int(n) for n in setup.split("x"))
        arm(db, args.timers)
        results.append(fire(db, processes, concurrency, args.timers))
    db.dispose()
    report = {
        "benchmark": "timers",
        "target": f"a burst of {args.timers} reminders fires with p99 lateness <= 3 s",
        "results": results,
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
