"""Local database or server: every command that works both ways opens its backend here."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.orm import Session

from watchkeep.cli.actor import local_actor
from watchkeep.cli.client import ApiClient, remote_client, server_url
from watchkeep.cli.context import local_session
from watchkeep.cli.output import fail
from watchkeep.core.actor import Actor
from watchkeep.core.errors import DomainError

Backend = TypeVar("Backend")


@contextmanager
def connect(
    url: str | None,
    token: str | None,
    as_email: str | None,
    *,
    local: Callable[[Session, Actor], Backend],
    remote: Callable[[ApiClient], Backend],
) -> Iterator[Backend]:
    """The server's API when a URL is given (or WATCHKEEP_URL is set), else the local database
    in one transaction, acting as ``--as`` (or the first admin).

    Either way a domain error ends the command with its message and exit code 1.
    """
    remote_url = server_url(url)
    if remote_url is None:
        if token:
            fail("--token needs --url (or WATCHKEEP_URL): without one the CLI uses the database")
        with local_session() as session:
            yield local(session, local_actor(session, as_email))
        return
    if as_email:
        fail("--as (WATCHKEEP_ACTOR) is for the local database; a server acts as the token's user")
    with remote_client(remote_url, token) as client:
        try:
            yield remote(client)
        except DomainError as exc:
            fail(exc.message)
