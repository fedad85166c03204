"""Acknowledging and resolving an alert from the web UI. Both go through escalation, so that
the alert's escalation stops with the same transaction.

From the alert list the row is drawn again; from the alert page, its header, its events and
its escalation.
"""

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.alert.models import FIRING, Alert
from watchkeep.alert.web.context import EVENTS, HEADER, can_respond, shared_context
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.escalation import pages
from watchkeep.escalation.web.panels import ESCALATION
from watchkeep.http.announce import announced
from watchkeep.http.browser import WebResponder, WebRoute, go_to, is_htmx
from watchkeep.http.deps import DbSession
from watchkeep.http.panels import panels_response
from watchkeep.http.templates import render

router = APIRouter(route_class=WebRoute)

ROW = "row"


def _answer(
    request: Request, session: Session, alert: Alert, actor: Actor, view: str, notice: str
) -> Response:
    if not is_htmx(request):
        url = "/alerts" if view == ROW else f"/alerts/{alert.id}"
        return go_to(request, url, notice=notice)
    if view == ROW:
        row = render(
            request, "alerts/_row.html", alert=alert, now=utcnow(), can_respond=can_respond(actor)
        )
        return announced(row, notice)
    shared = shared_context(alert, actor)
    return panels_response(
        request, session, alert, shared, [HEADER, EVENTS, ESCALATION], announce=notice
    )


@router.post("/alerts/{alert_id:id}/acknowledge")
def acknowledge(
    alert_id: int,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    view: str = Form("", max_length=10),
) -> Response:
    """Acknowledge the alert: its escalation stops (or, when its policy wants everyone's
    acknowledgement, this one is noted)."""
    alert = pages.acknowledge(session, alert_id=alert_id, actor=actor, now=utcnow())
    notice = (
        f"{alert.reference}: your acknowledgement is noted; the others paged must acknowledge too."
        if alert.status == FIRING
        else f"{alert.reference} acknowledged."
    )
    return _answer(request, session, alert, actor, view, notice)


@router.post("/alerts/{alert_id:id}/resolve")
def resolve(
    alert_id: int,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    view: str = Form("", max_length=10),
) -> Response:
    """Resolve the alert: its escalation ends."""
    alert = pages.resolve(session, alert_id=alert_id, actor=actor, now=utcnow())
    return _answer(request, session, alert, actor, view, f"{alert.reference} resolved.")
