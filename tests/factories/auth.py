"""People: a user with an API token, and the actor that acts as them."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories.numbers import unique
from watchkeep.auth import service as auth
from watchkeep.auth.models import User
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow

PASSWORD = "correct horse battery"


@dataclass
class Person:
    user: User
    actor: Actor
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_token(session: Session, user: User, name: str = "test") -> str:
    """A new API token of ``user``, made by the user: its secret, which is shown only once."""
    _, secret = auth.create_token(
        session, actor=auth.actor_of(user), now=utcnow(), user_id=user.id, name=name
    )
    return secret


def make_person(session: Session, role: str = "responder", name: str | None = None) -> Person:
    """A user with a password (``PASSWORD``) and an API token."""
    n = unique()
    user = auth.create_user(
        session,
        actor=None,  # the system: test people exist before any admin does
        now=utcnow(),
        email=f"user{n}@example.com",
        name=name or f"User {n}",
        role=role,
        password=PASSWORD,
    )
    return Person(user=user, actor=auth.actor_of(user), token=make_token(session, user))


def an_admin(session: Session) -> Actor:
    """The first active admin, made ("Factory Admin") when there is none: configuration
    services want an admin to act."""
    found = session.scalar(
        select(User).where(User.role == "admin", User.is_active).order_by(User.id).limit(1)
    )
    return auth.actor_of(found) if found else make_person(session, "admin", "Factory Admin").actor


def committed_person(session: Session, role: str = "responder", name: str | None = None) -> Person:
    """A person whom an HTTP client sees too: the commit only releases the test's SAVEPOINT."""
    person = make_person(session, role, name=name)
    session.commit()
    return person
