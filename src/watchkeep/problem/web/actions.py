"""Problem controls: state, details, and the corrective/preventive/detective actions.

Each route calls one service and answers with :func:`problem_response`: the changed parts of
the page for htmx, a redirect for a plain form post. Service errors propagate, so the
request's transaction rolls back and the error handler shows the message inline.
"""

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from watchkeep.core.clock import utcnow
from watchkeep.core.limits import TITLE_LENGTH, QueryId
from watchkeep.http.browser import WebResponder, WebRoute
from watchkeep.http.deps import DbSession
from watchkeep.problem import followups
from watchkeep.problem import service as problems
from watchkeep.problem.lifecycle import ProblemState
from watchkeep.problem.web.context import (
    ACTIONS,
    HEADER,
    IMPACT,
    STATE_LABELS,
    TIMELINE,
    problem_response,
)

router = APIRouter(prefix="/problems/{ref}", route_class=WebRoute)


@router.post("/state")
def change_state(
    ref: str, request: Request, session: DbSession, actor: WebResponder, state: str = Form("")
) -> Response:
    """Move the problem to another state (only those allowed next are offered)."""
    problem = problems.get(session, ref=ref)
    problems.transition(session, problem=problem, actor=actor, state=state, now=utcnow())
    label = STATE_LABELS[ProblemState(problem.state)]
    return problem_response(
        request,
        session,
        problem,
        actor,
        HEADER,
        IMPACT,
        TIMELINE,
        announce=f"State is now {label}.",
    )


@router.post("/details")
def edit_details(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    title: str = Form("", max_length=TITLE_LENGTH),
    description: str = Form(""),
    priority: str = Form(""),
    owner_id: QueryId | None = Form(None),
    service_ids: list[QueryId] = Form([]),
) -> Response:
    """Change the title, description, priority, owner and affected services."""
    problem = problems.get(session, ref=ref)
    problems.update(
        session,
        problem=problem,
        actor=actor,
        title=title,
        description=description,
        priority=priority or None,
        owner_id=owner_id,
        service_ids=service_ids,
        now=utcnow(),
    )
    return problem_response(
        request, session, problem, actor, HEADER, TIMELINE, announce="Problem details saved."
    )


@router.post("/follow-ups")
def add_action(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    title: str = Form("", max_length=TITLE_LENGTH),
    action_type: str = Form("corrective"),
    owner_id: QueryId | None = Form(None),
    priority: str = Form("medium"),
) -> Response:
    """Add a corrective, preventive or detective action."""
    problem = problems.get(session, ref=ref)
    followups.add(
        session,
        problem=problem,
        actor=actor,
        title=title,
        action_type=action_type,
        owner_id=owner_id,
        priority=priority,
        now=utcnow(),
    )
    return problem_response(
        request, session, problem, actor, ACTIONS, TIMELINE, announce="Action added."
    )


@router.post("/follow-ups/{follow_up_id:id}/status")
def change_action_status(
    ref: str,
    follow_up_id: int,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    status: str = Form(""),
    not_doing_reason: str | None = Form(None),
) -> Response:
    """Complete an action, reopen it, or mark it not doing (with a reason)."""
    problem = problems.get(session, ref=ref)
    followups.change(
        session,
        problem=problem,
        actor=actor,
        follow_up_id=follow_up_id,
        status=status,
        not_doing_reason=not_doing_reason,
        now=utcnow(),
    )
    return problem_response(
        request,
        session,
        problem,
        actor,
        ACTIONS,
        TIMELINE,
        announce=f"Action marked {status.replace('_', ' ')}.",
    )
