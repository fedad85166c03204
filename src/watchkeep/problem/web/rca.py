"""Root-cause analysis on the problem page: the 5-whys chain, contributing factors and the
root-cause statement. Every edit lands on the problem's timeline with what it replaced."""

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from watchkeep.core.clock import utcnow
from watchkeep.http.browser import WebResponder, WebRoute
from watchkeep.http.deps import DbSession
from watchkeep.problem import rca
from watchkeep.problem import service as problems
from watchkeep.problem.web.context import (
    FACTORS,
    HEADER,
    ROOT_CAUSE,
    TIMELINE,
    WHYS,
    problem_response,
    why_steps,
)

router = APIRouter(prefix="/problems/{ref}", route_class=WebRoute)


@router.post("/whys")
def save_whys(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    question: list[str] = Form([]),
    answer: list[str] = Form([]),
) -> Response:
    """Replace the 5-whys chain with the rows of the form (blank rows are left out)."""
    problem = problems.get(session, ref=ref)
    rca.set_whys(
        session, problem=problem, actor=actor, steps=why_steps(question, answer), now=utcnow()
    )
    return problem_response(
        request, session, problem, actor, WHYS, TIMELINE, announce="Five whys saved."
    )


@router.post("/factors")
def add_factor(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    category: str = Form(""),
    description: str = Form(""),
) -> Response:
    """Add a contributing factor with its category."""
    problem = problems.get(session, ref=ref)
    rca.add_factor(
        session,
        problem=problem,
        actor=actor,
        category=category,
        description=description,
        now=utcnow(),
    )
    return problem_response(
        request, session, problem, actor, FACTORS, TIMELINE, announce="Contributing factor added."
    )


@router.post("/factors/{factor_id:id}/remove")
def remove_factor(
    ref: str, factor_id: int, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    """Take a contributing factor off the analysis (the timeline keeps it)."""
    problem = problems.get(session, ref=ref)
    rca.remove_factor(session, problem=problem, actor=actor, factor_id=factor_id, now=utcnow())
    return problem_response(
        request, session, problem, actor, FACTORS, TIMELINE, announce="Contributing factor removed."
    )


@router.post("/root-cause")
def save_root_cause(
    ref: str, request: Request, session: DbSession, actor: WebResponder, statement: str = Form("")
) -> Response:
    """Write or revise the root-cause statement."""
    problem = problems.get(session, ref=ref)
    rca.set_root_cause(session, problem=problem, actor=actor, statement=statement, now=utcnow())
    return problem_response(
        request,
        session,
        problem,
        actor,
        ROOT_CAUSE,
        HEADER,
        TIMELINE,
        announce="Root cause saved.",
    )
