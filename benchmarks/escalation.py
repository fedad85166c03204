"""Escalation benchmark: from an accepted alert to the e-mail, and escalation timers on time.

1. **Accept → e-mail.** A real SMTP server runs in this process. For each setup (SQLite:
   ``watchkeep run``; PostgreSQL: ``watchkeep serve`` and ``watchkeep worker``) it sends
   ``--alerts`` alerts to the generic webhook, ``--rate`` per second, each paging the one
   person of a one-level policy, and measures from the 202 answer to the e-mail accepted by
   the SMTP server (p50/p99).
2. **Timer lateness.** On PostgreSQL, ``--timers`` escalation runs wait on their level-1
   timers, due in an hour (pending); ``--measured`` of them are made due one after another
   over ``--spread`` seconds, and a ``watchkeep worker`` fires them (each pages level 2, whose
   e-mails go out meanwhile). Lateness is the step job's finish minus its due time
   (p50/p99) over the measured timers; each must step once, and no other timer may fire.

Prints JSON.

    .venv/bin/python -m benchmarks.escalation [--alerts 200] [--rate 10] [--timers 10000]
"""

import argparse
import email
import email.policy
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from benchmarks.api import free_port, fresh_database, percentile
from watchkeep.alert import ingest, sources
from watchkeep.alert.normalize import Signal
from watchkeep.auth import service as auth
from watchkeep.bootstrap import prepare
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.escalation import policies, runs
from watchkeep.escalation.models import EscalationRun
from watchkeep.jobs.models import DONE, Job
from watchkeep.models import metadata

TARGETS = {"accept_to_email_p99_s": 1.0, "timer_lateness_p99_s": 1.0}
LEAD_SECONDS = 15.0


class Inbox:
    """The SMTP server's handler: when each message arrived, by the alert it names."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        now = time.time()
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        found = re.search(r"ALR-\d+", str(message["Subject"]))
        with self.lock:
            self.count += 1
            if found:
                self.arrived.setdefault(found.group(0), now)
        return "250 OK"


def setup(db: Database, levels: int, minutes: int = 1) -> tuple[str, int]:
    """A person per level, a policy of ``levels`` levels of ``minutes``, a source using it."""
    metadata.drop_all(db.engine)
    prepare(db)
    with db.session() as session:
        now = utcnow()
        admin = auth.create_user(
            session, actor=None, now=now, email="admin@example.com", name="Admin", role="admin"
        )
        people = [
            auth.create_user(session, actor=None, now=now, email=f"p{n}@example.com", name=f"P{n}")
            for n in range(levels)
        ]
        actor = auth.actor_of(admin)
        policy = policies.create(
            session,
            actor=actor,
            now=now,
            name="Bench",
            levels=[
                {"minutes": minutes, "targets": [{"type": "user", "id": p.id}]} for p in people
            ],
        )
        source = sources.create(
            session,
            actor=actor,
            now=now,
            name="bench",
            kind="generic",
            escalation_policy_id=policy.id,
        )
        return source.integration_key, source.id


def environment(url: str, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "WATCHKEEP_DATABASE_URL": url,
        "WATCHKEEP_LOG_LEVEL": "warning",
        "WATCHKEEP_SMTP_HOST": "127.0.0.1",
        "WATCHKEEP_SMTP_PORT": str(smtp_port),
        "WATCHKEEP_DEMO_DATA": "false",
        "WATCHKEEP_SHIFT_NOTICE_MINUTES": "0",
        "WATCHKEEP_INGEST_EVENTS_PER_MINUTE": "100000000",
    }


def wait_ready(base: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready")


def accept_to_email(kind: str, alerts: int, rate: float) -> dict[str, Any]:
    db = fresh_database(kind, Path(tempfile.mkdtemp(prefix="wk-escalation-")))
    key, _ = setup(db, levels=1)
    url = db.url
    db.dispose()
    inbox = Inbox()
    smtp_port, port = free_port(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = environment(url, smtp_port)
    serve = ["run"] if kind == "sqlite" else ["serve"]
    command = [sys.executable, "-m", "watchkeep", *serve, "--port", str(port)]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)]
    if kind != "sqlite":
        worker = [sys.executable, "-m", "watchkeep", "worker"]
        processes.append(subprocess.Popen(worker, env=env, stdout=subprocess.DEVNULL))
    base = f"http://127.0.0.1:{port}"
    accepted: dict[str, float] = {}
    try:
        wait_ready(base)
        time.sleep(2)  # the worker's first poll and the similarity index
        with httpx.Client(base_url=base, timeout=30) as client:
            start = time.perf_counter()
            for n in range(alerts):
                time.sleep(max(0.0, start + n / rate - time.perf_counter()))
                body = {"title": f"Bench alert {n}", "dedup_key": f"bench-{n}"}
                response = client.post(f"/ingest/generic/{key}", json=body)
                done = time.time()
                if response.status_code == 202:
                    accepted[response.json()["alerts"][0]["alert"]] = done
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(inbox.arrived) < len(accepted):
            time.sleep(0.2)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        controller.stop()
    latencies = [inbox.arrived[ref] - at for ref, at in accepted.items() if ref in inbox.arrived]
    return {
        "database": kind,
        "alerts": alerts,
        "rate_per_s": rate,
        "accepted": len(accepted),
        "emailed": len(latencies),
        "emails_received": inbox.count,
        "p50_s": round(percentile(latencies, 0.5), 3) if latencies else None,
        "p99_s": round(percentile(latencies, 0.99), 3) if latencies else None,
        "max_s": round(max(latencies), 3) if latencies else None,
    }


def arm_timers(db: Database, source_id: int, timers: int, measured: int, spread: float) -> None:
    """``timers`` alerts with running escalations whose level-1 timers are pending (an hour
    away), ``measured`` of them made due one after another over ``spread`` seconds from
    LEAD_SECONDS on; nothing else queued."""
    with db.session() as session:
        source = sources.get(session, source_id=source_id)
        signals = [
            Signal(action="trigger", dedup_key=f"timer-{n}", title=f"Timer {n}")
            for n in range(timers)
        ]
        outcomes = ingest.accept(
            session, source=source, format="generic", body={}, signals=signals, now=utcnow()
        )
        for outcome in outcomes:
            if outcome.alert_id is not None:
                runs.start(session, alert_id=outcome.alert_id, now=utcnow())
    with db.session() as session:
        session.execute(Job.__table__.delete().where(Job.kind != runs.STEP))
        ids = list(session.scalars(select(Job.id).where(Job.kind == runs.STEP).order_by(Job.id)))
        first = utcnow() + timedelta(seconds=LEAD_SECONDS)
        for index, job_id in enumerate(ids[:measured]):
            due = first + timedelta(seconds=spread * index / max(1, measured))
            session.execute(update(Job).where(Job.id == job_id).values(due_at=due))


def timer_lateness(timers: int, measured: int, spread: float) -> dict[str, Any]:
    db = fresh_database("postgresql", Path(tempfile.mkdtemp(prefix="wk-timers-")))
    _, source_id = setup(db, levels=2, minutes=60)
    arm_timers(db, source_id, timers, measured, spread)
    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    worker = subprocess.Popen(
        [sys.executable, "-m", "watchkeep", "worker"],
        env=environment(db.url, smtp_port),
        stdout=subprocess.DEVNULL,
    )
    steps = select(func.count()).select_from(Job).where(Job.kind == runs.STEP, Job.state == DONE)
    try:
        deadline = time.monotonic() + LEAD_SECONDS + spread + 300
        while time.monotonic() < deadline:
            with db.session(write=False) as session:
                if (session.scalar(steps) or 0) >= measured:
                    break
            time.sleep(0.5)
        time.sleep(2)  # anything further that would (wrongly) fire
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        controller.stop()
    with db.session(write=False) as session:
        late = [
            (row.finished_at - row.due_at).total_seconds()
            for row in session.execute(
                select(Job.finished_at, Job.due_at).where(
                    Job.kind == runs.STEP, Job.state == DONE, Job.finished_at.is_not(None)
                )
            )
        ]
        stepped = session.scalar(
            select(func.count()).select_from(EscalationRun).where(EscalationRun.level == 1)
        )
        pending = session.scalar(
            select(func.count()).select_from(Job).where(Job.kind == runs.STEP, Job.state != DONE)
        )
    db.dispose()
    return {
        "timers_pending": timers,
        "measured": measured,
        "spread_s": spread,
        "fired": len(late),
        "stepped_to_level_2": stepped,
        "each_stepped_once": stepped == measured == len(late),
        "still_pending_after": pending,
        "level_2_emails": inbox.count,
        "p50_s": round(percentile(late, 0.5), 3) if late else None,
        "p99_s": round(percentile(late, 0.99), 3) if late else None,
        "max_s": round(max(late), 3) if late else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alerts", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--timers", type=int, default=10_000)
    parser.add_argument("--measured", type=int, default=300)
    parser.add_argument("--spread", type=float, default=60.0)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    latency = [accept_to_email(kind, args.alerts, args.rate) for kind in args.databases.split(",")]
    timers = timer_lateness(args.timers, args.measured, args.spread)
    report = {
        "benchmark": "escalation",
        "targets": TARGETS,
        "met": all(
            r["p99_s"] is not None and r["p99_s"] <= TARGETS["accept_to_email_p99_s"]
            for r in latency
        )
        and timers["p99_s"] is not None
        and timers["p99_s"] <= TARGETS["timer_lateness_p99_s"],
        "accept_to_email": latency,
        "timer_lateness": timers,
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
