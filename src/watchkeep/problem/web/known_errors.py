"""Known errors: recorded on the problem page, searched in the known-error database, edited
on their own page."""

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.core.limits import TITLE_LENGTH
from watchkeep.http.browser import WebActor, WebResponder, WebRoute, answer_form, is_htmx
from watchkeep.http.deps import DbSession
from watchkeep.http.templates import render
from watchkeep.problem import known_errors
from watchkeep.problem import service as problems
from watchkeep.problem.known_errors import FIX_STATUSES
from watchkeep.problem.read import known_error_read
from watchkeep.problem.web.context import (
    KNOWN_ERRORS,
    TIMELINE,
    can_edit,
    lines,
    names,
    problem_response,
)

router = APIRouter(route_class=WebRoute)

SEARCH_LIMIT = 100


@router.post("/problems/{ref}/known-errors")
def record_known_error(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    title: str = Form("", max_length=TITLE_LENGTH),
    symptoms: str = Form(""),
    workaround: str = Form(""),
    fix_status: str = Form("none"),
    fix_link: str = Form(""),
    alert_names: str = Form(""),
) -> Response:
    """Record a known error of the problem: symptoms, workaround steps (one a line), fix."""
    problem = problems.get(session, ref=ref)
    known = known_errors.create(
        session,
        actor=actor,
        problem=problem,
        title=title,
        symptoms=symptoms,
        workaround=lines(workaround),
        fix_status=fix_status,
        fix_link=fix_link.strip(),
        alert_names=names(alert_names),
        now=utcnow(),
    )
    return problem_response(
        request,
        session,
        problem,
        actor,
        KNOWN_ERRORS,
        TIMELINE,
        announce=f"Known error {known.reference} recorded.",
    )


@router.get("/known-errors")
def known_error_database(
    request: Request, session: DbSession, _actor: WebActor, q: str = "", retired: str = ""
) -> Response:
    """The known-error database: search symptoms and titles, read the workarounds."""
    found = known_errors.search(
        session, text=q.strip() or None, active_only=not retired, limit=SEARCH_LIMIT
    )
    return render(
        request,
        "known_errors/_results.html" if is_htmx(request) else "known_errors/list.html",
        known_errors=[known_error_read(k) for k in found],
        q=q,
        retired=bool(retired),
        limit=SEARCH_LIMIT,
    )


def _render_known_error(request: Request, ref: str, session: Session, actor: Actor) -> Response:
    known = known_errors.get(session, ref=ref)
    return render(
        request,
        "known_errors/_detail.html" if is_htmx(request) else "known_errors/page.html",
        known=known_error_read(known),
        problem=known.problem,
        fix_statuses=FIX_STATUSES,
        can_edit=can_edit(actor),
    )


@router.get("/known-errors/{ref}")
def known_error_page(ref: str, request: Request, session: DbSession, actor: WebActor) -> Response:
    """One known error, with its problem and (for responders) the edit form."""
    return _render_known_error(request, ref, session, actor)


@router.post("/known-errors/{ref}")
def edit_known_error(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    title: str = Form("", max_length=TITLE_LENGTH),
    symptoms: str = Form(""),
    workaround: str = Form(""),
    fix_status: str = Form("none"),
    fix_link: str = Form(""),
    alert_names: str = Form(""),
    active: bool = Form(False),
) -> Response:
    """Save the edit form (every field, as the form shows them)."""
    known = known_errors.get(session, ref=ref)
    known_errors.update(
        session,
        known=known,
        actor=actor,
        title=title,
        symptoms=symptoms,
        workaround=lines(workaround),
        fix_status=fix_status,
        fix_link=fix_link.strip(),
        alert_names=names(alert_names),
        active=active,
        now=utcnow(),
    )
    return answer_form(
        request,
        url=f"/known-errors/{known.reference}",
        notice=f"{known.reference} saved.",
        fragment=lambda: _render_known_error(request, ref, session, actor),
    )
