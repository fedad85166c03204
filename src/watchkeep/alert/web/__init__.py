"""HTML routes of alerts: the admin pages of alert sources and routes."""

from fastapi import APIRouter

from watchkeep.alert.web import routes, sources
from watchkeep.http.panels import Panel

router = APIRouter()
for module in (sources, routes):
    router.include_router(module.router)

PANELS: dict[str, tuple[Panel, ...]] = {}
