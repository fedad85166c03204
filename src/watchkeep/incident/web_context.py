"""What the incident templates need, gathered from the services, and how their forms are read."""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from watchkeep.auth import service as auth
from watchkeep.auth.actor import Actor, Role, at_least
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid
from watchkeep.incident import lifecycle
from watchkeep.incident.customfield import service as customfields
from watchkeep.incident.customfield.models import CustomField
from watchkeep.incident.followup import service as followups
from watchkeep.incident.lifecycle import Category, Status
from watchkeep.incident.models import TIMESTAMP_NAMES, Incident
from watchkeep.incident.role import service as roles
from watchkeep.incident.severity.service import list_severities
from watchkeep.incident.statusupdate import service as updates
from watchkeep.incident.timeline import service as timeline
from watchkeep.incident.views import incident_read
from watchkeep.problem import links as problem_links
from watchkeep.problem.matching import matches_for_incident
from watchkeep.web.auth import is_htmx, see_other
from watchkeep.web.pages import render

# The parts of the incident page that actions swap in place (element ids in the templates).
HEADER = "incident-header"
ROLES = "roles"
TIMELINE = "timeline"
UPDATES = "updates"
FOLLOW_UPS = "follow-ups"
FIELDS = "fields"
TIMESTAMPS = "timestamps"
PROBLEMS = "problems"
KNOWN_ERROR_MATCHES = "known-error-matches"

# Known-error matching runs as a job after the incident is stored; for this long after a
# change the banner asks again every few seconds (htmx), so that a match shows up by itself.
MATCH_WAIT_SECONDS = 60

DURATION_LABELS = {
    "time_to_acknowledge": "Time to acknowledge",
    "time_to_mitigate": "Time to mitigate",
    "time_to_resolve": "Time to resolve",
    "time_to_close": "Time to close",
}


def can_respond(actor: Actor) -> bool:
    """Whether the page should offer ``actor`` the controls that change an incident."""
    return at_least(actor.role, Role.RESPONDER)


def problem_panels(session: Session, incident: Incident) -> dict[str, Any]:
    """The incident's problems and the known errors it matches (not the dismissed ones)."""
    matches = matches_for_incident(session, incident_id=incident.id)
    return {
        "problems": problem_links.problems_of_incident(session, incident_id=incident.id),
        "matches": matches,
        "awaiting_matches": not matches
        and (utcnow() - incident.updated_at).total_seconds() < MATCH_WAIT_SECONDS,
    }


def incident_context(session: Session, incident: Incident, actor: Actor) -> dict[str, Any]:
    """Everything the incident page and its fragments show."""
    view = incident_read(session, incident, actor)
    status = Status(incident.status)
    return {
        "incident": incident,
        "view": view,
        "next_statuses": [s for s in Status if s in view.allowed_next and s is not Status.MERGED],
        "can_merge": Status.MERGED in lifecycle.allowed_next(status),
        "takes_updates": lifecycle.category(status) in (Category.TRIAGE, Category.LIVE),
        "entries": timeline.list_entries(session, incident_id=incident.id),
        "updates": updates.list_updates(session, incident_id=incident.id),
        "follow_ups": followups.list_for_incident(session, incident_id=incident.id),
        "priorities": followups.PRIORITIES,
        "fields": customfields.list_fields(session),
        "role_types": roles.list_role_types(session),
        "holders": {r.role: r.user for r in view.roles},
        "users": [u for u in auth.list_users(session) if u.is_active],
        "severities": list_severities(session),
        "timestamp_names": TIMESTAMP_NAMES,
        "duration_labels": DURATION_LABELS,
        "can_edit": can_respond(actor),
        "now": utcnow(),
        **problem_panels(session, incident),
    }


def incident_response(
    request: Request, session: Session, incident: Incident, actor: Actor, *parts: str
) -> Response:
    """After an action: for htmx the changed parts (the first in place, the others out of
    band); for a plain form post a redirect back to the incident page."""
    if not is_htmx(request):
        return see_other(f"/incidents/{incident.reference}#{parts[0]}")
    context = incident_context(session, incident, actor)
    return render(request, "incident/_parts.html", parts=parts, **context)


async def posted_form(request: Request) -> FormData:
    """The posted form, parsed once for the whole request (routes with dynamic field names)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


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


def parse_local_utc(value: str | None, name: str) -> datetime | None:
    """A ``datetime-local`` input read as UTC; empty means none."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise Invalid(f"{name} must be a date and time like 2024-05-01T14:30", field=name) from None


def parse_day(value: str | None, name: str, *, end: bool = False) -> datetime | None:
    """A ``date`` input as the UTC instant it starts (or, with ``end``, the next day's start)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{name} must be a date like 2024-05-01", field=name) from None
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start + timedelta(days=1) if end else start


def parse_id(value: str | None, name: str) -> int | None:
    """An optional numeric id from a select whose empty option means "any"."""
    if not value:
        return None
    if not value.isdigit():
        raise Invalid(f"{name} must be a number", field=name)
    return int(value)
