"""Custom field definitions (by admins, audited) and validated values."""

import math
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth import audit
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid
from watchkeep.core.ids import parse_id
from watchkeep.core.limits import TEXT_LENGTH
from watchkeep.incident.models import CUSTOM_FIELD_KINDS, CustomField, CustomFieldValue

SELECTS = ("single_select", "multi_select")


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
    name = name.strip()
    if not name:
        raise Invalid("name must not be empty", field="name")
    if kind not in CUSTOM_FIELD_KINDS:
        raise Invalid(
            f"unknown kind {kind!r}; use one of {', '.join(CUSTOM_FIELD_KINDS)}", field="kind"
        )
    options = [o.strip() for o in options or [] if o.strip()]
    if kind in SELECTS and not options:
        raise Invalid(f"a {kind} field needs at least one option", field="options")
    if kind not in SELECTS and options:
        raise Invalid(f"a {kind} field takes no options", field="options")
    if len(set(options)) != len(options):
        raise Invalid("options must be distinct", field="options")
    if session.scalar(select(CustomField).where(CustomField.name == name)):
        raise Conflict(f"a custom field named {name!r} already exists", field="name")
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
        changes=audit.created(
            {
                "name": field.name,
                "kind": field.kind,
                "description": field.description,
                "options": field.options,
                "required_at_declare": field.required_at_declare,
                "rank": field.rank,
            }
        ),
        now=now,
    )
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
    rows = session.scalars(
        select(CustomFieldValue).where(CustomFieldValue.incident_id == incident_id)
    )
    return {row.field.name: row.value for row in rows}


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
