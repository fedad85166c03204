"""HTML routes for problem management, gathered from the modules that hold them.

Candidates come before the pages so that ``/problems/candidates`` is not read as a problem
reference; the pages router puts ``/problems/new`` before ``/problems/{ref}``.
"""

from fastapi import APIRouter

from watchkeep.http.panels import Panel
from watchkeep.problem.web import (
    actions,
    candidates,
    followups,
    incident,
    known_errors,
    links,
    pages,
    rca,
)

router = APIRouter()
for module in (candidates, pages, actions, links, rca, known_errors, incident, followups):
    router.include_router(module.router)

PANELS: dict[str, tuple[Panel, ...]] = {"incident": incident.INCIDENT_PANELS}
