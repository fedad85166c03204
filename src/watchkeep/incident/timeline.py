"""Write and edit timeline entries. Every incident change records one in its transaction."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid, NotFound
from watchkeep.incident.lifecycle import Status
from watchkeep.incident.models import Incident, TimelineEdit, TimelineEntry


def ensure_changeable(incident: Incident) -> None:
    """A merged incident is closed: its response goes on in the incident it was merged into,
    so every change to it is refused (409) with where to go instead."""
    if incident.status != Status.MERGED.value:
        return
    target = incident.merged_into.reference if incident.merged_into else "another incident"
    raise Conflict(
        f"{incident.reference} is merged into {target} and can no longer be changed; "
        f"make the change on {target}",
        merged_into=target,
    )


def record(
    session: Session,
    *,
    incident: Incident,
    kind: str,
    actor: Actor | None,
    title: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
    description: str = "",
    occurred_at: datetime | None = None,
) -> TimelineEntry:
    """Append a structured entry (``kind``, ``actor``, ``payload``) to the incident's timeline.

    It is written at ``now`` and happened at ``occurred_at`` (``now`` unless given).
    """
    entry = TimelineEntry(
        incident_id=incident.id,
        kind=kind,
        actor_id=actor.user_id if actor else None,
        occurred_at=occurred_at or now,
        title=title,
        description=description,
        payload=payload or {},
        created_at=now,
    )
    session.add(entry)
    incident.updated_at = now
    session.flush()
    return entry


def record_change(
    session: Session,
    *,
    incident: Incident,
    kind: str,
    actor: Actor | None,
    title: str,
    old: Any,
    new: Any,
    now: datetime,
    occurred_at: datetime | None = None,
    **extra: Any,
) -> TimelineEntry:
    """Record a change with its old and new value."""
    return record(
        session,
        incident=incident,
        kind=kind,
        actor=actor,
        title=title,
        payload={"old": old, "new": new, **extra},
        now=now,
        occurred_at=occurred_at,
    )


def list_entries(
    session: Session, *, incident_id: int, pinned_only: bool = False
) -> list[TimelineEntry]:
    query = (
        select(TimelineEntry)
        .where(TimelineEntry.incident_id == incident_id)
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    )
    if pinned_only:
        query = query.where(TimelineEntry.pinned.is_(True))
    return list(session.scalars(query))


def get_entry(session: Session, *, incident: Incident, entry_id: int) -> TimelineEntry:
    entry = session.get(TimelineEntry, entry_id)
    if entry is None or entry.incident_id != incident.id:
        raise NotFound(f"timeline entry {entry_id} does not exist on {incident.reference}")
    return entry


# How long before the incident's first known time (impact, report or declaration) a
# responder may date an entry: what led up to it ("the first alert fired at 02:10").
LEAD_UP = timedelta(hours=24)
CLOCK_SKEW = timedelta(minutes=5)


def check_entry_time(incident: Incident, occurred_at: datetime | None, now: datetime) -> None:
    """Keep an entry's time within the incident's life: not in the future, and not more
    than :data:`LEAD_UP` before the incident's first known time."""
    if occurred_at is None:
        return
    if occurred_at > now + CLOCK_SKEW:
        raise Invalid("occurred_at must not be in the future", field="occurred_at")
    known = [t for t in (incident.impact_started_at, incident.reported_at) if t is not None]
    start = min([incident.declared_at, *known])
    if occurred_at < start - LEAD_UP:
        raise Invalid(
            f"occurred_at ({occurred_at:%Y-%m-%d %H:%M} UTC) must not be more than 24 hours "
            f"before the incident began ({start:%Y-%m-%d %H:%M} UTC)",
            field="occurred_at",
        )


def add_note(
    session: Session,
    *,
    incident: Incident,
    actor: Actor,
    text: str,
    now: datetime,
    occurred_at: datetime | None = None,
    pinned: bool = False,
) -> TimelineEntry:
    """A responder's own note; the first line becomes the entry's title."""
    actor.require(Role.RESPONDER)
    ensure_changeable(incident)
    text = text.strip()
    if not text:
        raise Invalid("a note must not be empty", field="text")
    check_entry_time(incident, occurred_at, now)
    title, _, rest = text.partition("\n")
    entry = record(
        session,
        incident=incident,
        kind="note",
        actor=actor,
        title=title[:500],
        description=rest.strip(),
        now=now,
        occurred_at=occurred_at,
    )
    entry.pinned = pinned
    session.flush()
    return entry


def set_pinned(
    session: Session,
    *,
    incident: Incident,
    entry_id: int,
    pinned: bool,
    actor: Actor,
    now: datetime,
) -> TimelineEntry:
    """Mark an entry as a key moment (or not); the incident counts as changed at ``now``."""
    actor.require(Role.RESPONDER)
    ensure_changeable(incident)
    entry = get_entry(session, incident=incident, entry_id=entry_id)
    if entry.pinned != pinned:
        entry.pinned = pinned
        incident.updated_at = now
    session.flush()
    return entry


def edit_entry(
    session: Session,
    *,
    incident: Incident,
    entry_id: int,
    actor: Actor,
    now: datetime,
    title: str | None = None,
    description: str | None = None,
    occurred_at: datetime | None = None,
) -> TimelineEntry:
    """Change an entry's title, description or time, keeping what it said before."""
    actor.require(Role.RESPONDER)
    ensure_changeable(incident)
    entry = get_entry(session, incident=incident, entry_id=entry_id)
    changes: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise Invalid("title must not be empty", field="title")
        changes["title"] = title.strip()
    if description is not None:
        changes["description"] = description
    if occurred_at is not None:
        check_entry_time(incident, occurred_at, now)
        changes["occurred_at"] = occurred_at
    changes = {k: v for k, v in changes.items() if getattr(entry, k) != v}
    if not changes:
        return entry
    before = {k: _plain(getattr(entry, k)) for k in changes}
    for key, value in changes.items():
        setattr(entry, key, value)
    session.add(
        TimelineEdit(
            entry_id=entry.id,
            editor_id=actor.user_id,
            edited_at=now,
            before=before,
            after={k: _plain(v) for k, v in changes.items()},
        )
    )
    incident.updated_at = now
    session.flush()
    session.refresh(entry, ["edits"])
    return entry


def edit_note(
    session: Session,
    *,
    incident: Incident,
    entry_id: int,
    actor: Actor,
    now: datetime,
    text: str,
    occurred_at: datetime | None = None,
) -> TimelineEntry:
    """Rewrite a note (its first line is the title, as when it was added) and, if given,
    move it to ``occurred_at``; what it said before is kept. Only notes are rewritten this
    way: what a change recorded is corrected where the change is made."""
    entry = get_entry(session, incident=incident, entry_id=entry_id)
    if entry.kind != "note":
        raise Invalid("only notes can be rewritten; this entry records a change", field="text")
    text = text.strip()
    if not text:
        raise Invalid("a note must not be empty", field="text")
    title, _, rest = text.partition("\n")
    same_minute = entry.occurred_at.replace(second=0, microsecond=0)
    if occurred_at == same_minute:
        occurred_at = None  # a form's time has no seconds: the same minute is no change
    return edit_entry(
        session,
        incident=incident,
        entry_id=entry_id,
        actor=actor,
        now=now,
        title=title.strip()[:500],
        description=rest.strip(),
        occurred_at=occurred_at,
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
