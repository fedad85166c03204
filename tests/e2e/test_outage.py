"""A database outage, through a proxy that cuts PostgreSQL away from a real server.

During the cut every request that needs the database gets a 503 with the JSON error body and
``Retry-After``, on the same keep-alive connection, which survives; nothing is stored; and
the server answers normally once the database is back.
"""

import http.client
import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import func, make_url, select
from sqlalchemy.engine import Engine
from tests.e2e.jobs_support import dedicated_engine
from tests.e2e.serving import free_port
from tests.e2e.tcp_proxy import TcpProxy
from tests.factories import make_person

from watchkeep.app.components import similarity_index
from watchkeep.app.factory import create_app
from watchkeep.core.db import Database, Timeouts
from watchkeep.core.settings import Settings
from watchkeep.incident.models import Incident
from watchkeep.jobs.registry import Registry
from watchkeep.jobs.service import enqueue
from watchkeep.jobs.worker import Worker

TIMEOUTS = Timeouts(connect=2, statement=5)


@pytest.fixture(scope="module")
def pg_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = dedicated_engine("postgresql", tmp_path_factory.mktemp("outage"), "outage")
    yield engine
    engine.dispose()


@pytest.fixture
def proxy(pg_engine: Engine) -> Iterator[TcpProxy]:
    url = pg_engine.url
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        yield proxy


@pytest.fixture
def token(pg_engine: Engine) -> str:
    db = Database(str(pg_engine.url), engine=pg_engine)
    with db.session() as session:
        return make_person(session, "responder").token


@pytest.fixture
def server(pg_engine: Engine, proxy: TcpProxy, tmp_path: Path) -> Iterator[int]:
    """A real server whose database sits behind ``proxy``; yields its port."""
    url = make_url(str(pg_engine.url)).set(host="127.0.0.1", port=proxy.port)
    proxied = url.render_as_string(hide_password=False)
    settings = Settings(database_url=proxied, demo_data=False)
    db = Database(proxied, timeouts=TIMEOUTS)
    config = uvicorn.Config(
        create_app(settings, db=db, similarity=similarity_index(db, settings)),
        host="127.0.0.1",
        port=free_port(),
        log_level="critical",
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield config.port
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        db.dispose()


class KeptConnection:
    """One HTTP/1.1 connection; ``ask`` fails if the server closed it in between."""

    def __init__(self, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.connection.connect()
        self.socket = self.connection.sock

    def ask(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, str], Any]:
        assert self.connection.sock is self.socket, "the server closed the connection"
        payload = json.dumps(body) if body is not None else None
        self.connection.request(method, path, body=payload, headers=self.headers)
        response = self.connection.getresponse()
        raw = response.read()
        headers = {key.lower(): value for key, value in response.getheaders()}
        assert not response.will_close, f"{method} {path}: the server asked to close"
        return response.status, headers, json.loads(raw) if raw else None


DECLARE = {"title": "Checkout is down", "severity": "SEV2"}


def incidents_titled(engine: Engine, title: str) -> int:
    with engine.connect() as connection:
        found: int = connection.scalar(
            select(func.count()).select_from(Incident).where(Incident.title == title)
        )
        return found


def test_an_outage_answers_503_with_the_error_body_and_keeps_the_connection(
    pg_engine: Engine, proxy: TcpProxy, server: int, token: str
) -> None:
    client = KeptConnection(server, token)
    status, _, _ = client.ask("GET", "/api/v1/incidents")
    assert status == 200

    proxy.cut()
    for method, path, body in (
        ("GET", "/api/v1/incidents", None),
        ("POST", "/api/v1/incidents", {**DECLARE, "title": "Lost in the outage"}),
        ("GET", "/api/v1/incidents/INC-1", None),
    ):
        status, headers, answer = client.ask(method, path, body)
        assert status == 503, (method, path, answer)
        assert answer["error"]["code"] == "unavailable"
        assert "try again" in answer["error"]["message"]
        assert int(headers["retry-after"]) > 0
    status, _, answer = client.ask("GET", "/healthz")
    assert (status, answer) == (200, {"status": "ok"})
    status, _, answer = client.ask("GET", "/readyz")
    assert status == 503

    proxy.restore()
    status, _, declared = client.ask("POST", "/api/v1/incidents", DECLARE)
    assert status == 201, declared
    assert incidents_titled(pg_engine, "Lost in the outage") == 0


@pytest.mark.parametrize("fault", ["cut", "stall"])
def test_a_database_that_stops_answering_gives_503_within_the_timeouts(
    proxy: TcpProxy, server: int, token: str, fault: str
) -> None:
    """Connections refused at once, or accepted and never answered: either way the answer
    comes within the timeouts, not when the client gives up."""
    client = KeptConnection(server, token)
    assert client.ask("GET", "/api/v1/incidents")[0] == 200
    getattr(proxy, fault)()
    started = time.monotonic()
    status, _, _ = client.ask("GET", "/api/v1/incidents?limit=5")
    took = time.monotonic() - started
    assert status == 503
    assert took < TIMEOUTS.connect * 2 + 3, took


class CountingWorker(Worker):
    """A worker that counts its claim attempts."""

    tries = 0

    def _claim(self, limit: int, *, reclaim_expired: bool = True) -> Any:
        self.tries += 1
        return super()._claim(limit, reclaim_expired=reclaim_expired)


def test_the_worker_backs_off_during_an_outage_and_says_so_once(
    pg_engine: Engine, proxy: TcpProxy, caplog: pytest.LogCaptureFixture
) -> None:
    url = make_url(str(pg_engine.url)).set(host="127.0.0.1", port=proxy.port)
    db = Database(url.render_as_string(hide_password=False), timeouts=TIMEOUTS)
    ran = threading.Event()
    registry = Registry()
    registry.add("after-outage", lambda _ctx, _payload: ran.set())
    # A short lease: its heartbeat is due at once, which made the old loop spin.
    worker = CountingWorker(db, registry, poll_seconds=0.2, lease_seconds=3, name="outage-worker")
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    caplog.set_level(logging.INFO, logger="watchkeep.jobs")
    thread.start()
    try:
        time.sleep(0.5)
        proxy.cut()
        worker.tries = 0
        time.sleep(6)
        # Waits of 0.25-0.5, 0.5-1, 1-2, 2-4 s: at most five tries in six seconds (a loop
        # without back-off tries hundreds of times).
        assert 1 <= worker.tries <= 6, worker.tries
        proxy.restore()
        with db.session() as session:
            enqueue(session, kind="after-outage")
        assert ran.wait(15), "the worker did not run a job once the database was back"
    finally:
        stop.set()
        thread.join(timeout=15)
        db.dispose()
    worker_lines = [r for r in caplog.records if r.name == "watchkeep.jobs.worker"]
    said = [r.getMessage() for r in worker_lines if r.levelno >= logging.WARNING]
    assert sum("database unavailable, retrying" in line for line in said) == 1, said
    assert sum("database back" in line for line in said) == 1, said
    assert not [r for r in worker_lines if r.exc_info], "a traceback was logged"
