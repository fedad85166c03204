"""Incidents explained by the problem: link and unlink them from the problem page."""

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from watchkeep.core.clock import utcnow
from watchkeep.http.browser import WebResponder, WebRoute
from watchkeep.http.deps import DbSession
from watchkeep.problem import links
from watchkeep.problem import service as problems
from watchkeep.problem.web.context import IMPACT, INCIDENTS, TIMELINE, problem_response

router = APIRouter(prefix="/problems/{ref}", route_class=WebRoute)


@router.post("/incidents")
def link_incident(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    incident: str = Form(""),
    reason: str = Form(""),
) -> Response:
    """Link an incident (INC-<n>) to the problem, saying why."""
    problem = problems.get(session, ref=ref)
    links.link(
        session, problem=problem, incident_ref=incident, actor=actor, reason=reason, now=utcnow()
    )
    announce = f"{incident.strip().upper()} linked to {problem.reference}."
    return problem_response(
        request, session, problem, actor, INCIDENTS, IMPACT, TIMELINE, announce=announce
    )


@router.post("/incidents/{incident}/unlink")
def unlink_incident(
    ref: str, incident: str, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    """Take an incident off the problem."""
    problem = problems.get(session, ref=ref)
    links.unlink(session, problem=problem, incident_ref=incident, actor=actor, now=utcnow())
    announce = f"{incident.upper()} unlinked from {problem.reference}."
    return problem_response(
        request, session, problem, actor, INCIDENTS, IMPACT, TIMELINE, announce=announce
    )
