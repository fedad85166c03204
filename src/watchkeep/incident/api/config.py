"""JSON routes for incident configuration: severities, types, custom fields, role types,
and follow-ups across incidents."""

from typing import Any

from fastapi import APIRouter, Query, status

from watchkeep.core.clock import utcnow
from watchkeep.core.ids import MAX_ID
from watchkeep.core.limits import QueryId
from watchkeep.http.deps import Admin, CurrentActor, DbSession
from watchkeep.incident import customfields, roles, severities
from watchkeep.incident import followups as inc_followups
from watchkeep.incident.read import follow_up_read
from watchkeep.incident.schemas import (
    FieldIn,
    FieldRead,
    FollowUpRead,
    RoleTypeIn,
    RoleTypeRead,
    RoleTypeUpdate,
    SeverityIn,
    SeverityRead,
    TypeIn,
    TypeRead,
)

router = APIRouter(tags=["configuration"])

CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token or session"},
    403: {"description": "The caller is not an admin"},
    404: {"description": "No such severity or incident type"},
    409: {"description": "Another one has that name"},
    422: {"description": "The body is not valid"},
}
FIELD_CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    **CHANGE_ERRORS,
    404: {"description": "No such custom field"},
    409: {
        "description": "Another field has that name, or incidents hold values the change "
        "would orphan (a new kind, a removed option)"
    },
}
FIELD_DELETE_ERRORS: dict[int | str, dict[str, Any]] = {
    **{code: FIELD_CHANGE_ERRORS[code] for code in (401, 403, 404)},
    409: {"description": "Incidents hold values for the field"},
}
ROLE_CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    **CHANGE_ERRORS,
    404: {"description": "No such incident role"},
    409: {"description": "Another role has that name"},
}
ROLE_DELETE_ERRORS: dict[int | str, dict[str, Any]] = {
    **{code: ROLE_CHANGE_ERRORS[code] for code in (401, 403, 404)},
    409: {"description": "A built-in role, or one held on incidents"},
}


@router.get("/severities")
def list_severities(session: DbSession, _actor: CurrentActor) -> list[SeverityRead]:
    return [
        SeverityRead.model_validate(s, from_attributes=True)
        for s in severities.list_severities(session)
    ]


@router.post("/severities", status_code=status.HTTP_201_CREATED)
def create_severity(body: SeverityIn, session: DbSession, actor: Admin) -> SeverityRead:
    created = severities.create_severity(session, actor=actor, now=utcnow(), **body.model_dump())
    return SeverityRead.model_validate(created, from_attributes=True)


@router.put("/severities/{severity_id:id}", responses=CHANGE_ERRORS)
def update_severity(
    severity_id: int, body: SeverityIn, session: DbSession, actor: Admin
) -> SeverityRead:
    """Replace a severity's name, description, rank and first-update minutes (admins)."""
    changed = severities.update_severity(
        session, actor=actor, now=utcnow(), severity_id=severity_id, **body.model_dump()
    )
    return SeverityRead.model_validate(changed, from_attributes=True)


@router.get("/incident-types")
def list_types(session: DbSession, _actor: CurrentActor) -> list[TypeRead]:
    return [
        TypeRead.model_validate(t, from_attributes=True) for t in severities.list_types(session)
    ]


@router.post("/incident-types", status_code=status.HTTP_201_CREATED)
def create_type(body: TypeIn, session: DbSession, actor: Admin) -> TypeRead:
    created = severities.create_type(session, actor=actor, now=utcnow(), **body.model_dump())
    return TypeRead.model_validate(created, from_attributes=True)


@router.put("/incident-types/{type_id:id}", responses=CHANGE_ERRORS)
def update_type(type_id: int, body: TypeIn, session: DbSession, actor: Admin) -> TypeRead:
    """Replace an incident type's name, description, rank and privacy default (admins)."""
    changed = severities.update_type(
        session, actor=actor, now=utcnow(), type_id=type_id, **body.model_dump()
    )
    return TypeRead.model_validate(changed, from_attributes=True)


@router.get("/custom-fields")
def list_fields(session: DbSession, _actor: CurrentActor) -> list[FieldRead]:
    return [
        FieldRead.model_validate(f, from_attributes=True) for f in customfields.list_fields(session)
    ]


@router.post("/custom-fields", status_code=status.HTTP_201_CREATED)
def create_field(body: FieldIn, session: DbSession, actor: Admin) -> FieldRead:
    created = customfields.create_field(session, actor=actor, now=utcnow(), **body.model_dump())
    return FieldRead.model_validate(created, from_attributes=True)


@router.put("/custom-fields/{field_id:id}", responses=FIELD_CHANGE_ERRORS)
def update_field(field_id: int, body: FieldIn, session: DbSession, actor: Admin) -> FieldRead:
    """Replace a custom field's definition (admins). The kind changes only while no incident
    holds a value; an option that incidents hold cannot be removed."""
    changed = customfields.update_field(
        session, actor=actor, now=utcnow(), field_id=field_id, **body.model_dump()
    )
    return FieldRead.model_validate(changed, from_attributes=True)


@router.delete(
    "/custom-fields/{field_id:id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=FIELD_DELETE_ERRORS,
)
def delete_field(field_id: int, session: DbSession, actor: Admin) -> None:
    """Delete a custom field no incident holds a value for (admins)."""
    customfields.delete_field(session, actor=actor, now=utcnow(), field_id=field_id)


@router.get("/role-types")
def list_role_types(session: DbSession, _actor: CurrentActor) -> list[RoleTypeRead]:
    return [
        RoleTypeRead.model_validate(r, from_attributes=True) for r in roles.list_role_types(session)
    ]


@router.post("/role-types", status_code=status.HTTP_201_CREATED)
def create_role_type(body: RoleTypeIn, session: DbSession, actor: Admin) -> RoleTypeRead:
    created = roles.create_role_type(session, actor=actor, now=utcnow(), **body.model_dump())
    return RoleTypeRead.model_validate(created, from_attributes=True)


@router.put("/role-types/{role_type_id:id}", responses=ROLE_CHANGE_ERRORS)
def update_role_type(
    role_type_id: int, body: RoleTypeUpdate, session: DbSession, actor: Admin
) -> RoleTypeRead:
    """Replace an incident role's name, instructions and rank (admins; built-in roles too).
    The slug is fixed: it is how the API addresses the role."""
    changed = roles.update_role_type(
        session, actor=actor, now=utcnow(), role_type_id=role_type_id, **body.model_dump()
    )
    return RoleTypeRead.model_validate(changed, from_attributes=True)


@router.delete(
    "/role-types/{role_type_id:id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=ROLE_DELETE_ERRORS,
)
def delete_role_type(role_type_id: int, session: DbSession, actor: Admin) -> None:
    """Delete a custom incident role nobody holds on any incident (admins; never a built-in
    role)."""
    roles.delete_role_type(session, actor=actor, now=utcnow(), role_type_id=role_type_id)


@router.get("/follow-ups", tags=["incidents"])
def list_all_follow_ups(
    session: DbSession,
    actor: CurrentActor,
    status_: str | None = Query(None, alias="status"),
    owner_id: QueryId | None = None,
    priority: str | None = None,
    action_type: str | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_ID),
) -> list[FollowUpRead]:
    """Follow-ups of problems and of every incident the caller may see."""
    flt = inc_followups.FollowUpFilter(
        status=status_, owner_id=owner_id, priority=priority, action_type=action_type
    )
    rows = inc_followups.list_all(session, actor=actor, flt=flt, limit=limit, offset=offset)
    return [follow_up_read(f, i.reference if i else None) for f, i in rows]
