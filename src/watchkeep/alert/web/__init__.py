"""HTML routes of alerts: the alert list, an alert's page (a shell of panels that higher
domains add to), silences, the admin pages of alert sources and routes, and the changes
panel of the incident page."""

from fastapi import APIRouter

from watchkeep.alert.web import context, incident, pages, routes, silences, sources
from watchkeep.http.panels import Panel

PAGE = context.PAGE

router = APIRouter()
for module in (pages, silences, sources, routes):
    router.include_router(module.router)

PANELS: dict[str, tuple[Panel, ...]] = {PAGE: context.PANELS, "incident": incident.INCIDENT_PANELS}
