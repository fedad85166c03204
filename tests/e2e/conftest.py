"""Fixtures of the end-to-end tests: a real Watchkeep server (uvicorn and a job worker on a
SQLite file) and a headless Chromium page on it."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from tests.conftest import unavailable
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, EMAIL, PASSWORD, SERVICES
from tests.e2e.serving import serve
from tests.factories import make_service

from watchkeep.auth import service as auth
from watchkeep.bootstrap import prepare
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings


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
    with serve(settings, db) as url:
        yield url
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
