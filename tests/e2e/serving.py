"""A real Watchkeep server for the browser tests: uvicorn and a job worker in threads of the
test process, on a database the caller prepared."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from sqlalchemy import func, or_, select

from watchkeep.app.components import similarity_index, worker_state
from watchkeep.app.factory import create_app
from watchkeep.app.tasks import build_registry
from watchkeep.core.clock import Clock, utcnow
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings
from watchkeep.jobs.models import PENDING, RUNNING, Job
from watchkeep.jobs.worker import Worker

START_SECONDS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(
    settings: Settings, db: Database, *, port: int | None = None, clock: Clock = utcnow
) -> Iterator[str]:
    """Serve ``db`` until the block ends; yields the server's base URL.

    The worker keeps the stored similarity index that the app reads, as in ``watchkeep run``.
    ``clock`` is the worker's (a test moves it on to make timers due).
    """
    similarity = similarity_index(db, settings)
    stop = threading.Event()
    worker = Worker(
        db,
        build_registry(),
        poll_seconds=0.2,
        clock=clock,
        state=worker_state(similarity=similarity, settings=settings),
    )
    worker_thread = threading.Thread(target=worker.run, args=(stop,), name="worker", daemon=True)
    worker_thread.start()
    config = uvicorn.Config(
        create_app(settings, db=db, similarity=similarity),
        host="127.0.0.1",
        port=port or free_port(),
        log_level="warning",
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        stop.set()
        worker_thread.join(timeout=10)


def settle(db: Database, timeout: float = START_SECONDS) -> None:
    """Wait until the worker has run every job that is due (known-error matches, the index),
    so that the pages show what the data leads to, not a moment before."""
    busy = select(func.count()).where(
        or_(Job.state == RUNNING, (Job.state == PENDING) & (Job.due_at <= utcnow()))
    )
    deadline = time.monotonic() + timeout
    while True:
        with db.session() as session:
            if not session.scalar(busy):
                return
        if time.monotonic() > deadline:
            pytest.fail("the job worker did not run the due jobs")
        time.sleep(0.1)
