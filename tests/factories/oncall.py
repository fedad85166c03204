"""On-call schedules, and their layers in spec JSON."""

from typing import Any

from sqlalchemy.orm import Session

from tests.factories.auth import Person
from watchkeep.core.clock import utcnow
from watchkeep.oncall import service as schedules
from watchkeep.oncall.models import Schedule

ANCHOR = "2026-03-02T09:00:00"  # a Monday; Europe/London is on UTC until 29 March


def rotation(*people: Person | None, unit: str = "daily", **extra: Any) -> dict[str, Any]:
    """A layer in spec JSON: these people in turn, one ``unit`` each, from ANCHOR."""
    layer: dict[str, Any] = {
        "users": [None if p is None else p.user.id for p in people],
        "anchor": ANCHOR,
        "handovers": [{"interval": 1, "unit": unit}],
    }
    layer.update(extra)
    return layer


def make_schedule(session: Session, person: Person, *layers: Any, **kwargs: Any) -> Schedule:
    """A schedule of ``layers`` (spec JSON, lowest first) made by ``person``: "Primary" in
    Europe/London unless ``name=`` or ``timezone=`` say otherwise."""
    kwargs.setdefault("name", "Primary")
    kwargs.setdefault("timezone", "Europe/London")
    kwargs.setdefault("now", utcnow())
    return schedules.create(session, actor=person.actor, layers=list(layers), **kwargs)
