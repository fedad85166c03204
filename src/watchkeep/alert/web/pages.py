"""Alert pages: the list (live, filtered, a page at a time) and one alert, drawn from the
panels registered for the alert page."""

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from watchkeep.alert import alerts, sources
from watchkeep.alert.web.context import (
    PAGE,
    STATUS_FILTERS,
    can_respond,
    draw_page,
    shared_context,
)
from watchkeep.core.clock import utcnow
from watchkeep.core.limits import QueryId
from watchkeep.http.browser import WebActor, WebRoute, is_htmx
from watchkeep.http.deps import DbSession
from watchkeep.http.forms import parse_id
from watchkeep.http.panels import panel_set, panels_response
from watchkeep.http.templates import render

router = APIRouter(route_class=WebRoute)

PAGE_SIZE = 50


@router.get("/alerts")
def alert_list(
    request: Request,
    session: DbSession,
    actor: WebActor,
    status: str = Query("open", max_length=20),
    source: str = Query("", max_length=20),
    before_id: QueryId | None = None,
) -> Response:
    """Alerts newest first; the table refreshes itself every few seconds."""
    rows, more = alerts.list_alerts(
        session,
        status=status or None,
        source_id=parse_id(source, "source"),
        limit=PAGE_SIZE,
        before_id=before_id,
    )
    older = request.url.include_query_params(before_id=rows[-1].id).query if more and rows else None
    newest = request.url.remove_query_params("before_id").query if before_id else None
    return render(
        request,
        "alerts/_results.html" if is_htmx(request) else "alerts/list.html",
        alerts=rows,
        now=utcnow(),
        can_respond=can_respond(actor),
        filters={"status": status, "source": source},
        status_filters=STATUS_FILTERS,
        sources=sources.list_sources(session),
        here=request.url.query,
        older_query=older,
        newest_query=newest,
    )


@router.get("/alerts/{alert_id:id}")
def alert_page(alert_id: int, request: Request, session: DbSession, actor: WebActor) -> Response:
    """One alert: what it says, why it was handled so, its raw events, and what other
    domains add (its escalation, its deliveries)."""
    alert = alerts.get(session, alert_id=alert_id)
    panels = draw_page(request, session, panel_set(request, PAGE), alert, actor)
    return render(request, "alerts/page.html", alert=alert, panels=panels)


@router.get("/alerts/{alert_id:id}/panels/{name}")
def alert_panel(
    alert_id: int, name: str, request: Request, session: DbSession, actor: WebActor
) -> Response:
    """One panel of the alert page, fresh (its periodic refresh)."""
    panel = panel_set(request, PAGE).get(name)
    alert = alerts.get(session, alert_id=alert_id)
    shared = shared_context(alert, actor)
    return panels_response(request, session, alert, shared, [panel], announce=None)
