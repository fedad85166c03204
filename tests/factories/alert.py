"""Alerts: sources (with their keys), routes and silences."""

from typing import Any

from sqlalchemy.orm import Session

from tests.factories.auth import an_admin
from tests.factories.numbers import unique
from watchkeep.alert import routing, sources
from watchkeep.alert.models import AlertRoute, AlertSource
from watchkeep.core.clock import utcnow


def make_source(session: Session, kind: str = "alertmanager", **fields: Any) -> AlertSource:
    fields.setdefault("name", f"{kind}-{unique()}")
    if kind == "heartbeat":
        fields.setdefault("heartbeat_seconds", 300)
    return sources.create(session, actor=an_admin(session), now=utcnow(), kind=kind, **fields)


def make_route(session: Session, **fields: Any) -> AlertRoute:
    fields.setdefault("name", f"route-{unique()}")
    return routing.create(session, actor=an_admin(session), now=utcnow(), **fields)
