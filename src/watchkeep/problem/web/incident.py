"""Problem management on the incident page: the panels of its problems and of the known
errors it matches, and their actions.

Raising a problem from the incident posts to ``/problems/raise`` (see ``web_pages``).
"""

from typing import Any

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from watchkeep.core.clock import utcnow
from watchkeep.http.browser import WebResponder, WebRoute
from watchkeep.http.deps import DbSession
from watchkeep.http.panels import Panel, PanelInput
from watchkeep.incident.access import get_visible
from watchkeep.incident.web.panels import TIMELINE, incident_response
from watchkeep.problem import links
from watchkeep.problem import service as problems
from watchkeep.problem.matching import dismiss_match, matches_for_incident

router = APIRouter(prefix="/incidents/{ref}", route_class=WebRoute)

# Known-error matching runs as a job after the incident is stored; for this long after a
# change the banner asks again every few seconds (htmx), so that a match shows up by itself.
MATCH_WAIT_SECONDS = 60


def _problems(panel: PanelInput) -> dict[str, Any]:
    return {"problems": links.problems_of_incident(panel.session, incident_id=panel.subject.id)}


def _matches(panel: PanelInput) -> dict[str, Any]:
    """The known errors the incident matches (not the dismissed ones)."""
    matches = matches_for_incident(panel.session, incident_id=panel.subject.id)
    waited = (panel.shared["now"] - panel.subject.updated_at).total_seconds()
    return {"matches": matches, "awaiting_matches": not matches and waited < MATCH_WAIT_SECONDS}


PROBLEMS = Panel("problems", "problems/_incident_problems.html", _problems, order=20)
KNOWN_ERROR_MATCHES = Panel(
    "known-error-matches", "problems/_incident_known_errors.html", _matches, slot="banner"
)
INCIDENT_PANELS = (KNOWN_ERROR_MATCHES, PROBLEMS)


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
    links.link(
        session,
        problem=found,
        incident_ref=incident.reference,
        actor=actor,
        reason=reason,
        now=utcnow(),
    )
    return incident_response(
        request,
        session,
        incident,
        actor,
        PROBLEMS,
        TIMELINE,
        announce=f"Linked to {found.reference}.",
    )


@router.post("/problems/{problem}/unlink")
def unlink_from_problem(
    ref: str, problem: str, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    """Take the incident off a problem."""
    incident = get_visible(session, ref=ref, actor=actor)
    found = problems.get(session, ref=problem)
    links.unlink(session, problem=found, incident_ref=incident.reference, actor=actor, now=utcnow())
    return incident_response(
        request,
        session,
        incident,
        actor,
        PROBLEMS,
        TIMELINE,
        announce=f"No longer linked to {found.reference}.",
    )


@router.post("/known-errors/{known_error_id:id}/dismiss")
def dismiss(
    ref: str, known_error_id: int, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    """Say that the incident is not this known error after all."""
    incident = get_visible(session, ref=ref, actor=actor)
    dismiss_match(
        session, incident=incident, known_error_id=known_error_id, actor=actor, now=utcnow()
    )
    return incident_response(
        request,
        session,
        incident,
        actor,
        KNOWN_ERROR_MATCHES,
        TIMELINE,
        announce="Known error dismissed for this incident.",
    )
