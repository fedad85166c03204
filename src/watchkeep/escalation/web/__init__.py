"""HTML routes of escalation: the one-click acknowledge link, acknowledging and resolving
alerts from their pages, the admin pages of escalation policies, and what escalation adds to
the alert and incident pages."""

from fastapi import APIRouter

from watchkeep.alert.web.context import PAGE as ALERT_PAGE
from watchkeep.escalation.web import ack, actions, panels, policies
from watchkeep.http.panels import Panel

router = APIRouter()
for module in (ack, actions, policies):
    router.include_router(module.router)

PANELS: dict[str, tuple[Panel, ...]] = {
    ALERT_PAGE: panels.ALERT_PANELS,
    "incident": panels.INCIDENT_PANELS,
}
