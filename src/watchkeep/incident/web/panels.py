"""The incident page's own panels, and how incident actions answer htmx.

The page shell (``watchkeep.app.incident_page``) draws every panel registered for the
incident page; these are the incident domain's. Later domains add theirs (problems, known
errors, similar incidents) without this module knowing them.
"""

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from watchkeep.auth import service as auth
from watchkeep.catalog.service import list_services
from watchkeep.core.actor import Actor, Role, at_least
from watchkeep.core.clock import utcnow
from watchkeep.followup import service as followups
from watchkeep.http.browser import go_to, is_htmx
from watchkeep.http.panels import Panel, PanelInput, panels_response
from watchkeep.incident import customfields, lifecycle, roles, timeline, updates
from watchkeep.incident.lifecycle import Category, Status
from watchkeep.incident.models import TIMESTAMP_NAMES, CustomField, Incident
from watchkeep.incident.read import incident_read
from watchkeep.incident.severities import list_severities, list_types

PAGE = "incident"

# Actions that change what an incident is about send this event (HX-Trigger), so that panels
# that depend on its content (similar incidents, known errors) fetch themselves again.
CONTENT_CHANGED = "incident-content-changed"

DURATION_LABELS = {
    "time_to_acknowledge": "Time to acknowledge",
    "time_to_mitigate": "Time to mitigate",
    "time_to_resolve": "Time to resolve",
    "time_to_close": "Time to close",
}


def can_respond(actor: Actor) -> bool:
    """Whether the page should offer ``actor`` the controls that change an incident."""
    return at_least(actor.role, Role.RESPONDER)


def shared_context(session: Session, incident: Incident, actor: Actor) -> dict[str, Any]:
    """What every panel of the incident page may use: the incident, its read model and what
    the viewer may do."""
    now = utcnow()
    view = incident_read(session, incident, actor, now=now)
    status = Status(incident.status)
    return {
        "incident": incident,
        "view": view,
        "actor": actor,
        "next_statuses": [s for s in Status if s in view.allowed_next and s is not Status.MERGED],
        "can_merge": Status.MERGED in lifecycle.allowed_next(status),
        "takes_updates": lifecycle.category(status) in (Category.TRIAGE, Category.LIVE),
        "holders": {r.role: r.user for r in view.roles},
        # A merged incident takes no more changes (the services refuse them too).
        "can_edit": can_respond(actor) and status is not Status.MERGED,
        "now": now,
    }


def _active_users(session: Session) -> list[Any]:
    return [u for u in auth.list_users(session) if u.is_active]


def _header(panel: PanelInput) -> dict[str, Any]:
    """The header's status control offers moving on first and reopening apart, so that one
    click never reopens; a live incident is resolved by a final status update instead."""
    current = Status(panel.subject.status)
    order = list(Status)
    choices = [
        s
        for s in panel.shared["next_statuses"]
        if not (s is Status.RESOLVED and lifecycle.is_live(current))
    ]
    return {
        "severities": list_severities(panel.session),
        "types": list_types(panel.session),
        "services": list_services(panel.session),
        "move_on": [s for s in choices if order.index(s) > order.index(current)],
        "reopen": [s for s in choices if order.index(s) < order.index(current)],
        "resolve_by_update": Status.RESOLVED in panel.shared["next_statuses"]
        and lifecycle.is_live(current),
    }


def _roles(panel: PanelInput) -> dict[str, Any]:
    return {
        "role_types": roles.list_role_types(panel.session),
        "users": roles.role_candidates(panel.session),
    }


def _timeline(panel: PanelInput) -> dict[str, Any]:
    return {"entries": timeline.list_entries(panel.session, incident_id=panel.subject.id)}


def _updates(panel: PanelInput) -> dict[str, Any]:
    return {"updates": updates.list_updates(panel.session, incident_id=panel.subject.id)}


def _follow_ups(panel: PanelInput) -> dict[str, Any]:
    return {
        "follow_ups": followups.list_for_incident(panel.session, incident_id=panel.subject.id),
        "priorities": followups.PRIORITIES,
        "users": _active_users(panel.session),
    }


def _fields(panel: PanelInput) -> dict[str, Any]:
    return {"fields": customfields.list_fields(panel.session)}


def _timestamps(panel: PanelInput) -> dict[str, Any]:
    return {"timestamp_names": TIMESTAMP_NAMES, "duration_labels": DURATION_LABELS}


HEADER = Panel("incident-header", "incident/_incident_header.html", _header, slot="header")
UPDATES = Panel("updates", "incident/_updates.html", _updates, slot="main", order=10)
TIMELINE = Panel("timeline", "incident/_timeline.html", _timeline, slot="main", order=20)
ROLES = Panel("roles", "incident/_roles.html", _roles, order=10)
FOLLOW_UPS = Panel("follow-ups", "incident/_follow_ups.html", _follow_ups, order=30)
TIMESTAMPS = Panel("timestamps", "incident/_timestamps.html", _timestamps, order=50)
FIELDS = Panel("fields", "incident/_fields.html", _fields, order=60)

PANELS = (HEADER, UPDATES, TIMELINE, ROLES, FOLLOW_UPS, TIMESTAMPS, FIELDS)


def incident_response(
    request: Request,
    session: Session,
    incident: Incident,
    actor: Actor,
    *panels: Panel,
    announce: str,
    trigger: tuple[str, ...] = (),
) -> Response:
    """After an action: for htmx the changed panels (the first in place, the others out of
    band) and ``announce``, what the action did; for a plain form post a redirect back to
    the incident page, which shows ``announce`` once."""
    if not is_htmx(request):
        return go_to(request, f"/incidents/{incident.reference}#{panels[0].name}", notice=announce)
    shared = shared_context(session, incident, actor)
    return panels_response(
        request, session, incident, shared, panels, announce=announce, trigger=trigger
    )


def field_values(form: FormData, fields: list[CustomField]) -> dict[str, Any]:
    """Custom field values from a form whose inputs are named ``cf_<field id>``.

    An empty input gives ``None`` (which clears the value); validation is the service's job.
    """
    values: dict[str, Any] = {}
    for field in fields:
        key = f"cf_{field.id}"
        if field.kind == "multi_select":
            chosen = [v for v in form.getlist(key) if isinstance(v, str) and v]
            values[field.name] = chosen or None
        else:
            raw = form.get(key)
            values[field.name] = raw.strip() if isinstance(raw, str) and raw.strip() else None
    return values
