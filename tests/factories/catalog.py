"""The service catalog: teams and services."""

from collections.abc import Iterable

from sqlalchemy.orm import Session

from tests.factories.auth import an_admin
from tests.factories.numbers import unique
from watchkeep.catalog import service as catalog
from watchkeep.catalog.models import Service, Team
from watchkeep.core.clock import utcnow


def make_team(session: Session, name: str | None = None, member_ids: Iterable[int] = ()) -> Team:
    return catalog.create_team(
        session,
        actor=an_admin(session),
        now=utcnow(),
        name=name or f"team-{unique()}",
        member_ids=member_ids,
    )


def make_service(session: Session, name: str | None = None) -> Service:
    return catalog.create_service(
        session, actor=an_admin(session), now=utcnow(), name=name or f"service-{unique()}"
    )
