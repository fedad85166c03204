"""Serve Watchkeep: ``serve`` (web UI and API) and ``run`` (with demo data and a worker).

The only commands that import the web application (``create_app``) and uvicorn.
"""

import threading

import typer
import uvicorn

from watchkeep import demo
from watchkeep.app.components import similarity_index, worker_state
from watchkeep.app.factory import create_app
from watchkeep.app.tasks import build_registry
from watchkeep.bootstrap import prepare
from watchkeep.cli.context import open_database, settings
from watchkeep.cli.database import print_login
from watchkeep.jobs.worker import Worker

APP_FACTORY = "watchkeep.app.factory:create_app"


def serve(
    host: str = typer.Option(None, help="Listen address (default WATCHKEEP_HOST)"),
    port: int = typer.Option(None, help="Port (default WATCHKEEP_PORT)"),
    workers: int = typer.Option(
        1,
        "--workers",
        "-w",
        min=1,
        help="Server processes sharing the port, under a supervisor that restarts any that "
        "dies (1: serve in this process)",
    ),
) -> None:
    """Serve the web UI and the API (run `worker` separately for background jobs)."""
    cfg = settings()
    host, port = host or cfg.host, port or cfg.port
    if workers == 1:
        uvicorn.run(create_app(cfg), host=host, port=port, log_level=cfg.log_level)
    else:
        # Each process builds its app from the same settings (the environment).
        uvicorn.run(
            APP_FACTORY,
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level=cfg.log_level,
        )


def run(
    host: str = typer.Option(None, help="Listen address (default WATCHKEEP_HOST)"),
    port: int = typer.Option(None, help="Port (default WATCHKEEP_PORT)"),
) -> None:
    """Migrate, load demo data on first start, then serve with a worker in the same process."""
    cfg = settings()
    db = open_database()
    prepare(db)
    if cfg.demo_data:
        print_login(demo.seed(db))
    # The worker keeps the stored similarity index that the app reads.
    similarity = similarity_index(db, cfg)
    stop = threading.Event()
    worker = Worker(
        db,
        build_registry(),
        concurrency=cfg.worker_concurrency,
        poll_seconds=cfg.job_poll_seconds,
        lease_seconds=cfg.job_lease_seconds,
        shutdown_seconds=8,  # below the join timeout, so unfinished claims are handed back
        state=worker_state(similarity=similarity, settings=cfg),
    )
    thread = threading.Thread(target=worker.run, args=(stop,), name="worker", daemon=True)
    thread.start()
    try:
        uvicorn.run(
            create_app(cfg, db=db, similarity=similarity),
            host=host or cfg.host,
            port=port or cfg.port,
            log_level=cfg.log_level,
        )
    finally:
        stop.set()
        thread.join(timeout=10)
        db.dispose()
