"""Fixtures of the end-to-end tests: a real Watchkeep server (uvicorn and a job worker on a
SQLite file) and a headless Chromium page on it."""

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, sync_playwright
from tests.conftest import unavailable
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, EMAIL, PASSWORD, SERVICES
from tests.factories import make_service

from watchkeep.app.components import similarity_index, worker_state
from watchkeep.app.factory import create_app
from watchkeep.app.tasks import build_registry
from watchkeep.auth import service as auth
from watchkeep.bootstrap import prepare
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings
from watchkeep.jobs.worker import Worker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A real server and job worker on a fresh SQLite database with one responder."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'watchkeep.db'}", demo_data=False)
    db = Database(settings.database_url)
    prepare(db)
    with db.session() as session:
        auth.create_user(
            session, actor=None, now=utcnow(), email=EMAIL, name="Grace Hopper", password=PASSWORD
        )
        for name in SERVICES:
            make_service(session, name)
    similarity = similarity_index(db, settings)  # one for the app and the worker, as in `run`
    similarity.start()
    stop = threading.Event()
    worker = Worker(
        db, build_registry(), poll_seconds=0.2, state=worker_state(similarity=similarity)
    )
    worker_thread = threading.Thread(target=worker.run, args=(stop,), name="worker", daemon=True)
    worker_thread.start()
    config = uvicorn.Config(
        create_app(settings, db=db, similarity=similarity),
        host="127.0.0.1",
        port=free_port(),
        log_level="warning",
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{config.port}"
    uv.should_exit = True
    thread.join(timeout=10)
    stop.set()
    worker_thread.join(timeout=10)
    similarity.stop()
    db.dispose()


@pytest.fixture
def page(server: str) -> Iterator[Page]:
    """A Chromium page on the server (a missing Chromium fails the run in CI)."""
    if not CHROMIUM.exists():
        unavailable(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=server, viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        context.close()
        browser.close()
