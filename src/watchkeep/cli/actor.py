"""Who acts in local mode: ``--as EMAIL``, else WATCHKEEP_ACTOR, else the first admin.

Against a server the token decides who acts, so ``--as`` is refused there.
"""

from typing import Annotated

import typer
from sqlalchemy.orm import Session

from watchkeep.auth import service as auth
from watchkeep.auth.models import User
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Forbidden, NotFound

ACTOR_ENV = "WATCHKEEP_ACTOR"

AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar=ACTOR_ENV,
        metavar="EMAIL",
        help="Local database only: act as this user (default: the first admin)",
        show_default=False,
        rich_help_panel="Connection",
    ),
]


def first_admin(session: Session) -> User:
    """The earliest-created active admin: who a local command acts as unless told otherwise."""
    admins = [u for u in auth.list_users(session) if u.role == Role.ADMIN and u.is_active]
    if not admins:
        raise NotFound(
            "there is no admin user yet: create one with "
            "`watchkeep user create EMAIL --name NAME --role admin`, or pass --as EMAIL"
        )
    return min(admins, key=lambda user: user.id)


def local_actor(session: Session, email: str | None) -> Actor:
    """The actor for a local command: the user named by ``--as`` (e-mail or id) or the admin."""
    user = auth.get_user_by_ref(session, ref=email) if email else first_admin(session)
    if not user.is_active:
        raise Forbidden(f"user {user.email} is deactivated")
    return auth.actor_of(user)


def local_actor_or_system(session: Session, email: str | None) -> Actor | None:
    """Like :func:`local_actor`, but on a database without any active admin (a new install)
    ``None``: the system, which may create the first admin."""
    if email is None and not any(
        u.role == Role.ADMIN and u.is_active for u in auth.list_users(session)
    ):
        return None
    return local_actor(session, email)
