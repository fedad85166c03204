"""What the CLI tests share: a migrated SQLite file, people on it, and a real server on it.

``cli`` runs a command as a person in both modes: ``local`` acts on the database as
``--as EMAIL``; ``remote`` talks to uvicorn serving the same database with that user's token.
The server's similarity index is brought up to date before each remote command, as its
background refresher would have done by then.
"""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from click.testing import Result
from tests.factories import Person, make_person, make_service
from typer.testing import CliRunner

from watchkeep.app.factory import create_app
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.bootstrap import prepare
from watchkeep.cli.main import app
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings, get_settings

Run = Callable[..., Result]

runner = CliRunner()


@dataclass
class Crew:
    admin: Person
    grace: Person
    outsider: Person


@pytest.fixture
def db_url(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated SQLite file that the CLI's local mode uses (WATCHKEEP_DATABASE_URL)."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    for name in ("WATCHKEEP_URL", "WATCHKEEP_TOKEN", "WATCHKEEP_ACTOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WATCHKEEP_DATABASE_URL", url)
    get_settings.cache_clear()
    db = Database(url)
    prepare(db)
    db.dispose()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def crew(db_url: str) -> Crew:
    """An admin (created first, so the default local actor), a responder and an outsider."""
    db = Database(db_url)
    with db.session() as session:
        admin = make_person(session, role="admin", name="Ada Admin")
        grace = make_person(session, name="Grace Hopper")
        outsider = make_person(session, name="Olive Outsider")
        make_service(session, name="checkout")
        make_service(session, name="search")
    db.dispose()
    return Crew(admin=admin, grace=grace, outsider=outsider)


@dataclass
class Served:
    url: str
    similarity: SimilarityStore


@pytest.fixture
def served(db_url: str) -> Iterator[Served]:
    """uvicorn serving the app on the same database, on a free port, in a background thread,
    with a similarity index that the tests refresh."""
    db = Database(db_url)
    similarity = SimilarityStore(db)
    web_app = create_app(Settings(database_url=db_url), db=db, similarity=similarity)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(web_app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    yield Served(f"http://127.0.0.1:{port}", similarity)
    uv.should_exit = True
    thread.join(timeout=10)
    db.dispose()
    sock.close()


@pytest.fixture
def server(served: Served) -> str:
    """The URL of the server."""
    return served.url


@pytest.fixture
def local(crew: Crew) -> Run:
    """Run ``watchkeep ...`` on the local database as ``who`` (``--as``)."""

    def run(*args: str, who: Person) -> Result:
        return runner.invoke(app, [*args, "--as", who.user.email])

    return run


@pytest.fixture
def remote(crew: Crew, served: Served) -> Run:
    """Run ``watchkeep ...`` against the server with ``who``'s token."""

    def run(*args: str, who: Person) -> Result:
        served.similarity.refresh()
        return runner.invoke(app, [*args, "--url", served.url, "--token", who.token])

    return run


@pytest.fixture(params=["local", "remote"])
def cli(request: pytest.FixtureRequest) -> Run:
    """Run a command as a person, in the parametrized mode."""
    run: Run = request.getfixturevalue(request.param)
    return run
