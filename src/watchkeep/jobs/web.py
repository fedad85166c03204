"""Admin pages for background jobs: what is waiting, what died, and retrying the dead."""

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.http.browser import WebAdmin, WebRoute, answer_form, is_htmx
from watchkeep.http.deps import DbSession
from watchkeep.http.panels import Panel
from watchkeep.http.templates import render
from watchkeep.jobs import service as jobs
from watchkeep.jobs.models import DEAD, PENDING

router = APIRouter(prefix="/jobs", route_class=WebRoute)

PANELS: dict[str, tuple[Panel, ...]] = {}

LIST_LIMIT = 100


def _render_jobs(request: Request, session: Session, template: str) -> Response:
    return render(
        request,
        template,
        dead=jobs.list_jobs(session, state=DEAD, limit=LIST_LIMIT),
        pending=jobs.list_jobs(session, state=PENDING, limit=LIST_LIMIT),
    )


@router.get("")
def job_list(request: Request, session: DbSession, _actor: WebAdmin) -> Response:
    """Dead and pending jobs, newest first."""
    return _render_jobs(
        request, session, "jobs/_tables.html" if is_htmx(request) else "jobs/list.html"
    )


@router.post("/{job_id:id}/retry")
def retry(job_id: int, request: Request, session: DbSession, _actor: WebAdmin) -> Response:
    """Give a dead job a fresh set of attempts."""
    jobs.retry(session, job_id=job_id)
    return answer_form(
        request,
        url="/jobs",
        notice=f"Job {job_id} will run again.",
        fragment=lambda: _render_jobs(request, session, "jobs/_tables.html"),
    )
