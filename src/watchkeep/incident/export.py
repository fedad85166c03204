"""Incidents as CSV, with the same filters and the same privacy as the list."""

import csv
import io

from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor
from watchkeep.core.clock import iso_z
from watchkeep.core.text import spreadsheet_safe
from watchkeep.incident import timestamps
from watchkeep.incident.listing import MAX_PAGE, IncidentFilter, list_incidents

COLUMNS = (
    "reference",
    "title",
    "status",
    "severity",
    "type",
    "services",
    "private",
    "impact_started_at",
    "declared_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
    "time_to_acknowledge_s",
    "time_to_mitigate_s",
    "time_to_resolve_s",
)
MAX_ROWS = 50_000


def to_csv(session: Session, *, actor: Actor, flt: IncidentFilter, max_rows: int = MAX_ROWS) -> str:
    """Every incident ``actor`` may see that matches ``flt`` (newest first), as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    offset, more = 0, True
    while more and offset < max_rows:
        page, more = list_incidents(session, actor=actor, flt=flt, limit=MAX_PAGE, offset=offset)
        for incident in page:
            spans = timestamps.durations(incident)
            cells = [
                incident.reference,
                incident.title,
                incident.status,
                incident.severity.name,
                incident.type.name,
                "; ".join(s.name for s in incident.services),
                incident.private,
                *(
                    iso_z(v) if v else ""
                    for v in (
                        incident.impact_started_at,
                        incident.declared_at,
                        incident.acknowledged_at,
                        incident.mitigated_at,
                        incident.resolved_at,
                        incident.closed_at,
                    )
                ),
                *(
                    "" if spans[k] is None else int(spans[k] or 0)
                    for k in (
                        "time_to_acknowledge",
                        "time_to_mitigate",
                        "time_to_resolve",
                    )
                ),
            ]
            writer.writerow([spreadsheet_safe(cell) for cell in cells])
        offset += len(page)
    return out.getvalue()
