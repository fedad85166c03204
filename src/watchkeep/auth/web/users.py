"""The admin page for users: create them, change their role, deactivate and reactivate
them, and set their password."""

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.auth import accounts
from watchkeep.auth import service as auth
from watchkeep.core.actor import Actor, parse_role
from watchkeep.core.clock import utcnow
from watchkeep.http.announce import announced
from watchkeep.http.browser import WebAdmin, WebRoute, answer_form, is_htmx, see_other
from watchkeep.http.deps import DbSession
from watchkeep.http.templates import render

router = APIRouter(route_class=WebRoute)

USERS_PAGE = "/admin/users"
ROLES = ("viewer", "responder", "admin")


@router.get("/admin")
def admin_index(_actor: WebAdmin) -> Response:
    """The admin pages start with the users."""
    return see_other(USERS_PAGE)


def _render_users(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    fragment: bool,
    created: str | None = None,
    password: str | None = None,
) -> Response:
    return render(
        request,
        "auth/_users.html" if fragment else "auth/users.html",
        users=auth.list_users(session),
        last_logins=accounts.last_logins(session),
        roles=ROLES,
        me=actor.user_id,
        created=created,
        generated_password=password,
    )


def _answer(request: Request, session: Session, actor: Actor, notice: str) -> Response:
    """The users list again (htmx), or back to the page (a plain form post)."""
    return answer_form(
        request,
        url=USERS_PAGE,
        notice=notice,
        fragment=lambda: _render_users(request, session, actor, fragment=True),
    )


@router.get(USERS_PAGE)
def user_list(request: Request, session: DbSession, actor: WebAdmin) -> Response:
    """Every user with their role, whether they are active, and their last login."""
    return _render_users(request, session, actor, fragment=is_htmx(request))


@router.post(USERS_PAGE)
def create_user(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form(""),
    email: str = Form(""),
    role: str = Form("responder"),
    password: str = Form(""),
) -> Response:
    """Create a user; without a password one is generated and shown on this answer only."""
    generated = accounts.generate_password() if not password else None
    user = auth.create_user(
        session,
        actor=actor,
        now=utcnow(),
        email=email,
        name=name,
        role=parse_role(role).value,
        password=password or generated,
    )
    notice = f"Created {user.name} ({user.role})."
    if generated is not None:
        notice += " Their initial password is shown once on this page."
    # Drawn here, not after a redirect: a generated password must not travel in a cookie.
    response = _render_users(
        request,
        session,
        actor,
        fragment=is_htmx(request),
        created=user.name,
        password=generated,
    )
    return announced(response, notice) if is_htmx(request) else response


@router.post(USERS_PAGE + "/{user_id:id}/role")
def change_role(
    user_id: int,
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    role: str = Form(""),
) -> Response:
    """Give a user another role; their web sessions end."""
    user = auth.change_role(session, actor=actor, now=utcnow(), user_id=user_id, role=role)
    return _answer(request, session, actor, f"{user.name} is now {user.role}.")


@router.post(USERS_PAGE + "/{user_id:id}/deactivate")
def deactivate(user_id: int, request: Request, session: DbSession, actor: WebAdmin) -> Response:
    """Deactivate a user: they are logged out and their API tokens stop working."""
    user = accounts.deactivate_user(session, actor=actor, now=utcnow(), user_id=user_id)
    return _answer(request, session, actor, f"{user.name} is deactivated and cannot log in.")


@router.post(USERS_PAGE + "/{user_id:id}/reactivate")
def reactivate(user_id: int, request: Request, session: DbSession, actor: WebAdmin) -> Response:
    """Let a deactivated user log in again."""
    user = accounts.reactivate_user(session, actor=actor, now=utcnow(), user_id=user_id)
    return _answer(request, session, actor, f"{user.name} is active again.")


@router.post(USERS_PAGE + "/{user_id:id}/password")
def reset_password(
    user_id: int,
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    password: str = Form(""),
) -> Response:
    """Set a user's password; their web sessions end."""
    user = accounts.reset_password(
        session, actor=actor, now=utcnow(), user_id=user_id, password=password
    )
    return _answer(request, session, actor, f"Password of {user.name} set; they must log in again.")
