"""JSON routes for users, API tokens and the audit log."""

from typing import Any

from fastapi import APIRouter, Query, Response, status

from watchkeep.auth import accounts, audit
from watchkeep.auth import service as auth
from watchkeep.auth.schemas import (
    AuditPage,
    OwnPasswordIn,
    PasswordIn,
    ProfileIn,
    RoleIn,
    TokenCreated,
    TokenIn,
    TokenRead,
    UserIn,
    UserRead,
    audit_record_read,
    token_read,
    user_read,
)
from watchkeep.core.clock import utcnow
from watchkeep.core.ids import MAX_ID
from watchkeep.http.body import json_body
from watchkeep.http.deps import Admin, CurrentActor, DbSession

router = APIRouter(tags=["users"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token or session"},
    403: {"description": "The caller is not an admin"},
    422: {"description": "A query parameter is out of range"},
}
"""The error replies of the admin routes, in the ``{"error": {...}}`` body."""


@router.get("/users")
def list_users(session: DbSession, _actor: CurrentActor) -> list[UserRead]:
    return [user_read(u) for u in auth.list_users(session)]


@router.get("/users/me")
def me(session: DbSession, actor: CurrentActor) -> UserRead:
    return user_read(auth.get_user(session, user_id=actor.user_id))


ME_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token or session"},
    422: {"description": "The body is not valid (an unknown time zone, a wrong password)"},
}


@router.patch("/users/me", responses=ME_ERRORS)
def update_me(body: ProfileIn, session: DbSession, actor: CurrentActor) -> UserRead:
    """Change your own name or time zone."""
    changed = accounts.update_profile(
        session, actor=actor, now=utcnow(), name=body.name, timezone=body.timezone
    )
    return user_read(changed)


@router.post("/users/me/password", responses=ME_ERRORS)
def change_my_password(body: OwnPasswordIn, session: DbSession, actor: CurrentActor) -> UserRead:
    """Change your own password (the current one is needed); every web session of yours
    ends."""
    accounts.change_own_password(
        session,
        actor=actor,
        now=utcnow(),
        current=body.current_password,
        new=body.new_password,
        keep_session=None,
    )
    return user_read(auth.get_user(session, user_id=actor.user_id))


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(body: UserIn, session: DbSession, actor: Admin) -> UserRead:
    """Create a user (admins only)."""
    return user_read(auth.create_user(session, actor=actor, now=utcnow(), **body.model_dump()))


@router.put("/users/{user_id:id}/role", responses={**ERRORS, 404: {"description": "No such user"}})
def change_role(user_id: int, body: RoleIn, session: DbSession, actor: Admin) -> UserRead:
    """Give a user another role (admins only); 409 for the last active admin."""
    changed = auth.change_role(
        session, actor=actor, now=utcnow(), user_id=user_id, role=body.role.value
    )
    return user_read(changed)


USER_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    404: {"description": "No such user"},
    409: {"description": "Not allowed for yourself or the last active admin"},
    422: {"description": "The body is not valid"},
}


@router.post("/users/{user_id:id}/deactivate", responses=USER_ERRORS)
def deactivate_user(user_id: int, session: DbSession, actor: Admin) -> UserRead:
    """Deactivate a user (admins only): their web sessions end and their API tokens stop
    working. 409 for yourself and for the last active admin."""
    return user_read(accounts.deactivate_user(session, actor=actor, now=utcnow(), user_id=user_id))


@router.post("/users/{user_id:id}/reactivate", responses=USER_ERRORS)
def reactivate_user(user_id: int, session: DbSession, actor: Admin) -> UserRead:
    """Let a deactivated user log in again (admins only)."""
    return user_read(accounts.reactivate_user(session, actor=actor, now=utcnow(), user_id=user_id))


@router.post("/users/{user_id:id}/password", responses=USER_ERRORS)
def reset_password(user_id: int, body: PasswordIn, session: DbSession, actor: Admin) -> UserRead:
    """Set a user's password (admins only); every web session of the user ends."""
    changed = accounts.reset_password(
        session, actor=actor, now=utcnow(), user_id=user_id, password=body.password
    )
    return user_read(changed)


@router.get("/tokens")
def list_tokens(session: DbSession, actor: CurrentActor) -> list[TokenRead]:
    """Your tokens (all tokens for admins)."""
    owner = None if actor.is_admin else actor.user_id
    return [token_read(t) for t in auth.list_tokens(session, user_id=owner)]


@router.post("/tokens", status_code=status.HTTP_201_CREATED)
def create_token(body: TokenIn, session: DbSession, actor: CurrentActor) -> TokenCreated:
    """Create a token for yourself; the secret is in this response only."""
    token, secret = auth.create_token(
        session, actor=actor, now=utcnow(), user_id=actor.user_id, name=body.name, role=body.role
    )
    return TokenCreated(**token_read(token).model_dump(), token=secret)


@router.delete("/tokens/{token_id:id}")
def revoke_token(token_id: int, session: DbSession, actor: CurrentActor) -> TokenRead:
    revoked = auth.revoke_token(session, actor=actor, now=utcnow(), token_id=token_id)
    return token_read(revoked)


@router.get("/audit", response_model=AuditPage, tags=["audit"], responses=ERRORS)
def list_audit(
    session: DbSession,
    actor: Admin,
    action: str | None = Query(None, description='Only this action, e.g. "severity:create"'),
    subject_type: str | None = Query(None, description='Only this subject, e.g. "service"'),
    actor_id: int | None = Query(None, ge=1, description="Only the changes of this user"),
    system: bool = Query(False, description="Only the changes the system made"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_ID),
) -> Response:
    """The audit log of configuration changes, newest first (admins only)."""
    rows, more = audit.list_records(
        session,
        actor=actor,
        limit=limit,
        offset=offset,
        action=action,
        subject_type=subject_type,
        actor_id=actor_id,
        system=system,
    )
    page = AuditPage(
        items=[audit_record_read(r) for r in rows], limit=limit, offset=offset, has_more=more
    )
    return json_body(page)
