"""Request dependencies: one transaction per request, and who is asking.

The kit knows no domain: how a bearer token or a session cookie becomes an :class:`Actor` is
an :class:`Authenticator` that the composition layer puts on ``app.state.authenticator``.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor, Role
from watchkeep.core.db import Database
from watchkeep.core.errors import Forbidden, Unauthorized
from watchkeep.core.settings import Settings

SESSION_COOKIE = "wk_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# A dependency that does no I/O is ``async def``: FastAPI runs a plain ``def`` in the thread
# pool, and under load each such hop waits for the event loop and the GIL.


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def db_session(request: Request) -> Iterator[Session]:
    """The request's transaction: committed when the route returns, rolled back if it raises.

    Used with ``scope="function"`` so that the commit happens before the response is sent:
    a client never sees success for work that was not stored. A safe method (GET, HEAD,
    OPTIONS) gets a read transaction, which refuses writes and takes no write lock.
    """
    write = request.method not in SAFE_METHODS
    with get_database(request).session(write=write) as session:
        yield session


DbSession = Annotated[Session, Depends(db_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass(frozen=True)
class Login:
    """A live web login: who it is, the CSRF token its unsafe requests must echo, and the
    IANA time zone its pages show times in."""

    actor: Actor
    csrf_token: str
    timezone: str = "UTC"


class Authenticator(Protocol):
    """Turns credentials into actors (implemented by the auth domain)."""

    def actor_for_token(self, session: Session, secret: str) -> Actor:
        """The actor of an API token; raises ``Unauthorized`` for an unknown or revoked one."""

    def login_for_cookie(self, session: Session, secret: str) -> Login | None:
        """The live login whose session cookie is ``secret``, or ``None``."""


def get_authenticator(request: Request) -> Authenticator:
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


def web_login_of(request: Request, session: Session) -> Login | None:
    """The login behind the request's session cookie, if any."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    return get_authenticator(request).login_for_cookie(session, secret)


def check_csrf(request: Request, login: Login, form_token: str | None = None) -> None:
    """Unsafe requests made with a session cookie must echo the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER) or form_token
    if sent != login.csrf_token:
        raise Forbidden("missing or wrong CSRF token; reload the page and try again")


def find_actor(request: Request, session: Session) -> Actor | None:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized("use an 'Authorization: Bearer <token>' header")
        return get_authenticator(request).actor_for_token(session, secret.strip())
    login = web_login_of(request, session)
    if login is None:
        return None
    check_csrf(request, login)
    return login.actor


def current_actor(request: Request, session: DbSession) -> Actor:
    actor = find_actor(request, session)
    if actor is None:
        raise Unauthorized("authentication required: send an API token as a Bearer header")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def require(role: Role) -> object:
    async def check(actor: CurrentActor) -> Actor:
        actor.require(role)
        return actor

    return Depends(check)


Responder = Annotated[Actor, require(Role.RESPONDER)]
Admin = Annotated[Actor, require(Role.ADMIN)]
