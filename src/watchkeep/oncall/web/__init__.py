"""HTML routes for schedules, gathered from the modules that hold them, plus the
calendar feeds (which need no login: their secret URL is the key).

Schedule ids in paths are ``{schedule_id:int}``, so ``/schedules/new`` never reads as one.
"""

from fastapi import APIRouter

from watchkeep.http.panels import Panel
from watchkeep.oncall.web import actions, context, edit, feeds, pages

router = APIRouter()
for module in (edit, pages, actions, feeds):
    router.include_router(module.router)

PANELS: dict[str, tuple[Panel, ...]] = {"dashboard": context.DASHBOARD_PANELS}
