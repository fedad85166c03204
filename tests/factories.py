"""Factories shared by the suite: users with tokens, services, incidents."""

from dataclasses import dataclass
from itertools import count

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth import service as auth
from watchkeep.auth.models import User
from watchkeep.catalog import service as catalog
from watchkeep.catalog.models import Service
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.incident import service as incidents
from watchkeep.incident.models import Incident

_seq = count(1)


@dataclass
class Person:
    user: User
    actor: Actor
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_person(session: Session, role: str = "responder", name: str | None = None) -> Person:
    n = next(_seq)
    user = auth.create_user(
        session,
        actor=None,  # the system: test people exist before any admin does
        now=utcnow(),
        email=f"user{n}@example.com",
        name=name or f"User {n}",
        role=role,
        password="correct horse battery",
    )
    actor = auth.actor_of(user)
    _, secret = auth.create_token(session, actor=actor, now=utcnow(), user_id=user.id, name="test")
    return Person(user=user, actor=actor, token=secret)


def an_admin(session: Session) -> Actor:
    """The first active admin, made ("Factory Admin") when there is none: configuration
    services want an admin to act."""
    found = session.scalar(
        select(User).where(User.role == "admin", User.is_active).order_by(User.id).limit(1)
    )
    return auth.actor_of(found) if found else make_person(session, "admin", "Factory Admin").actor


def make_service(session: Session, name: str | None = None) -> Service:
    return catalog.create_service(
        session, actor=an_admin(session), now=utcnow(), name=name or f"service-{next(_seq)}"
    )


def make_incident(session: Session, person: Person, **kwargs: object) -> Incident:
    kwargs.setdefault("title", f"Incident {next(_seq)}")
    kwargs.setdefault("severity", "SEV2")
    kwargs.setdefault("now", utcnow())
    return incidents.declare(session, actor=person.actor, **kwargs)  # type: ignore[arg-type]
