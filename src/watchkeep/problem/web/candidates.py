"""Problem candidates: clusters of similar incidents that no problem explains yet, proposed
by a periodic job with their evidence; accept one to open the problem, or dismiss it."""

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.http.browser import WebActor, WebResponder, WebRoute, answer_form, go_to, is_htmx
from watchkeep.http.deps import DbSession
from watchkeep.http.templates import render
from watchkeep.problem import candidates
from watchkeep.problem.web.context import can_edit

router = APIRouter(prefix="/problems/candidates", route_class=WebRoute)

CANDIDATES = "/problems/candidates"


def _render(request: Request, session: Session, actor: Actor, template: str) -> Response:
    return render(
        request,
        template,
        candidates=candidates.list_candidates(session, actor=actor),
        can_edit=can_edit(actor),
    )


@router.get("")
def candidate_list(request: Request, session: DbSession, actor: WebActor) -> Response:
    """Proposed problems with their evidence, strongest first."""
    return _render(
        request,
        session,
        actor,
        "problems/_candidates.html" if is_htmx(request) else "problems/candidates.html",
    )


@router.post("/{candidate_id:id}/accept")
def accept(
    candidate_id: int, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    """Open the problem (its incidents linked) and go to it."""
    problem = candidates.accept(session, candidate_id=candidate_id, actor=actor, now=utcnow())
    return go_to(
        request,
        f"/problems/{problem.reference}",
        notice=f"{problem.reference} opened from the proposal.",
    )


@router.post("/{candidate_id:id}/dismiss")
def dismiss(
    candidate_id: int, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    """Not a problem: drop the proposal."""
    candidates.dismiss(session, candidate_id=candidate_id, actor=actor, now=utcnow())
    return answer_form(
        request,
        url=CANDIDATES,
        notice="Proposal dismissed.",
        fragment=lambda: _render(request, session, actor, "problems/_candidates.html"),
    )
