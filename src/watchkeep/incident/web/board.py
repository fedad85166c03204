"""The incident domain's dashboard panels: live incidents (with overdue updates) and the
recently resolved ones. The subject of a dashboard panel is the moment it is drawn."""

from typing import Any

from watchkeep.http.panels import Panel, PanelInput
from watchkeep.incident import roles
from watchkeep.incident.lifecycle import Category
from watchkeep.incident.listing import IncidentFilter, list_incidents
from watchkeep.incident.updates import is_overdue

BOARD_LIMIT = 100
RECENT_LIMIT = 10
REFRESH = ("every 30s",)


def _live(panel: PanelInput) -> dict[str, Any]:
    live, _ = list_incidents(
        panel.session,
        actor=panel.shared["actor"],
        flt=IncidentFilter(categories=(Category.TRIAGE, Category.LIVE)),
        limit=BOARD_LIMIT,
    )
    live.sort(key=lambda i: (i.severity.rank, i.declared_at))
    return {
        "live": live,
        "leads": roles.holders(panel.session, incident_ids=[i.id for i in live], slug=roles.LEAD),
        "overdue": {i.id for i in live if is_overdue(i, panel.subject)},
    }


def _resolved(panel: PanelInput) -> dict[str, Any]:
    resolved, _ = list_incidents(
        panel.session,
        actor=panel.shared["actor"],
        flt=IncidentFilter(categories=(Category.POST_INCIDENT, Category.CLOSED)),
        limit=RECENT_LIMIT,
    )
    return {"resolved": resolved}


LIVE = Panel(
    "live-incidents", "incident/_board_live.html", _live, slot="main", order=10, refresh_on=REFRESH
)
RESOLVED = Panel(
    "recently-resolved",
    "incident/_board_resolved.html",
    _resolved,
    slot="main",
    order=30,
    refresh_on=REFRESH,
)
DASHBOARD_PANELS = (LIVE, RESOLVED)
