"""Several worker processes on one database, on SQLite and on PostgreSQL.

Each process runs ``python -m tests.e2e.job_worker_main``; its handlers write to the
``job_run_log`` table, so that the test can count how often each job really ran.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine
from tests.e2e.job_worker_main import run_log
from tests.e2e.jobs_support import clear, dedicated_engine

from watchkeep.core.db import Database
from watchkeep.jobs import service as jobs
from watchkeep.jobs.models import DEAD, DONE, PENDING, Job

ROOT = Path(__file__).resolve().parents[2]
JOB_COUNT = 2_000
BATCH = 300


class Workers:
    """Worker processes started for one test, each logging to a file of its own."""

    def __init__(self, url: str, log_dir: Path) -> None:
        self.url = url
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *options: str) -> None:
        log = (self.log_dir / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.job_worker_main", self.url, name, *options],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def stop(self, timeout: float = 20.0) -> dict[str, int]:
        """SIGTERM every live worker and wait for it: name -> exit code."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = {}
        for name, process in self.processes.items():
            try:
                codes[name] = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                codes[name] = process.wait()
        return codes

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.log_dir.glob("*.log"))
        )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def e2e_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    engine = dedicated_engine(request.param, tmp_path_factory.mktemp("e2e"), "e2e")
    yield engine
    engine.dispose()


@pytest.fixture
def db(e2e_engine: Engine) -> Database:
    clear(e2e_engine)
    return Database(str(e2e_engine.url), engine=e2e_engine)


@pytest.fixture
def workers(db: Database, tmp_path: Path) -> Iterator[Workers]:
    group = Workers(db.engine.url.render_as_string(hide_password=False), tmp_path)
    yield group
    group.stop()


def wait_for(condition: Callable[[], bool], timeout: float, workers: Workers) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not done within {timeout}s\n{workers.logs()}")
        time.sleep(0.2)


def count_done(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Job).where(Job.state == DONE)) or 0


def enqueue_batches(db: Database, count: int) -> set[int]:
    """Add ``count`` jobs in several transactions; every third is a timer due within 1.2 s.

    One multi-row INSERT per batch, then what ``enqueue`` adds on PostgreSQL (NOTIFY), so
    that the test process leaves the CPU to the workers.
    """
    ids: set[int] = set()
    for start in range(0, count, BATCH):
        now = datetime.now(UTC)
        rows = [
            {
                "kind": "record",
                "payload": {"n": n},
                "state": PENDING,
                "due_at": now + timedelta(seconds=(n % 7) / 5) if n % 3 == 0 else now,
                "attempts": 0,
                "max_attempts": 3,
                "created_at": now,
            }
            for n in range(start, min(start + BATCH, count))
        ]
        with db.engine.begin() as connection:
            ids.update(connection.scalars(insert(Job).returning(Job.id), rows))
            if not db.is_sqlite:
                connection.execute(text(f"NOTIFY {jobs.NOTIFY_CHANNEL}"))
    return ids


def test_many_jobs_over_several_workers_each_run_exactly_once(
    db: Database, workers: Workers
) -> None:
    for name in ("w1", "w2", "w3"):
        workers.start(name, "--concurrency", "4", "--poll", "0.2")
    started = time.monotonic()
    ids = enqueue_batches(db, JOB_COUNT)

    wait_for(lambda: count_done(db) == JOB_COUNT, timeout=45, workers=workers)
    elapsed = time.monotonic() - started
    codes = workers.stop()

    assert codes == {"w1": 0, "w2": 0, "w3": 0}, workers.logs()
    with db.session() as session:
        runs = session.execute(select(run_log.c.job_id, run_log.c.worker)).all()
        states = session.execute(select(Job.state, Job.attempts).distinct()).all()
    ran = [job_id for job_id, _ in runs]
    assert len(ran) == JOB_COUNT  # none ran twice ...
    assert set(ran) == ids  # ... and none was lost
    assert states == [(DONE, 1)]
    assert len({worker for _, worker in runs}) >= 2, "the work was shared"
    print(f"{JOB_COUNT} jobs on {db.engine.dialect.name} in {elapsed:.1f}s")


def test_a_killed_workers_job_is_reclaimed_after_its_lease(db: Database, workers: Workers) -> None:
    lease = 2.0
    for name in ("w1", "w2"):
        workers.start(name, "--concurrency", "2", "--poll", "0.2", "--lease", str(lease))
    with db.session() as session:
        job_id = jobs.enqueue(session, kind="slow", payload={"seconds": 60}).id

    def starter() -> str | None:
        with db.session() as session:
            return session.scalar(select(run_log.c.worker).where(run_log.c.phase == "start"))

    wait_for(lambda: starter() is not None, timeout=20, workers=workers)
    victim = starter()
    assert victim is not None
    survivor = "w2" if victim == "w1" else "w1"
    workers.processes[victim].send_signal(signal.SIGKILL)
    killed_at = time.monotonic()

    with db.session() as session:
        assert jobs.get(session, job_id=job_id).state == "running"
    wait_for(lambda: count_done(db) == 1, timeout=lease + 10, workers=workers)
    recovered_after = time.monotonic() - killed_at

    with db.session() as session:
        job = jobs.get(session, job_id=job_id)
        runs = session.execute(
            select(run_log.c.worker, run_log.c.attempt, run_log.c.phase).order_by(run_log.c.id)
        ).all()
    assert (job.attempts, job.locked_by) == (2, survivor)
    assert runs == [(victim, 1, "start"), (survivor, 2, "run")]
    # The lease was renewed at most a third of it before the kill; allow generous scheduling.
    assert lease / 2 <= recovered_after < lease + 5
    assert workers.stop()[victim] == -signal.SIGKILL


def test_the_worker_command_runs_jobs_and_stops_on_sigterm(db: Database, tmp_path: Path) -> None:
    with db.session() as session:
        job_id = jobs.enqueue(session, kind="no.such.kind", max_attempts=1).id
    env = {
        **os.environ,
        "WATCHKEEP_DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
        "WATCHKEEP_JOB_POLL_SECONDS": "0.2",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "watchkeep", "worker", "--concurrency", "1"],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            with db.session() as session:
                job = jobs.get(session, job_id=job_id)
            if job.state == DEAD or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    output = log_path.read_text(errors="replace")
    assert job.state == DEAD, output
    assert job.last_error == "no handler for kind no.such.kind"
    assert code == 0, output
    assert "finishing running jobs, then stopping" in output
