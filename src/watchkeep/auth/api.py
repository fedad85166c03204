"""JSON routes for users and API tokens."""

from fastapi import APIRouter, status

from watchkeep.auth import service as auth
from watchkeep.auth.schemas import (
    TokenCreated,
    TokenIn,
    TokenRead,
    UserIn,
    UserRead,
    token_read,
    user_read,
)
from watchkeep.http.deps import Admin, CurrentActor, DbSession

router = APIRouter(tags=["users"])


@router.get("/users")
def list_users(session: DbSession, _actor: CurrentActor) -> list[UserRead]:
    return [user_read(u) for u in auth.list_users(session)]


@router.get("/users/me")
def me(session: DbSession, actor: CurrentActor) -> UserRead:
    return user_read(auth.get_user(session, user_id=actor.user_id))


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(body: UserIn, session: DbSession, _actor: Admin) -> UserRead:
    """Create a user (admins only)."""
    return user_read(auth.create_user(session, **body.model_dump()))


@router.get("/tokens")
def list_tokens(session: DbSession, actor: CurrentActor) -> list[TokenRead]:
    """Your tokens (all tokens for admins)."""
    owner = None if actor.is_admin else actor.user_id
    return [token_read(t) for t in auth.list_tokens(session, user_id=owner)]


@router.post("/tokens", status_code=status.HTTP_201_CREATED)
def create_token(body: TokenIn, session: DbSession, actor: CurrentActor) -> TokenCreated:
    """Create a token for yourself; the secret is in this response only."""
    token, secret = auth.create_token(
        session, user_id=actor.user_id, name=body.name, role=body.role
    )
    return TokenCreated(**token_read(token).model_dump(), token=secret)


@router.delete("/tokens/{token_id}")
def revoke_token(token_id: int, session: DbSession, actor: CurrentActor) -> TokenRead:
    return token_read(auth.revoke_token(session, token_id=token_id, actor=actor))
