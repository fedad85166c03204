"""The alert page's own panels, and what every part of an alert's pages shares.

The alert page is a shell like the incident page: it draws every panel registered for the
``alert`` page, in its slot. Higher domains add theirs (the escalation, the deliveries)
without this module knowing them.
"""

import json
from datetime import datetime
from typing import Any

from fastapi import Request
from markupsafe import Markup
from sqlalchemy.orm import Session

from watchkeep.alert import alerts, incidents, routing, silences
from watchkeep.alert.models import Alert
from watchkeep.core.actor import Actor, Role, at_least
from watchkeep.core.clock import utcnow
from watchkeep.http.panels import Panel, PanelInput, PanelSet, render_panel

PAGE = "alert"
SLOTS = ("header", "main", "side")

STATUS_FILTERS = {
    "open": "Open",
    "firing": "Firing",
    "acknowledged": "Acknowledged",
    "resolved": "Resolved",
    "": "All",
}


def can_respond(actor: Actor) -> bool:
    """Whether the pages offer ``actor`` the buttons that acknowledge and resolve."""
    return at_least(actor.role, Role.RESPONDER)


def shared_context(alert: Alert, actor: Actor, now: datetime | None = None) -> dict[str, Any]:
    """What every panel of the alert page may use."""
    return {
        "alert": alert,
        "actor": actor,
        "now": now or utcnow(),
        "can_respond": can_respond(actor),
    }


def pretty_json(value: Any) -> str:
    """A raw payload as people read it: indented, keys in the sender's order."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _header(panel: PanelInput) -> dict[str, Any]:
    alert: Alert = panel.subject
    found = incidents.incident_of(panel.session, alert=alert, actor=panel.shared["actor"])
    return {"incident": found}


def _handling(panel: PanelInput) -> dict[str, Any]:
    """Why the alert was handled as it was: the route it matched, and a silence."""
    alert: Alert = panel.subject
    route = routing.find(panel.session, route_id=alert.route_id) if alert.route_id else None
    silence = (
        silences.find(panel.session, silence_id=alert.silence_id) if alert.silence_id else None
    )
    return {"route": route, "silence": silence}


def _events(panel: PanelInput) -> dict[str, Any]:
    entries = alerts.event_log(panel.session, alert_id=panel.subject.id)
    return {
        "entries": entries,
        "bodies": {e.payload.id: pretty_json(e.payload.body) for e in entries if e.payload},
    }


HEADER = Panel("alert-header", "alerts/_header.html", _header, slot="header")
HANDLING = Panel("handling", "alerts/_handling.html", _handling, slot="main", order=10)
DETAILS = Panel("alert-details", "alerts/_details.html", slot="main", order=20)
EVENTS = Panel("alert-events", "alerts/_events.html", _events, slot="main", order=90)

PANELS = (HEADER, HANDLING, DETAILS, EVENTS)


def draw_page(
    request: Request, session: Session, panels: PanelSet, alert: Alert, actor: Actor
) -> dict[str, list[Markup]]:
    """Every panel registered for the alert page, drawn, by slot."""
    shared = shared_context(alert, actor)
    return {
        slot: [render_panel(request, session, p, alert, shared) for p in panels.slot(slot)]
        for slot in SLOTS
    }
