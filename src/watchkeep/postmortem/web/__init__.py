"""HTML routes of the post-incident flow: the incident page's post-incident panel (root cause,
resolution, the checklist), the post-mortem page, and the dashboard's overdue tasks."""

from fastapi import APIRouter

from watchkeep.http.panels import Panel
from watchkeep.postmortem.web import document, incident

router = APIRouter()
for module in (incident, document):
    router.include_router(module.router)

PANELS: dict[str, tuple[Panel, ...]] = {
    "incident": incident.INCIDENT_PANELS,
    "dashboard": incident.DASHBOARD_PANELS,
}
