"""HTML routes for problem management, gathered from the modules that hold them.

Candidates come before the pages so that ``/problems/candidates`` is not read as a problem
reference; the pages router puts ``/problems/new`` before ``/problems/{ref}``.
"""

from fastapi import APIRouter

from watchkeep.http.panels import Panel
from watchkeep.problem import (
    web_actions,
    web_candidates,
    web_incident,
    web_known_errors,
    web_links,
    web_pages,
    web_rca,
)

router = APIRouter()
for module in (
    web_candidates,
    web_pages,
    web_actions,
    web_links,
    web_rca,
    web_known_errors,
    web_incident,
):
    router.include_router(module.router)

PANELS: dict[str, tuple[Panel, ...]] = {"incident": web_incident.INCIDENT_PANELS}
