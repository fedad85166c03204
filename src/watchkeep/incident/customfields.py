"""Custom field definitions (by admins, audited) and validated values."""

import math
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth import audit
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid, NotFound
from watchkeep.core.ids import parse_id
from watchkeep.core.limits import NAME_LENGTH, TEXT_LENGTH
from watchkeep.incident.models import CUSTOM_FIELD_KINDS, CustomField, CustomFieldValue

SELECTS = ("single_select", "multi_select")
KIND_LABELS = {
    "single_select": "single select",
    "multi_select": "multi select",
    "text": "text",
    "link": "link",
    "numeric": "numeric",
}
"""Each kind in words, for people: pages and messages."""


def list_fields(session: Session) -> list[CustomField]:
    return list(session.scalars(select(CustomField).order_by(CustomField.rank, CustomField.name)))


def get_field(session: Session, *, ref: int | str) -> CustomField:
    """A field by id or by name."""
    field_id = parse_id(ref)
    if field_id is not None:
        field = session.get(CustomField, field_id)
    else:
        field = session.scalar(select(CustomField).where(CustomField.name == str(ref)))
    if field is None:
        raise Invalid(
            f"unknown custom field {ref!r}; configured fields: "
            + (", ".join(f.name for f in list_fields(session)) or "none"),
            field=f"custom_fields.{ref}",
        )
    return field


MAX_NAME = 100
MAX_OPTION = NAME_LENGTH


def _check_field(
    session: Session,
    *,
    field_id: int | None,
    name: str,
    kind: str,
    description: str,
    options: list[str],
    rank: int,
) -> None:
    """Refuse a definition that is not valid on its own or whose name another field has."""
    if not name:
        raise Invalid("name must not be empty", field="name")
    if len(name) > MAX_NAME:
        raise Invalid(f"name must have at most {MAX_NAME} characters", field="name")
    if kind not in CUSTOM_FIELD_KINDS:
        raise Invalid(
            f"unknown kind {kind!r}; use one of {', '.join(CUSTOM_FIELD_KINDS)}", field="kind"
        )
    if len(description) > TEXT_LENGTH:
        raise Invalid(
            f"description must have at most {TEXT_LENGTH} characters", field="description"
        )
    if kind in SELECTS and not options:
        raise Invalid(f"a {KIND_LABELS[kind]} field needs at least one option", field="options")
    if kind not in SELECTS and options:
        raise Invalid(f"a {KIND_LABELS[kind]} field takes no options", field="options")
    if len(set(options)) != len(options):
        raise Invalid("options must be distinct", field="options")
    if any(len(o) > MAX_OPTION for o in options):
        raise Invalid(f"an option must have at most {MAX_OPTION} characters", field="options")
    if rank < 0:
        raise Invalid("rank must be 0 or more", field="rank")
    same = session.scalar(select(CustomField).where(CustomField.name == name))
    if same is not None and same.id != field_id:
        raise Conflict(f"a custom field named {name!r} already exists", field="name")


def _clean_options(options: list[str] | None) -> list[str]:
    return [o.strip() for o in options or [] if o.strip()]


def _field_values(field: CustomField) -> dict[str, object]:
    return {
        "name": field.name,
        "kind": field.kind,
        "description": field.description,
        "options": list(field.options),
        "required_at_declare": field.required_at_declare,
        "rank": field.rank,
    }


def create_field(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    kind: str,
    description: str = "",
    options: list[str] | None = None,
    required_at_declare: bool = False,
    rank: int = 0,
) -> CustomField:
    """Define a custom field for incidents (admins only; audited)."""
    actor.require(Role.ADMIN)
    name, options = name.strip(), _clean_options(options)
    _check_field(
        session,
        field_id=None,
        name=name,
        kind=kind,
        description=description,
        options=options,
        rank=rank,
    )
    field = CustomField(
        name=name,
        kind=kind,
        description=description,
        options=options,
        required_at_declare=required_at_declare,
        rank=rank,
    )
    session.add(field)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="custom_field:create",
        subject_type="custom_field",
        subject_id=field.id,
        summary=f"Custom field {field.name} ({field.kind}) created",
        changes=audit.created(_field_values(field)),
        now=now,
    )
    return field


def _stored_values(session: Session, field_id: int) -> list[Any]:
    return list(
        session.scalars(select(CustomFieldValue.value).where(CustomFieldValue.field_id == field_id))
    )


def options_in_use(session: Session, *, field: CustomField) -> dict[str, int]:
    """How many incidents hold each option of a select field (options nobody uses are left
    out). Counted in Python: the JSON column reads the same on both databases."""
    counts: dict[str, int] = {}
    for value in _stored_values(session, field.id):
        for option in value if isinstance(value, list) else [value]:
            if isinstance(option, str):
                counts[option] = counts.get(option, 0) + 1
    return counts


def _check_edit(session: Session, field: CustomField, *, kind: str, options: list[str]) -> None:
    """Refuse an edit that would leave incidents holding values the field no longer accepts:
    the kind is fixed once an incident holds a value; an option still held stays."""
    if kind != field.kind and _stored_values(session, field.id):
        raise Conflict(
            f"{field.name} is a {KIND_LABELS[field.kind]} field and incidents hold values for it; "
            "its kind can no longer change (create another field instead)",
            field="kind",
        )
    if field.kind in SELECTS:
        held = options_in_use(session, field=field)
        dropped = [o for o in field.options if o not in options and o in held]
        if dropped:
            uses = ", ".join(f"{o} ({held[o]} incident(s))" for o in dropped)
            raise Conflict(
                f"options still held by incidents cannot be removed: {uses}; "
                "change those incidents first",
                field="options",
            )


def update_field(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    field_id: int,
    name: str,
    kind: str,
    description: str = "",
    options: list[str] | None = None,
    required_at_declare: bool = False,
    rank: int = 0,
) -> CustomField:
    """Replace a custom field's definition (admins only; audited if anything changed).

    Values stay attached to the field, so a renamed field keeps them. The kind changes only
    while no incident holds a value, and an option that incidents hold cannot be removed
    (:class:`Conflict`); options may be added and reordered. ``required_at_declare`` applies
    to incidents declared from then on.
    """
    actor.require(Role.ADMIN)
    field = session.get(CustomField, field_id)
    if field is None:
        raise NotFound(f"custom field {field_id} does not exist")
    name, options = name.strip(), _clean_options(options)
    _check_field(
        session,
        field_id=field.id,
        name=name,
        kind=kind,
        description=description,
        options=options,
        rank=rank,
    )
    _check_edit(session, field, kind=kind, options=options)
    before = _field_values(field)
    field.name, field.kind, field.description = name, kind, description
    field.options, field.required_at_declare, field.rank = options, required_at_declare, rank
    session.flush()
    audit.record_update(
        session,
        actor=actor,
        now=now,
        subject_type="custom_field",
        label=f"Custom field {field.name}",
        subject_id=field.id,
        before=before,
        after=_field_values(field),
    )
    return field


def delete_field(session: Session, *, actor: Actor, now: datetime, field_id: int) -> CustomField:
    """Delete a custom field that no incident holds a value for (admins only; audited);
    returns it, gone from the database."""
    actor.require(Role.ADMIN)
    field = session.get(CustomField, field_id)
    if field is None:
        raise NotFound(f"custom field {field_id} does not exist")
    held = len(_stored_values(session, field.id))
    if held:
        raise Conflict(
            f"{held} incident(s) hold a value for {field.name}; "
            "a field in use cannot be deleted (clear those values first)"
        )
    audit.record(
        session,
        actor=actor,
        action="custom_field:delete",
        subject_type="custom_field",
        subject_id=field.id,
        summary=f"Custom field {field.name} deleted",
        changes=audit.changed(_field_values(field), dict.fromkeys(_field_values(field))),
        now=now,
    )
    session.delete(field)
    session.flush()
    return field


def validate(field: CustomField, value: Any) -> Any:
    """Return the normalised value for ``field`` or raise :class:`Invalid` saying what to fix."""
    where = {"field": f"custom_fields.{field.name}"}
    if field.kind == "single_select":
        if value not in field.options:
            raise Invalid(f"{field.name} must be one of: {', '.join(field.options)}", **where)
        return value
    if field.kind == "multi_select":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or any(v not in field.options for v in value):
            raise Invalid(
                f"{field.name} must be a list drawn from: {', '.join(field.options)}", **where
            )
        return [o for o in field.options if o in value]
    if field.kind == "text":
        if not isinstance(value, str):
            raise Invalid(f"{field.name} must be text", **where)
        if len(value) > TEXT_LENGTH:
            raise Invalid(f"{field.name} must be at most {TEXT_LENGTH} characters", **where)
        return value
    if field.kind == "link":
        parsed = urlparse(value) if isinstance(value, str) else None
        if (
            parsed is None
            or parsed.scheme not in ("http", "https")
            or not parsed.netloc
            or len(value) > TEXT_LENGTH
        ):
            raise Invalid(f"{field.name} must be an http(s) URL", **where)
        return value
    if isinstance(value, str):
        try:
            value = float(value) if "." in value else int(value)
        except ValueError:
            raise Invalid(f"{field.name} must be a number", **where) from None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (isinstance(value, float) and not math.isfinite(value))
    ):
        raise Invalid(f"{field.name} must be a number", **where)
    return value


def values_of(session: Session, *, incident_id: int) -> dict[str, Any]:
    rows = session.execute(
        select(CustomField.name, CustomFieldValue.value)
        .join(CustomField, CustomField.id == CustomFieldValue.field_id)
        .where(CustomFieldValue.incident_id == incident_id)
    )
    return dict(rows.all())


def set_value(session: Session, *, incident_id: int, field: CustomField, value: Any) -> Any:
    """Store a validated value (``None`` clears it) and return the old value."""
    row = session.get(CustomFieldValue, (incident_id, field.id))
    old = row.value if row else None
    if value is None or value == "" or value == []:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(
            CustomFieldValue(
                incident_id=incident_id, field_id=field.id, value=validate(field, value)
            )
        )
    else:
        row.value = validate(field, value)
    session.flush()
    return old


def missing_required(session: Session, given: dict[str, Any]) -> list[str]:
    return [
        f.name
        for f in list_fields(session)
        if f.required_at_declare and given.get(f.name) in (None, "", [])
    ]
