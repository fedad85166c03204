"""People: a user with an API token, and the actor that acts as them."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tests.factories.numbers import unique
from watchkeep.auth import service as auth
from watchkeep.auth.models import User
from watchkeep.core.actor import Actor

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
    """A new API token of ``user``: its secret, which is shown only once."""
    _, secret = auth.create_token(session, user_id=user.id, name=name)
    return secret


def make_person(session: Session, role: str = "responder", name: str | None = None) -> Person:
    """A user with a password (``PASSWORD``) and an API token."""
    n = unique()
    user = auth.create_user(
        session,
        email=f"user{n}@example.com",
        name=name or f"User {n}",
        role=role,
        password=PASSWORD,
    )
    return Person(user=user, actor=auth.actor_of(user), token=make_token(session, user))


def committed_person(session: Session, role: str = "responder", name: str | None = None) -> Person:
    """A person whom an HTTP client sees too: the commit only releases the test's SAVEPOINT."""
    person = make_person(session, role, name=name)
    session.commit()
    return person
