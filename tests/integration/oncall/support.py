"""What the schedule tests share (integration, API and web): layers in spec JSON."""

from typing import Any

from tests.factories import Person

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
