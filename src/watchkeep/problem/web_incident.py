"""Problem management on the incident page: its problems, known-error matches.

Raising a problem from the incident posts to ``/problems/raise`` (see ``web_pages``).
"""

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from watchkeep.api.deps import DbSession
from watchkeep.incident.access import get_visible
from watchkeep.incident.web_context import (
    KNOWN_ERROR_MATCHES,
    PROBLEMS,
    TIMELINE,
    can_respond,
    incident_response,
    problem_panels,
)
from watchkeep.problem import links
from watchkeep.problem import service as problems
from watchkeep.problem.matching import dismiss_match
from watchkeep.web.auth import WebActor, WebResponder, WebRoute
from watchkeep.web.pages import render

router = APIRouter(prefix="/incidents/{ref}", route_class=WebRoute)


@router.post("/problems")
def link_to_problem(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    problem: str = Form(""),
    reason: str = Form(""),
) -> Response:
    """Link the incident to an existing problem (PRB-<n>), saying why."""
    incident = get_visible(session, ref=ref, actor=actor)
    found = problems.get(session, ref=problem)
    links.link(session, problem=found, incident_ref=incident.reference, actor=actor, reason=reason)
    return incident_response(request, session, incident, actor, PROBLEMS, TIMELINE)


@router.post("/problems/{problem}/unlink")
def unlink_from_problem(
    ref: str, problem: str, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    """Take the incident off a problem."""
    incident = get_visible(session, ref=ref, actor=actor)
    found = problems.get(session, ref=problem)
    links.unlink(session, problem=found, incident_ref=incident.reference, actor=actor)
    return incident_response(request, session, incident, actor, PROBLEMS, TIMELINE)


@router.get("/known-errors")
def known_error_matches(
    ref: str, request: Request, session: DbSession, actor: WebActor
) -> Response:
    """The known-error banner alone (the page polls it for a little while after declaring,
    since matching runs as a job once the incident is stored)."""
    incident = get_visible(session, ref=ref, actor=actor)
    return render(
        request,
        "incident/_known_error_matches.html",
        incident=incident,
        can_edit=can_respond(actor),
        **problem_panels(session, incident),
    )


@router.post("/known-errors/{known_error_id}/dismiss")
def dismiss(
    ref: str, known_error_id: int, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    """Say that the incident is not this known error after all."""
    incident = get_visible(session, ref=ref, actor=actor)
    dismiss_match(session, incident=incident, known_error_id=known_error_id, actor=actor)
    return incident_response(request, session, incident, actor, KNOWN_ERROR_MATCHES, TIMELINE)
