"""What escalation shows on other domains' pages: an alert's escalation on its page, and the
incident's alerts, each with how far its escalation went, on the incident page."""

from typing import Any

from watchkeep.alert import alerts
from watchkeep.escalation import pages, runs
from watchkeep.http.panels import Panel, PanelInput

MAX_INCIDENT_ALERTS = 100


def _escalation(panel: PanelInput) -> dict[str, Any]:
    """The run on its policy's snapshot, step by step, and everyone paged."""
    alert_id = panel.subject.id
    paged = pages.pages_of_alert(panel.session, alert_id=alert_id)
    return {
        "run": runs.find_for_alert(panel.session, alert_id=alert_id),
        "pages": paged,
        "people": {p.user_id: p.user for p in paged},
    }


def _incident_alerts(panel: PanelInput) -> dict[str, Any]:
    found, more = alerts.list_alerts(
        panel.session, incident_id=panel.subject.id, limit=MAX_INCIDENT_ALERTS
    )
    return {
        "alerts": found,
        "more_alerts": more,
        "runs": runs.of_alerts(panel.session, alert_ids=[a.id for a in found]),
    }


ESCALATION = Panel(
    "escalation",
    "escalation/_escalation.html",
    _escalation,
    slot="side",
    order=10,
    refresh_on=("every 30s",),
)
INCIDENT_ALERTS = Panel(
    "incident-alerts", "escalation/_incident_alerts.html", _incident_alerts, order=5
)

ALERT_PANELS = (ESCALATION,)
INCIDENT_PANELS = (INCIDENT_ALERTS,)
