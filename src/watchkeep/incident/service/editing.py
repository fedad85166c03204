"""Finding and changing an incident: its fields (the timeline says what changed), participants."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from watchkeep.auth.models import User
from watchkeep.catalog.service import get_services
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Invalid
from watchkeep.incident import customfields
from watchkeep.incident.access import add_participant, get_visible
from watchkeep.incident.events import announce_change
from watchkeep.incident.models import Incident
from watchkeep.incident.severities import get_severity, get_type
from watchkeep.incident.timeline import ensure_changeable, record, record_change


def get(session: Session, *, ref: str | int, actor: Actor) -> Incident:
    """The incident ``INC-<n>`` if ``actor`` may see it (NotFound otherwise)."""
    return get_visible(session, ref=ref, actor=actor)


def update(
    session: Session,
    *,
    incident: Incident,
    actor: Actor,
    now: datetime,
    title: str | None = None,
    summary: str | None = None,
    root_cause: str | None = None,
    resolution: str | None = None,
    severity: str | int | None = None,
    incident_type: str | int | None = None,
    service_ids: list[int] | None = None,
    private: bool | None = None,
    custom_fields: dict[str, Any] | None = None,
) -> Incident:
    """Change fields; each change writes a timeline entry with the old and new value."""
    actor.require(Role.RESPONDER)
    ensure_changeable(incident)
    content: list[str] = []  # changes that subscribers such as known-error matching care about
    if title is not None and title.strip() != incident.title:
        if not title.strip():
            raise Invalid("title must not be empty", field="title")
        old, incident.title = incident.title, title.strip()
        content.append("title")
        record_change(
            session,
            incident=incident,
            kind="title_changed",
            actor=actor,
            title=f"Title changed to “{incident.title}”",
            old=old,
            new=incident.title,
            now=now,
        )
    for name, value in (
        ("summary", summary),
        ("root_cause", root_cause),
        ("resolution", resolution),
    ):
        if value is not None and _set_text(session, incident, name, value, actor=actor, now=now):
            content.append(name)
    if severity is not None:
        sev = get_severity(session, ref=severity)
        if sev.id != incident.severity_id:
            old_name = incident.severity.name
            incident.severity_id, incident.severity = sev.id, sev
            direction = "raised" if sev.rank < _rank_of(session, old_name) else "lowered"
            record_change(
                session,
                incident=incident,
                kind="severity_changed",
                actor=actor,
                title=f"Severity {direction} from {old_name} to {sev.name}",
                old=old_name,
                new=sev.name,
                now=now,
            )
    if incident_type is not None:
        kind = get_type(session, ref=incident_type)
        if kind.id != incident.type_id:
            old_name = incident.type.name
            incident.type_id, incident.type = kind.id, kind
            record_change(
                session,
                incident=incident,
                kind="type_changed",
                actor=actor,
                title=f"Type changed from {old_name} to {kind.name}",
                old=old_name,
                new=kind.name,
                now=now,
            )
    if service_ids is not None:
        services = get_services(session, service_ids=service_ids)
        old_names = [s.name for s in incident.services]
        if old_names != [s.name for s in services]:
            incident.services = services
            content.append("services")
            record_change(
                session,
                incident=incident,
                kind="services_changed",
                actor=actor,
                title="Affected services: " + (", ".join(s.name for s in services) or "none"),
                old=old_names,
                new=[s.name for s in services],
                now=now,
            )
    if private is not None and private != incident.private:
        incident.private = private
        record_change(
            session,
            incident=incident,
            kind="visibility_changed",
            actor=actor,
            title="Made private" if private else "Made public",
            old=not private,
            new=private,
            now=now,
        )
    for name, value in (custom_fields or {}).items():
        field = customfields.get_field(session, ref=name)
        old = customfields.set_value(session, incident_id=incident.id, field=field, value=value)
        new = customfields.values_of(session, incident_id=incident.id).get(field.name)
        if old != new:
            record_change(
                session,
                incident=incident,
                kind="custom_field_changed",
                actor=actor,
                title=f"{field.name} set to {_show(new)}",
                old=old,
                new=new,
                field=field.name,
                now=now,
            )
    incident.updated_at = now
    session.flush()
    if content:
        announce_change(session, incident=incident, fields=content)
    return incident


_TEXT_CHANGED = {
    "summary": "Summary updated",
    "root_cause": "Root cause updated",
    "resolution": "Resolution updated",
}


def _set_text(
    session: Session, incident: Incident, name: str, value: str, *, actor: Actor, now: datetime
) -> bool:
    """Set one of the incident's texts; a change goes on the timeline (``<name>_changed``)."""
    old, new = getattr(incident, name), value.strip()
    if new == old:
        return False
    setattr(incident, name, new)
    record_change(
        session,
        incident=incident,
        kind=f"{name}_changed",
        actor=actor,
        title=_TEXT_CHANGED[name],
        old=old,
        new=new,
        now=now,
    )
    return True


def _rank_of(session: Session, severity_name: str) -> int:
    return get_severity(session, ref=severity_name).rank


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def add_participant_by(
    session: Session, *, incident: Incident, actor: Actor, now: datetime, user_id: int
) -> None:
    """Invite someone to the incident (for private incidents this grants them sight of it)."""
    actor.require(Role.RESPONDER)
    ensure_changeable(incident)
    if session.get(User, user_id) is None:
        raise Invalid(f"user {user_id} does not exist", field="user_id")
    add_participant(session, incident_id=incident.id, user_id=user_id, now=now)
    record(
        session,
        incident=incident,
        kind="participant_added",
        actor=actor,
        title="Participant added",
        payload={"user_id": user_id},
        now=now,
    )
