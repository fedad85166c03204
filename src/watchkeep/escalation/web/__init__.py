"""HTML routes of escalation: the acknowledge link of a notification and the admin pages of
escalation policies."""

from fastapi import APIRouter

from watchkeep.escalation.web import ack, policies
from watchkeep.http.panels import Panel

router = APIRouter()
for module in (ack, policies):
    router.include_router(module.router)

PANELS: dict[str, tuple[Panel, ...]] = {}
