"""Problem pages: the list, the new-problem form, raising one from incidents, the problem."""

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from watchkeep.auth import service as auth
from watchkeep.catalog.service import list_services
from watchkeep.core.clock import utcnow
from watchkeep.core.limits import MAX_PAGE, TITLE_LENGTH, QueryId
from watchkeep.http.browser import WebActor, WebResponder, WebRoute, go_to, is_htmx
from watchkeep.http.deps import DbSession
from watchkeep.http.forms import parse_id
from watchkeep.http.templates import render
from watchkeep.problem import links
from watchkeep.problem import service as problems
from watchkeep.problem.lifecycle import ProblemState
from watchkeep.problem.service import ProblemFilter
from watchkeep.problem.web.context import STATE_LABELS, page_panels

router = APIRouter(route_class=WebRoute)

PAGE_SIZE = 25


@router.get("/problems")
def problem_list(
    request: Request,
    session: DbSession,
    _actor: WebActor,
    state: str = "",
    open_only: str = Query("", alias="open"),
    priority: str = "",
    service: str = "",
    q: str = "",
    page: int = Query(1, ge=1, le=MAX_PAGE),
) -> Response:
    """Problems, most recently changed first, filtered and a page at a time."""
    flt = ProblemFilter(
        states=(state,) if state else (),
        open_only=bool(open_only),
        priority=priority or None,
        service_id=parse_id(service, "service"),
        text=q.strip() or None,
    )
    rows, more = problems.list_problems(
        session, flt=flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return render(
        request,
        "problems/_results.html" if is_htmx(request) else "problems/list.html",
        problems=rows,
        page=page,
        prev_query=request.url.include_query_params(page=page - 1).query if page > 1 else None,
        next_query=request.url.include_query_params(page=page + 1).query if more else None,
        filters={
            "state": state,
            "open": open_only,
            "priority": priority,
            "service": service,
            "q": q,
        },
        states=list(ProblemState),
        state_labels=STATE_LABELS,
        priorities=problems.PRIORITIES,
        services=list_services(session),
    )


@router.get("/problems/new")
def new_problem_form(request: Request, session: DbSession, actor: WebResponder) -> Response:
    """The form for a problem that no incident raised (yet)."""
    return render(
        request,
        "problems/new.html",
        priorities=problems.PRIORITIES,
        users=[u for u in auth.list_users(session) if u.is_active],
        services=list_services(session),
        owner_id=actor.user_id,
    )


@router.post("/problems")
def create_problem(
    request: Request,
    session: DbSession,
    actor: WebResponder,
    title: str = Form("", max_length=TITLE_LENGTH),
    description: str = Form(""),
    priority: str = Form("medium"),
    owner_id: QueryId | None = Form(None),
    service_ids: list[QueryId] = Form([]),
) -> Response:
    """Open the problem and go to its page."""
    problem = problems.create(
        session,
        actor=actor,
        title=title,
        description=description,
        priority=priority,
        owner_id=owner_id,
        service_ids=service_ids,
        now=utcnow(),
    )
    return go_to(request, f"/problems/{problem.reference}", notice=f"{problem.reference} opened.")


@router.post("/problems/raise")
def raise_problem(
    request: Request,
    session: DbSession,
    actor: WebResponder,
    incidents: list[str] = Form([]),
    title: str = Form("", max_length=TITLE_LENGTH),
) -> Response:
    """Raise a problem from one incident (its page) or several (the incident list)."""
    problem = links.raise_from_incidents(
        session, actor=actor, incident_refs=incidents, title=title.strip() or None, now=utcnow()
    )
    return go_to(request, f"/problems/{problem.reference}", notice=f"{problem.reference} raised.")


@router.get("/problems/{ref}")
def problem_page(ref: str, request: Request, session: DbSession, actor: WebActor) -> Response:
    """One problem: impact, incidents, root-cause analysis, known errors, actions, timeline."""
    problem = problems.get(session, ref=ref)
    return render(
        request,
        "problems/page.html",
        problem=problem,
        panels=page_panels(request, session, problem, actor),
    )
