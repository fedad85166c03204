"""The audit log: one record per configuration change, written in the change's transaction.

A configuration service (severities, incident types, custom fields, role types, services,
teams, users, API tokens) checks the actor's role, makes the change and calls :func:`record`
before it flushes; if the change fails, the transaction rolls back and nothing is audited.
``actor=None`` is the system itself (defaults created at install, the first admin made on the
command line); such records have no ``actor_id``.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth.models import AuditRecord, User
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Invalid

ACTION = re.compile(r"^[a-z][a-z_]*:[a-z][a-z_]*$")
"""``subject:verb``, e.g. ``severity:create``, ``user:role_change``."""

Changes = Mapping[str, tuple[Any, Any]]


def plain(value: Any) -> Any:
    """A value as JSON stores it: instants and dates as ISO 8601, tuples as lists."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def created(values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The changes of a creation: every field from nothing to its first value."""
    return {name: (None, value) for name, value in values.items()}


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose value differs between ``before`` and ``after``, as (old, new)."""
    return {
        name: (before.get(name), value)
        for name, value in after.items()
        if plain(before.get(name)) != plain(value)
    }


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    subject_type: str,
    subject_id: int,
    summary: str,
    changes: Changes,
    now: datetime,
) -> AuditRecord:
    """Write one audit record (``actor=None``: the system) in the caller's transaction."""
    if not ACTION.match(action):
        raise ValueError(f"an audit action is 'subject:verb', not {action!r}")
    entry = AuditRecord(
        occurred_at=now,
        actor_id=actor.user_id if actor else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        summary=summary,
        changes={name: [plain(old), plain(new)] for name, (old, new) in changes.items()},
    )
    session.add(entry)
    session.flush()
    return entry


def record_update(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    subject_type: str,
    label: str,
    subject_id: int,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> None:
    """Audit an edit of ``subject_type`` (``subject_type:update``) if it changed anything;
    ``label`` names the subject in the summary."""
    changes = changed(before, after)
    if changes:
        record(
            session,
            actor=actor,
            action=f"{subject_type}:update",
            subject_type=subject_type,
            subject_id=subject_id,
            summary=f"{label} changed: {', '.join(changes)}",
            changes=changes,
            now=now,
        )


def list_records(
    session: Session,
    *,
    actor: Actor,
    limit: int,
    offset: int,
    action: str | None = None,
    subject_type: str | None = None,
    actor_id: int | None = None,
    system: bool = False,
) -> tuple[list[AuditRecord], bool]:
    """A page of the audit log, newest first, and whether more follow (admins only);
    ``actor_id`` keeps one person's changes, ``system`` those the system made."""
    actor.require(Role.ADMIN)
    if limit < 1 or offset < 0:
        raise Invalid("limit must be at least 1 and offset at least 0", field="limit")
    query = select(AuditRecord).order_by(AuditRecord.occurred_at.desc(), AuditRecord.id.desc())
    if action:
        query = query.where(AuditRecord.action == action)
    if subject_type:
        query = query.where(AuditRecord.subject_type == subject_type)
    if actor_id is not None:
        query = query.where(AuditRecord.actor_id == actor_id)
    if system:
        query = query.where(AuditRecord.actor_id.is_(None))
    rows = list(session.scalars(query.limit(limit + 1).offset(offset)))
    return rows[:limit], len(rows) > limit


def filter_values(session: Session, *, actor: Actor) -> tuple[list[str], list[str]]:
    """The actions and subject types found in the log, to filter by (admins only)."""
    actor.require(Role.ADMIN)
    actions = session.scalars(select(AuditRecord.action).distinct().order_by(AuditRecord.action))
    subjects = session.scalars(
        select(AuditRecord.subject_type).distinct().order_by(AuditRecord.subject_type)
    )
    return list(actions), list(subjects)


def actors_in_log(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """The people who made a change in the log, by name, to filter by (admins only)."""
    actor.require(Role.ADMIN)
    query = (
        select(User.id, User.name)
        .where(User.id.in_(select(AuditRecord.actor_id).where(AuditRecord.actor_id.is_not(None))))
        .order_by(User.name, User.id)
    )
    return [(row[0], row[1]) for row in session.execute(query)]
