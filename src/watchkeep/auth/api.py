"""JSON routes for users and API tokens."""

from fastapi import APIRouter, status

from watchkeep.api.deps import Admin, CurrentActor, DbSession
from watchkeep.auth import service as auth
from watchkeep.auth.models import ApiToken, User
from watchkeep.auth.schemas import TokenCreated, TokenIn, TokenRead, UserIn, UserRead

router = APIRouter(tags=["users"])


def _user(user: User) -> UserRead:
    return UserRead.model_validate(user, from_attributes=True)


def _token(token: ApiToken) -> TokenRead:
    return TokenRead.model_validate(token, from_attributes=True)


@router.get("/users")
def list_users(session: DbSession, _actor: CurrentActor) -> list[UserRead]:
    return [_user(u) for u in auth.list_users(session)]


@router.get("/users/me")
def me(session: DbSession, actor: CurrentActor) -> UserRead:
    return _user(auth.get_user(session, user_id=actor.user_id))


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(body: UserIn, session: DbSession, _actor: Admin) -> UserRead:
    """Create a user (admins only)."""
    return _user(auth.create_user(session, **body.model_dump()))


@router.get("/tokens")
def list_tokens(session: DbSession, actor: CurrentActor) -> list[TokenRead]:
    """Your tokens (all tokens for admins)."""
    owner = None if actor.is_admin else actor.user_id
    return [_token(t) for t in auth.list_tokens(session, user_id=owner)]


@router.post("/tokens", status_code=status.HTTP_201_CREATED)
def create_token(body: TokenIn, session: DbSession, actor: CurrentActor) -> TokenCreated:
    """Create a token for yourself; the secret is in this response only."""
    token, secret = auth.create_token(
        session, user_id=actor.user_id, name=body.name, role=body.role
    )
    return TokenCreated(**_token(token).model_dump(), token=secret)


@router.delete("/tokens/{token_id}")
def revoke_token(token_id: int, session: DbSession, actor: CurrentActor) -> TokenRead:
    return _token(auth.revoke_token(session, token_id=token_id, actor=actor))
