"""What the problem templates need, gathered from the services, and how their forms are read."""

import re
from itertools import zip_longest
from typing import Any

from fastapi import Request
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.auth import service as auth
from watchkeep.catalog.service import list_services
from watchkeep.core.actor import Actor, Role, at_least
from watchkeep.core.clock import utcnow
from watchkeep.followup import service as followups
from watchkeep.http.browser import go_to, is_htmx
from watchkeep.http.panels import Panel, PanelInput, PanelSet, panels_response, render_panel
from watchkeep.incident.severities import list_severities
from watchkeep.problem import links, rca
from watchkeep.problem import service as problems
from watchkeep.problem.known_errors import FIX_STATUSES
from watchkeep.problem.lifecycle import ProblemState
from watchkeep.problem.models import Problem
from watchkeep.problem.read import events_read, problem_read

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


def shared_context(session: Session, problem: Problem, actor: Actor) -> dict[str, Any]:
    """What every panel of the problem page may use."""
    now = utcnow()
    return {
        "problem": problem,
        "view": problem_read(session, problem, actor, now=now),
        "actor": actor,
        "can_edit": can_edit(actor),
        "now": now,
    }


def _active_users(session: Session) -> list[Any]:
    return [u for u in auth.list_users(session) if u.is_active]


def _header(panel: PanelInput) -> dict[str, Any]:
    view = panel.shared["view"]
    return {
        "next_states": [s for s in ProblemState if s in view.allowed_next],
        "state_labels": STATE_LABELS,
        "priorities": problems.PRIORITIES,
        "users": _active_users(panel.session),
        "services": list_services(panel.session),
    }


def _impact(panel: PanelInput) -> dict[str, Any]:
    return {"severity_rank": {s.name: s.rank for s in list_severities(panel.session)}}


def _incidents(panel: PanelInput) -> dict[str, Any]:
    actor = panel.shared["actor"]
    return {
        "linked": links.linked_incidents(panel.session, problem_id=panel.subject.id, actor=actor)
    }


def _factors(_panel: PanelInput) -> dict[str, Any]:
    return {"categories": rca.CATEGORIES}


def _known_errors(_panel: PanelInput) -> dict[str, Any]:
    return {"fix_statuses": FIX_STATUSES}


def _actions(panel: PanelInput) -> dict[str, Any]:
    return {
        "action_types": followups.ACTION_TYPES,
        "priorities": problems.PRIORITIES,
        "users": _active_users(panel.session),
    }


def _timeline(panel: PanelInput) -> dict[str, Any]:
    return {"events": events_read(panel.session, panel.subject, panel.shared["actor"])}


HEADER = Panel("problem-header", "problems/_problem_header.html", _header, slot="header")
IMPACT = Panel("impact", "problems/_impact.html", _impact, slot="header", order=10)
INCIDENTS = Panel("linked-incidents", "problems/_linked_incidents.html", _incidents, slot="main")
ROOT_CAUSE = Panel("root-cause", "problems/_root_cause.html", slot="main", order=110)
WHYS = Panel("whys", "problems/_whys.html", slot="main", order=120)
KNOWN_ERRORS = Panel(
    "known-errors", "problems/_known_errors.html", _known_errors, slot="main", order=130
)
TIMELINE = Panel(
    "problem-timeline", "problems/_problem_timeline.html", _timeline, slot="main", order=140
)
ACTIONS = Panel("actions", "problems/_actions.html", _actions, slot="side")
FACTORS = Panel("factors", "problems/_factors.html", _factors, slot="side", order=110)

PAGE = PanelSet.of(
    "problem", HEADER, IMPACT, INCIDENTS, ROOT_CAUSE, WHYS, KNOWN_ERRORS, TIMELINE, ACTIONS, FACTORS
)
SLOTS = ("header", "main", "side")


def page_panels(
    request: Request, session: Session, problem: Problem, actor: Actor
) -> dict[str, list[Markup]]:
    """Every panel of the problem page, drawn, by slot."""
    shared = shared_context(session, problem, actor)
    return {
        slot: [render_panel(request, session, p, problem, shared) for p in PAGE.slot(slot)]
        for slot in SLOTS
    }


def problem_response(
    request: Request,
    session: Session,
    problem: Problem,
    actor: Actor,
    *panels: Panel,
    announce: str,
) -> Response:
    """After an action: for htmx the changed panels (the first in place, the others out of
    band) and ``announce``, what the action did; for a plain form post a redirect back to
    the problem page, which shows ``announce`` once."""
    if not is_htmx(request):
        return go_to(request, f"/problems/{problem.reference}#{panels[0].name}", notice=announce)
    shared = shared_context(session, problem, actor)
    return panels_response(request, session, problem, shared, panels, announce=announce)


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
