"""What the problem templates need, gathered from the services, and how their forms are read."""

import re
from itertools import zip_longest
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.auth import service as auth
from watchkeep.catalog.service import list_services
from watchkeep.core.actor import Actor, Role, at_least
from watchkeep.core.clock import utcnow
from watchkeep.followup import service as followups
from watchkeep.http.templates import render
from watchkeep.http.web import is_htmx, see_other
from watchkeep.incident.severities import list_severities
from watchkeep.problem import links, rca
from watchkeep.problem import service as problems
from watchkeep.problem.known_errors import FIX_STATUSES
from watchkeep.problem.lifecycle import ProblemState
from watchkeep.problem.models import Problem
from watchkeep.problem.read import events_read, problem_read

# The parts of the problem page that actions swap in place (element ids in the templates).
HEADER = "problem-header"
IMPACT = "impact"
INCIDENTS = "linked-incidents"
ROOT_CAUSE = "root-cause"
WHYS = "whys"
FACTORS = "factors"
KNOWN_ERRORS = "known-errors"
ACTIONS = "actions"
TIMELINE = "problem-timeline"

STATE_LABELS = {
    ProblemState.NEW: "New",
    ProblemState.INVESTIGATING: "Investigating",
    ProblemState.ROOT_CAUSE_IDENTIFIED: "Root cause identified",
    ProblemState.KNOWN_ERROR: "Known error",
    ProblemState.FIX_IN_PROGRESS: "Fix in progress",
    ProblemState.RESOLVED: "Resolved",
    ProblemState.CLOSED: "Closed",
    ProblemState.CANCELED: "Canceled",
}

_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def can_edit(actor: Actor) -> bool:
    """Whether the page should offer ``actor`` the controls that change a problem."""
    return at_least(actor.role, Role.RESPONDER)


def problem_context(session: Session, problem: Problem, actor: Actor) -> dict[str, Any]:
    """Everything the problem page and its fragments show."""
    now = utcnow()
    view = problem_read(session, problem, actor, now=now)
    return {
        "problem": problem,
        "view": view,
        "linked": links.linked_incidents(session, problem_id=problem.id, actor=actor),
        "next_states": [s for s in ProblemState if s in view.allowed_next],
        "state_labels": STATE_LABELS,
        "events": events_read(session, problem, actor),
        "severity_rank": {s.name: s.rank for s in list_severities(session)},
        "categories": rca.CATEGORIES,
        "fix_statuses": FIX_STATUSES,
        "action_types": followups.ACTION_TYPES,
        "priorities": problems.PRIORITIES,
        "users": [u for u in auth.list_users(session) if u.is_active],
        "services": list_services(session),
        "can_edit": can_edit(actor),
        "now": now,
    }


def problem_response(
    request: Request, session: Session, problem: Problem, actor: Actor, *parts: str
) -> Response:
    """After an action: for htmx the changed parts (the first in place, the others out of
    band); for a plain form post a redirect back to the problem page."""
    if not is_htmx(request):
        return see_other(f"/problems/{problem.reference}#{parts[0]}")
    context = problem_context(session, problem, actor)
    return render(request, "problems/_parts.html", parts=parts, **context)


def go_to(request: Request, url: str) -> Response:
    """Send the browser to another page after a post (``HX-Redirect`` for htmx)."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return see_other(url)


def lines(text: str) -> list[str]:
    """One item a line, bullets and numbering ("- ", "1. ") dropped, blank lines skipped."""
    return [_BULLET.sub("", line).strip() for line in text.splitlines() if line.strip()]


def names(text: str) -> list[str]:
    """Names separated by commas or new lines."""
    return [n.strip() for n in re.split(r"[,\n]", text) if n.strip()]


def why_steps(questions: list[str], answers: list[str]) -> list[tuple[str, str]]:
    """The 5-whys rows of the form, in order; a row left entirely blank is dropped."""
    rows = zip_longest(questions, answers, fillvalue="")
    return [(q, a) for q, a in rows if q.strip() or a.strip()]
