"""Correct an incident's timestamps by hand and measure the durations between them."""

from datetime import datetime

from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor, Role
from watchkeep.core.clock import iso_z
from watchkeep.core.errors import Invalid
from watchkeep.incident.lifecycle import check_timestamps
from watchkeep.incident.models import TIMESTAMP_NAMES, Incident
from watchkeep.incident.timeline import record_change


def set_timestamp(
    session: Session,
    *,
    incident: Incident,
    actor: Actor,
    now: datetime,
    name: str,
    value: datetime | None,
) -> Incident:
    """Correct one of the incident's timestamps by hand; the timeline keeps the old value.

    Unlike other changes this stays possible on a merged incident: it corrects history."""
    actor.require(Role.RESPONDER)
    if name not in TIMESTAMP_NAMES:
        raise Invalid(
            f"unknown timestamp {name!r}; use one of {', '.join(TIMESTAMP_NAMES)}", field="name"
        )
    if value is None and name == "declared_at":
        raise Invalid("declared_at cannot be cleared", field="value")
    old = getattr(incident, name)
    if old == value:
        return incident
    stamps = {n: getattr(incident, n) for n in TIMESTAMP_NAMES} | {name: value}
    check_timestamps(stamps, changed=name, now=now)
    setattr(incident, name, value)
    incident.timestamp_sources = {**incident.timestamp_sources, name: "manual"}
    record_change(
        session,
        incident=incident,
        kind="timestamp_changed",
        actor=actor,
        title=f"{name.replace('_at', '').replace('_', ' ').capitalize()} time set to "
        + (iso_z(value) if value else "nothing"),
        old=iso_z(old) if old else None,
        new=iso_z(value) if value else None,
        timestamp=name,
        now=now,
    )
    session.flush()
    return incident


def durations(incident: Incident) -> dict[str, float | None]:
    """Seconds between the incident's timestamps (None where an end is missing)."""
    start = incident.impact_started_at or incident.declared_at

    def between(a: datetime | None, b: datetime | None) -> float | None:
        return (b - a).total_seconds() if a and b else None

    return {
        "time_to_acknowledge": between(incident.declared_at, incident.acknowledged_at),
        "time_to_mitigate": between(start, incident.mitigated_at),
        "time_to_resolve": between(start, incident.resolved_at),
        "time_to_close": between(incident.declared_at, incident.closed_at),
    }
