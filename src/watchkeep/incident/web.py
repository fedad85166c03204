"""HTML routes for incidents, gathered from the modules that hold them.

The pages router comes first so that ``/incidents/new`` wins over ``/incidents/{ref}``.
"""

from fastapi import APIRouter

from watchkeep.incident import web_actions, web_followups, web_pages, web_timeline

router = APIRouter()
for module in (web_pages, web_actions, web_timeline, web_followups):
    router.include_router(module.router)
