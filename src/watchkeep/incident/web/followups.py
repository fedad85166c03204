"""Follow-ups: added and closed on the incident page (the page that lists them across
incidents and problems is the problem domain's)."""

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from watchkeep.core.clock import utcnow
from watchkeep.core.limits import TITLE_LENGTH, QueryId
from watchkeep.http.browser import WebResponder, WebRoute
from watchkeep.http.deps import DbSession
from watchkeep.incident import followups as inc_followups
from watchkeep.incident.access import get_visible
from watchkeep.incident.web.panels import FOLLOW_UPS, TIMELINE, incident_response

router = APIRouter(route_class=WebRoute)


@router.post("/incidents/{ref}/follow-ups")
def create_follow_up(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    title: str = Form("", max_length=TITLE_LENGTH),
    owner_id: QueryId | None = Form(None),
    priority: str = Form("medium"),
) -> Response:
    """Add a follow-up action to the incident."""
    incident = get_visible(session, ref=ref, actor=actor)
    inc_followups.create(
        session,
        incident=incident,
        actor=actor,
        title=title,
        owner_id=owner_id,
        priority=priority,
        now=utcnow(),
    )
    return incident_response(
        request, session, incident, actor, FOLLOW_UPS, TIMELINE, announce="Follow-up added."
    )


@router.post("/incidents/{ref}/follow-ups/{follow_up_id:id}/status")
def change_follow_up_status(
    ref: str,
    follow_up_id: int,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    status: str = Form(""),
    not_doing_reason: str | None = Form(None),
) -> Response:
    """Complete a follow-up, reopen it, or mark it not doing (with a reason)."""
    incident = get_visible(session, ref=ref, actor=actor)
    inc_followups.update(
        session,
        incident=incident,
        follow_up_id=follow_up_id,
        actor=actor,
        status=status,
        not_doing_reason=not_doing_reason,
        now=utcnow(),
    )
    return incident_response(
        request,
        session,
        incident,
        actor,
        FOLLOW_UPS,
        TIMELINE,
        announce=f"Follow-up marked {status.replace('_', ' ')}.",
    )
