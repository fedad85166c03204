"""HTML routes for schedules, gathered from the modules that hold them, plus the
calendar feeds (which need no login: their secret URL is the key).

Schedule ids in paths are ``{schedule_id:int}``, so ``/schedules/new`` never reads as one.
"""

from fastapi import APIRouter

from watchkeep.http.panels import Panel
from watchkeep.oncall import feeds_api, web_actions, web_context, web_edit, web_pages

router = APIRouter()
for module in (web_edit, web_pages, web_actions, feeds_api):
    router.include_router(module.router)

PANELS: dict[str, tuple[Panel, ...]] = {"dashboard": web_context.DASHBOARD_PANELS}
