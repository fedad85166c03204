"""Cross-domain pages: the dashboard and the incident page shell, drawn from the panels the
domains registered, and the routes through which each panel refreshes on its own."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.http.browser import WebActor, WebRoute
from watchkeep.http.deps import DbSession
from watchkeep.http.panels import PanelSet, panel_set, panels_response, render_panel
from watchkeep.http.templates import render
from watchkeep.incident.access import get_visible
from watchkeep.incident.web.panels import shared_context

DASHBOARD = "dashboard"
INCIDENT = "incident"
SLOTS = ("header", "banner", "main", "side")

router = APIRouter(route_class=WebRoute)


def _draw(
    request: Request, session: Session, panels: PanelSet, subject: Any, shared: dict[str, Any]
) -> dict[str, list[Markup]]:
    return {
        slot: [render_panel(request, session, p, subject, shared) for p in panels.slot(slot)]
        for slot in SLOTS
    }


def _dashboard_shared(actor: Actor) -> tuple[datetime, dict[str, Any]]:
    now = utcnow()
    return now, {"actor": actor, "now": now}


@router.get("/")
def dashboard(request: Request, session: DbSession, actor: WebActor) -> Response:
    """Live incidents, who is on call, and what was resolved lately: one panel per domain."""
    now, shared = _dashboard_shared(actor)
    panels = _draw(request, session, panel_set(request, DASHBOARD), now, shared)
    return render(request, "app/dashboard.html", panels=panels)


@router.get("/dashboard/panels/{name}")
def dashboard_panel(name: str, request: Request, session: DbSession, actor: WebActor) -> Response:
    """One dashboard panel, fresh (its periodic refresh)."""
    panel = panel_set(request, DASHBOARD).get(name)
    now, shared = _dashboard_shared(actor)
    return panels_response(request, session, now, shared, [panel], announce=None)


@router.get("/incidents/{ref}")
def incident_page(ref: str, request: Request, session: DbSession, actor: WebActor) -> Response:
    """One incident: every panel registered for the incident page, in its slot."""
    incident = get_visible(session, ref=ref, actor=actor)
    shared = shared_context(session, incident, actor)
    panels = _draw(request, session, panel_set(request, INCIDENT), incident, shared)
    return render(request, "app/incident.html", incident=incident, panels=panels)


@router.get("/incidents/{ref}/panels/{name}")
def incident_panel(
    ref: str, name: str, request: Request, session: DbSession, actor: WebActor
) -> Response:
    """One panel of the incident page, fresh (after an event, or while it waits for a job)."""
    panel = panel_set(request, INCIDENT).get(name)
    incident = get_visible(session, ref=ref, actor=actor)
    shared = shared_context(session, incident, actor)
    return panels_response(request, session, incident, shared, [panel], announce=None)
