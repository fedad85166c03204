"""Editing and deleting custom fields and incident roles: admins only, audited, and what
incidents hold is protected."""

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import make_incident, make_person

from watchkeep.auth.models import AuditRecord
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Conflict, Forbidden, Invalid, NotFound
from watchkeep.incident import customfields, roles
from watchkeep.incident.models import CustomField, RoleType


def audited(session: Session, action: str) -> list[AuditRecord]:
    return list(
        session.scalars(
            select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)
        )
    )


def test_a_field_in_use_keeps_its_kind_and_held_options(session: Session) -> None:
    admin, person = make_person(session, "admin"), make_person(session)
    field = customfields.create_field(
        session,
        actor=admin.actor,
        now=utcnow(),
        name="Region",
        kind="multi_select",
        options=["eu", "us", "apac"],
    )
    make_incident(session, person, custom_fields={"Region": ["us", "eu"]})
    make_incident(session, person, custom_fields={"Region": ["us"]})
    assert customfields.options_in_use(session, field=field) == {"us": 2, "eu": 1}
    base = {
        "field_id": field.id,
        "name": "Region",
        "kind": "multi_select",
        "options": ["eu", "us", "apac"],
    }
    for change, error, words in (
        ({"kind": "text", "options": []}, Conflict, "kind can no longer change"),
        ({"options": ["apac"]}, Conflict, re.escape("eu (1 incident(s)), us (2 incident(s))")),
        ({"rank": -1}, Invalid, "rank"),
        ({"field_id": 10**9}, NotFound, "does not exist"),
    ):
        with pytest.raises(error, match=words):
            customfields.update_field(
                session, actor=admin.actor, now=utcnow(), **{**base, **change}
            )  # type: ignore[arg-type]
    with pytest.raises(Forbidden):
        customfields.update_field(session, actor=person.actor, now=utcnow(), **base)  # type: ignore[arg-type]
    with pytest.raises(Conflict, match="2 incident"):
        customfields.delete_field(session, actor=admin.actor, now=utcnow(), field_id=field.id)
    assert audited(session, "custom_field:update") == []
    # An unused option goes; the same definition again records nothing more.
    kept = {**base, "options": ["us", "eu"]}
    customfields.update_field(session, actor=admin.actor, now=utcnow(), **kept)  # type: ignore[arg-type]
    customfields.update_field(session, actor=admin.actor, now=utcnow(), **kept)  # type: ignore[arg-type]
    [record] = audited(session, "custom_field:update")
    assert record.changes == {"options": [["eu", "us", "apac"], ["us", "eu"]]}
    assert session.get(CustomField, field.id).options == ["us", "eu"]  # type: ignore[union-attr]


def test_an_unused_field_is_deleted_and_audited(session: Session) -> None:
    admin = make_person(session, "admin")
    field = customfields.create_field(
        session, actor=admin.actor, now=utcnow(), name="Ticket", kind="link"
    )
    field_id = field.id
    customfields.delete_field(session, actor=admin.actor, now=utcnow(), field_id=field_id)
    assert session.get(CustomField, field_id) is None
    [record] = audited(session, "custom_field:delete")
    assert record.subject_id == field_id and record.changes["name"] == ["Ticket", None]


def test_roles_are_edited_by_slug_and_deleted_only_when_unused(session: Session) -> None:
    admin, person = make_person(session, "admin"), make_person(session)
    lead = roles.get_role_type(session, ref="lead")
    roles.update_role_type(
        session,
        actor=admin.actor,
        now=utcnow(),
        role_type_id=lead.id,
        name="Incident commander",
        instructions="Decides",
        rank=lead.rank,
    )
    assert roles.get_role_type(session, ref="lead").name == "Incident commander"
    [record] = audited(session, "role_type:update")
    assert set(record.changes) == {"name", "instructions"}
    with pytest.raises(Conflict, match="built-in"):
        roles.delete_role_type(session, actor=admin.actor, now=utcnow(), role_type_id=lead.id)
    with pytest.raises(Conflict, match="already exists"):
        roles.update_role_type(
            session,
            actor=admin.actor,
            now=utcnow(),
            role_type_id=lead.id,
            name="Scribe",
            instructions="",
            rank=1,
        )
    with pytest.raises(Forbidden):
        roles.update_role_type(
            session,
            actor=person.actor,
            now=utcnow(),
            role_type_id=lead.id,
            name="X",
            instructions="",
            rank=1,
        )
    ops = roles.create_role_type(session, actor=admin.actor, now=utcnow(), name="Ops")
    incident = make_incident(session, person)
    roles.assign(
        session, incident=incident, role="ops", user_id=person.user.id, actor=None, now=utcnow()
    )
    with pytest.raises(Conflict, match="held on 1 incident"):
        roles.delete_role_type(session, actor=admin.actor, now=utcnow(), role_type_id=ops.id)
    roles.unassign(session, incident=incident, role="ops", actor=admin.actor, now=utcnow())
    ops_id = ops.id
    roles.delete_role_type(session, actor=admin.actor, now=utcnow(), role_type_id=ops_id)
    assert session.get(RoleType, ops_id) is None
    assert len(audited(session, "role_type:delete")) == 1
    with pytest.raises(Invalid, match="slug"):
        roles.create_role_type(
            session, actor=admin.actor, now=utcnow(), name="Bad", slug="Has Spaces"
        )
