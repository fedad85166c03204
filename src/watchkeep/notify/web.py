"""What notify shows on the alert page: every notification of the alert's pages, how each
was delivered, and its attempts."""

from typing import Any

from fastapi import APIRouter

from watchkeep.alert.web.context import PAGE as ALERT_PAGE
from watchkeep.http.browser import WebRoute
from watchkeep.http.panels import Panel, PanelInput
from watchkeep.notify import deliveries

router = APIRouter(route_class=WebRoute)


def _deliveries(panel: PanelInput) -> dict[str, Any]:
    found = deliveries.of_alert(panel.session, alert_id=panel.subject.id)
    return {
        "notifications": [
            (n, deliveries.attempts_of(panel.session, notification_id=n.id)) for n, _page in found
        ]
    }


DELIVERIES = Panel(
    "deliveries",
    "notify/_deliveries.html",
    _deliveries,
    slot="side",
    order=20,
    refresh_on=("every 30s",),
)

PANELS: dict[str, tuple[Panel, ...]] = {ALERT_PAGE: (DELIVERIES,)}
