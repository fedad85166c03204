"""The audit log page for admins."""

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from watchkeep.auth import audit
from watchkeep.auth.schemas import audit_record_read
from watchkeep.http.browser import WebAdmin, WebRoute, is_htmx
from watchkeep.http.deps import DbSession
from watchkeep.http.forms import parse_id
from watchkeep.http.templates import render

router = APIRouter(route_class=WebRoute)

AUDIT_PAGE_SIZE = 50


@router.get("/admin/audit")
def audit_log(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    action: str = "",
    subject_type: str = "",
    who: str = Query("", description='"system", a user id, or empty for anyone'),
    page: int = Query(1, ge=1),
) -> Response:
    """The audit log of configuration changes, newest first, filtered, a page at a time."""
    system = who == "system"
    actor_id = None if system else parse_id(who, "who")
    rows, more = audit.list_records(
        session,
        actor=actor,
        limit=AUDIT_PAGE_SIZE,
        offset=(page - 1) * AUDIT_PAGE_SIZE,
        action=action or None,
        subject_type=subject_type or None,
        actor_id=actor_id,
        system=system,
    )
    actions, subject_types = audit.filter_values(session, actor=actor)
    return render(
        request,
        "auth/_audit_results.html" if is_htmx(request) else "auth/audit.html",
        records=[audit_record_read(r) for r in rows],
        page=page,
        prev_query=request.url.include_query_params(page=page - 1).query if page > 1 else None,
        next_query=request.url.include_query_params(page=page + 1).query if more else None,
        filters={"action": action, "subject_type": subject_type, "who": who},
        actions=actions,
        actors=audit.actors_in_log(session, actor=actor),
        subject_types=subject_types,
    )
