"""``watchkeep worker``: run background jobs and timers until told to stop."""

import logging
import os
import signal
import threading
from types import FrameType

import typer

from watchkeep.app.components import similarity_index, worker_state
from watchkeep.app.tasks import build_registry
from watchkeep.cli.context import open_database, settings
from watchkeep.cli.output import console
from watchkeep.jobs.worker import Worker

log = logging.getLogger(__name__)


def install_stop_handlers(stop: threading.Event) -> None:
    """SIGTERM and SIGINT set ``stop`` (a graceful shutdown); a second one exits at once.

    Exiting at once loses nothing: the jobs still running come back when their lease expires.
    """

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            log.warning("second %s: exiting without waiting", signal.Signals(signum).name)
            os._exit(1)
        log.info("%s: finishing running jobs, then stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)


def worker(
    concurrency: int | None = typer.Option(
        None,
        "--concurrency",
        "-c",
        min=1,
        help="Jobs run at once (default: the worker_concurrency setting)",
    ),
) -> None:
    """Run background jobs and timers until SIGTERM or Ctrl-C."""
    config = settings()
    logging.basicConfig(
        level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    db = open_database()
    similarity = similarity_index(db, config)
    runner = Worker(
        db,
        build_registry(),
        concurrency=concurrency or config.worker_concurrency,
        poll_seconds=config.job_poll_seconds,
        lease_seconds=config.job_lease_seconds,
        state=worker_state(similarity=similarity, settings=config),
    )
    stop = threading.Event()
    install_stop_handlers(stop)
    console.print(
        f"worker [bold]{runner.name}[/bold] running {runner.concurrency} job(s) at once; "
        "Ctrl-C to stop"
    )
    try:
        runner.run(stop)
    finally:
        db.dispose()
