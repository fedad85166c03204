"""The follow-ups page: actions from every incident the user may see and from problems.

It lives with problems because it links both: an incident's follow-up to its incident, a
problem's action to its problem.
"""

from fastapi import APIRouter, Request
from starlette.responses import Response

from watchkeep.followup import service as followups
from watchkeep.http.browser import WebActor, WebRoute
from watchkeep.http.deps import DbSession
from watchkeep.http.forms import parse_id
from watchkeep.http.templates import render
from watchkeep.incident import followups as inc_followups
from watchkeep.incident.followups import FollowUpFilter
from watchkeep.problem import service as problems

router = APIRouter(route_class=WebRoute)

LIST_LIMIT = 200


@router.get("/follow-ups")
def follow_up_list(
    request: Request,
    session: DbSession,
    actor: WebActor,
    status: str = "outstanding",
    owner: str = "",
) -> Response:
    """Follow-ups across the incidents the user may see, and the problems' actions."""
    flt = FollowUpFilter(status=status or None, owner_id=parse_id(owner, "owner"))
    rows = inc_followups.list_all(session, actor=actor, flt=flt, limit=LIST_LIMIT)
    problem_ids = [f.problem_id for f, _ in rows if f.problem_id is not None]
    return render(
        request,
        "followup/list.html",
        rows=rows,
        problems=problems.by_ids(session, problem_ids=problem_ids),
        status=status,
        statuses=followups.STATUSES,
    )
