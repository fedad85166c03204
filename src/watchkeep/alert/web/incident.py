"""Alerting on the incident page: the change events attached to it (deploys, merged pull
requests, pushes on its services around the time it began).

Changes are attached by jobs (when a change arrives, and when the incident is declared or
its services change), so the panel fetches itself again every minute and after a change to
the incident's content.
"""

from typing import Any

from watchkeep.alert import attachments
from watchkeep.http.panels import Panel, PanelInput
from watchkeep.incident.web.panels import CONTENT_CHANGED


def _changes(panel: PanelInput) -> dict[str, Any]:
    return {
        "changes": attachments.changes_of(panel.session, incident_id=panel.subject.id),
        "kind_labels": attachments.KIND_LABELS,
    }


CHANGES = Panel(
    "changes",
    "alerts/_incident_changes.html",
    _changes,
    order=35,
    refresh_on=("every 60s", f"{CONTENT_CHANGED} from:body"),
)
INCIDENT_PANELS = (CHANGES,)
