"""HTML routes of alerts: the alert list, an alert's page (a shell of panels that higher
domains add to) and silences."""

from fastapi import APIRouter

from watchkeep.alert.web import context, pages, silences
from watchkeep.http.panels import Panel

PAGE = context.PAGE

router = APIRouter()
for module in (pages, silences):
    router.include_router(module.router)

PANELS: dict[str, tuple[Panel, ...]] = {PAGE: context.PANELS}
