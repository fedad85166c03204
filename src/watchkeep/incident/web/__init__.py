"""HTML routes for incidents, gathered from the modules that hold them, and the incident
domain's panels of the incident page and the dashboard.

The pages router comes first so that ``/incidents/new`` wins over ``/incidents/{ref}``.
"""

from fastapi import APIRouter

from watchkeep.http.panels import Panel
from watchkeep.incident.web import (
    actions,
    board,
    config,
    fields,
    followups,
    pages,
    panels,
    timeline,
)

router = APIRouter()
for module in (pages, actions, timeline, followups, config, fields):
    router.include_router(module.router)

PANELS: dict[str, tuple[Panel, ...]] = {
    "incident": panels.PANELS,
    "dashboard": board.DASHBOARD_PANELS,
}
