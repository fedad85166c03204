"""Request dependencies: one transaction per request, and who is asking."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from watchkeep.auth import service as auth
from watchkeep.auth.actor import Actor, Role
from watchkeep.auth.models import WebSession
from watchkeep.core.db import Database
from watchkeep.core.errors import Forbidden, Unauthorized
from watchkeep.core.settings import Settings

SESSION_COOKIE = "wk_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def db_session(request: Request) -> Iterator[Session]:
    """The request's transaction: committed when the route returns, rolled back if it raises.

    Used with ``scope="function"`` so that the commit happens before the response is sent:
    a client never sees success for work that was not stored.
    """
    with get_database(request).session() as session:
        yield session


DbSession = Annotated[Session, Depends(db_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def web_session_of(request: Request, session: Session) -> WebSession | None:
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    return auth.find_web_session(session, secret=secret)


def check_csrf(request: Request, web_session: WebSession, form_token: str | None = None) -> None:
    """Unsafe requests made with a session cookie must echo the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER) or form_token
    if sent != web_session.csrf_token:
        raise Forbidden("missing or wrong CSRF token; reload the page and try again")


def find_actor(request: Request, session: Session) -> Actor | None:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized("use an 'Authorization: Bearer <token>' header")
        return auth.actor_for_token(session, secret=secret.strip())
    web_session = web_session_of(request, session)
    if web_session is None:
        return None
    check_csrf(request, web_session)
    return auth.actor_of(web_session.user)


def current_actor(request: Request, session: DbSession) -> Actor:
    actor = find_actor(request, session)
    if actor is None:
        raise Unauthorized("authentication required: send an API token as a Bearer header")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def require(role: Role) -> object:
    def check(actor: CurrentActor) -> Actor:
        actor.require(role)
        return actor

    return Depends(check)


Responder = Annotated[Actor, require(Role.RESPONDER)]
Admin = Annotated[Actor, require(Role.ADMIN)]
