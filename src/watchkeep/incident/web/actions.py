"""Incident controls: what it is about, status, merge, severity, roles, custom fields and
timestamps.

Each route calls one service and answers with :func:`incident_response`: the changed parts
of the page for htmx, a redirect for a plain form post. Service errors propagate, so the
request's transaction rolls back and the error handler shows the message.
"""

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from watchkeep.core.clock import utcnow
from watchkeep.core.limits import NAME_LENGTH, QueryId
from watchkeep.http.browser import WebResponder, WebRoute
from watchkeep.http.deps import DbSession
from watchkeep.http.forms import PostedForm, parse_local
from watchkeep.http.timefmt import viewer_zone
from watchkeep.incident import customfields, roles, timestamps
from watchkeep.incident import service as incidents
from watchkeep.incident.access import get_visible
from watchkeep.incident.models import Incident
from watchkeep.incident.status import merge, transition
from watchkeep.incident.web.panels import (
    CONTENT_CHANGED,
    FIELDS,
    HEADER,
    ROLES,
    TIMELINE,
    TIMESTAMPS,
    UPDATES,
    field_values,
    incident_response,
)

router = APIRouter(prefix="/incidents/{ref}", route_class=WebRoute)


def _about(incident: Incident) -> dict[str, object]:
    """What the edit form changes, to tell what an edit did."""
    return {
        "title": incident.title,
        "summary": incident.summary,
        "type": incident.type_id,
        "services": sorted(s.id for s in incident.services),
    }


def _saved(changed: list[str]) -> str:
    if not changed:
        return "Nothing to save: the incident already says this."
    words = changed[0] if len(changed) == 1 else f"{', '.join(changed[:-1])} and {changed[-1]}"
    return f"Saved the {words}."


@router.post("/edit")
def edit_incident(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    title: str = Form(""),
    summary: str = Form(""),
    incident_type: str = Form(""),
    service_ids: list[int] = Form([]),
) -> Response:
    """Change the title, summary, type and affected services (each change is recorded on
    the timeline, as the API's edit does)."""
    incident = get_visible(session, ref=ref, actor=actor)
    before = _about(incident)
    incidents.update(
        session,
        incident=incident,
        actor=actor,
        title=title,
        summary=summary,
        incident_type=incident_type or None,
        service_ids=service_ids,
        now=utcnow(),
    )
    after = _about(incident)
    changed = [name for name in before if before[name] != after[name]]
    return incident_response(
        request,
        session,
        incident,
        actor,
        HEADER,
        TIMELINE,
        announce=_saved(changed),
        trigger=(CONTENT_CHANGED,) if set(changed) - {"type"} else (),
    )


@router.post("/status")
def change_status(
    ref: str, request: Request, session: DbSession, actor: WebResponder, status: str = Form("")
) -> Response:
    """Move the incident to another status (only those allowed next are offered)."""
    incident = get_visible(session, ref=ref, actor=actor)
    transition(session, incident=incident, actor=actor, status=status, now=utcnow())
    return incident_response(
        request,
        session,
        incident,
        actor,
        HEADER,
        TIMELINE,
        UPDATES,
        TIMESTAMPS,
        announce=f"Status changed to {incident.status.capitalize()}.",
    )


@router.post("/merge")
def merge_into(
    ref: str, request: Request, session: DbSession, actor: WebResponder, into: str = Form("")
) -> Response:
    """Merge this triage incident into another one."""
    incident = get_visible(session, ref=ref, actor=actor)
    merge(session, incident=incident, actor=actor, into=into, now=utcnow())
    return incident_response(
        request,
        session,
        incident,
        actor,
        HEADER,
        TIMELINE,
        UPDATES,
        TIMESTAMPS,
        announce=f"{incident.reference} merged into {into.strip().upper()}.",
    )


@router.post("/severity")
def change_severity(
    ref: str, request: Request, session: DbSession, actor: WebResponder, severity: str = Form("")
) -> Response:
    """Raise or lower the severity."""
    incident = get_visible(session, ref=ref, actor=actor)
    incidents.update(session, incident=incident, actor=actor, severity=severity, now=utcnow())
    return incident_response(
        request,
        session,
        incident,
        actor,
        HEADER,
        TIMELINE,
        announce=f"Severity set to {incident.severity.name}.",
    )


@router.post("/roles/{role}")
def assign_role(
    ref: str,
    role: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    user_id: QueryId = Form(),
) -> Response:
    """Give a role to someone (it replaces the current holder)."""
    incident = get_visible(session, ref=ref, actor=actor)
    held = roles.assign(
        session, incident=incident, role=role, user_id=user_id, actor=actor, now=utcnow()
    )
    return incident_response(
        request,
        session,
        incident,
        actor,
        ROLES,
        TIMELINE,
        HEADER,
        announce=f"{held.user.name} is now {held.role_type.name}.",
    )


@router.post("/roles/{role}/unassign")
def unassign_role(
    ref: str, role: str, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    """Leave a role unheld."""
    incident = get_visible(session, ref=ref, actor=actor)
    roles.unassign(session, incident=incident, role=role, actor=actor, now=utcnow())
    name = roles.get_role_type(session, ref=role).name
    return incident_response(
        request,
        session,
        incident,
        actor,
        ROLES,
        TIMELINE,
        HEADER,
        announce=f"Nobody is {name} now.",
    )


@router.post("/fields")
def edit_fields(
    ref: str, request: Request, session: DbSession, actor: WebResponder, form: PostedForm
) -> Response:
    """Set every custom field from the form (an empty input clears its value)."""
    incident = get_visible(session, ref=ref, actor=actor)
    values = field_values(form, customfields.list_fields(session))
    incidents.update(session, incident=incident, actor=actor, custom_fields=values, now=utcnow())
    return incident_response(
        request, session, incident, actor, FIELDS, TIMELINE, announce="Custom fields saved."
    )


@router.post("/timestamps")
def set_timestamp(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    name: str = Form("", max_length=NAME_LENGTH),
    value: str = Form(""),
) -> Response:
    """Correct one timestamp by hand (the form's time is the viewer's; empty clears it)."""
    incident = get_visible(session, ref=ref, actor=actor)
    timestamps.set_timestamp(
        session,
        incident=incident,
        actor=actor,
        name=name,
        value=parse_local(value, "value", viewer_zone(request)),
        now=utcnow(),
    )
    what = name.replace("_at", "").replace("_", " ").capitalize()
    return incident_response(
        request,
        session,
        incident,
        actor,
        TIMESTAMPS,
        TIMELINE,
        announce=f"{what} time set." if value.strip() else f"{what} time cleared.",
    )
