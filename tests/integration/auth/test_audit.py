"""The audit log: each configuration change writes exactly one record in its transaction,
the services check the admin role themselves, and only admins read the log."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session
from tests.factories import Person, make_person

from watchkeep.auth import audit
from watchkeep.auth import service as auth
from watchkeep.auth.models import AuditRecord
from watchkeep.catalog import service as catalog
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Conflict, Forbidden, Invalid, NotFound
from watchkeep.incident import customfields, roles, severities

NOW = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)


def count(session: Session) -> int:
    return session.scalar(select(func.count(AuditRecord.id))) or 0


def newest(session: Session) -> AuditRecord:
    record = session.scalar(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1))
    assert record is not None
    return record


@dataclass(frozen=True)
class Change:
    """A configuration change made as ``actor``: returns the id of what it changed."""

    action: str
    subject_type: str
    run: Callable[[Session, Actor, Person], int]
    changes: dict[str, list[Any]]


def _team_update(session: Session, actor: Actor, other: Person) -> int:
    team = catalog.create_team(session, actor=actor, now=NOW, name="Payments")
    catalog.update_team(
        session,
        actor=actor,
        now=NOW,
        team_id=team.id,
        name="Billing",
        description="Invoices",
        member_ids=[other.user.id],
    )
    return team.id


def _service_update(session: Session, actor: Actor, _other: Person) -> int:
    service = catalog.create_service(session, actor=actor, now=NOW, name="api")
    catalog.update_service(
        session, actor=actor, now=NOW, service_id=service.id, description="Public API"
    )
    return service.id


def _set_password(session: Session, actor: Actor, other: Person) -> int:
    auth.set_password(session, actor=actor, now=NOW, user_id=other.user.id, password="a new one")
    return other.user.id


def _field_update(session: Session, actor: Actor) -> int:
    field = customfields.create_field(
        session, actor=actor, now=NOW, name="Region", kind="single_select", options=["eu", "us"]
    )
    customfields.update_field(
        session,
        actor=actor,
        now=NOW,
        field_id=field.id,
        name="Zone",
        kind="single_select",
        options=["eu", "us", "apac"],
    )
    return field.id


def _role_type_update(session: Session, actor: Actor) -> int:
    role_type = roles.create_role_type(session, actor=actor, now=NOW, name="Customer liaison")
    roles.update_role_type(
        session,
        actor=actor,
        now=NOW,
        role_type_id=role_type.id,
        name="Customer liaison",
        instructions="Talk to customers",
        rank=5,
    )
    return role_type.id


def _token_revoke(session: Session, actor: Actor, other: Person) -> int:
    (token,) = auth.list_tokens(session, user_id=other.user.id)
    auth.revoke_token(session, actor=actor, now=NOW, token_id=token.id)
    return token.id


CHANGES = [
    Change(
        "severity:create",
        "severity",
        lambda s, a, _: (
            severities.create_severity(
                s, actor=a, now=NOW, name="SEV0", description="Everything", rank=0
            ).id
        ),
        {"name": [None, "SEV0"], "description": [None, "Everything"], "rank": [None, 0]},
    ),
    Change(
        "incident_type:create",
        "incident_type",
        lambda s, a, _: (
            severities.create_type(
                s, actor=a, now=NOW, name="Data loss", rank=9, private_by_default=True
            ).id
        ),
        {
            "name": [None, "Data loss"],
            "description": [None, ""],
            "rank": [None, 9],
            "private_by_default": [None, True],
        },
    ),
    Change(
        "custom_field:create",
        "custom_field",
        lambda s, a, _: (
            customfields.create_field(
                s, actor=a, now=NOW, name="Region", kind="single_select", options=["eu", "us"]
            ).id
        ),
        {
            "name": [None, "Region"],
            "kind": [None, "single_select"],
            "description": [None, ""],
            "options": [None, ["eu", "us"]],
            "required_at_declare": [None, False],
            "rank": [None, 0],
        },
    ),
    Change(
        "role_type:create",
        "role_type",
        lambda s, a, _: (
            roles.create_role_type(
                s, actor=a, now=NOW, name="Customer liaison", instructions="Talk to customers"
            ).id
        ),
        {
            "slug": [None, "customer-liaison"],
            "name": [None, "Customer liaison"],
            "instructions": [None, "Talk to customers"],
            "builtin": [None, False],
            "rank": [None, 100],
        },
    ),
    Change(
        "custom_field:update",
        "custom_field",
        lambda s, a, _: _field_update(s, a),
        {"name": ["Region", "Zone"], "options": [["eu", "us"], ["eu", "us", "apac"]]},
    ),
    Change(
        "role_type:update",
        "role_type",
        lambda s, a, _: _role_type_update(s, a),
        {"instructions": ["", "Talk to customers"], "rank": [100, 5]},
    ),
    Change(
        "team:create",
        "team",
        lambda s, a, o: (
            catalog.create_team(s, actor=a, now=NOW, name="SRE", member_ids=[o.user.id]).id
        ),
        {"name": [None, "SRE"], "description": [None, ""], "member_ids": [None, ["OTHER"]]},
    ),
    Change(
        "team:update",
        "team",
        _team_update,
        {
            "name": ["Payments", "Billing"],
            "description": ["", "Invoices"],
            "member_ids": [[], ["OTHER"]],
        },
    ),
    Change(
        "service:create",
        "service",
        lambda s, a, _: (
            catalog.create_service(
                s, actor=a, now=NOW, name="checkout", description="Takes orders"
            ).id
        ),
        {
            "name": [None, "checkout"],
            "description": [None, "Takes orders"],
            "owner_team_id": [None, None],
            "kind": [None, "internal"],
            "runbook": [None, ""],
            "runbook_url": [None, None],
            "depends_on_ids": [None, []],
        },
    ),
    Change("service:update", "service", _service_update, {"description": ["", "Public API"]}),
    Change(
        "user:create",
        "user",
        lambda s, a, _: (
            auth.create_user(
                s, actor=a, now=NOW, email="new@example.com", name="New", role="viewer"
            ).id
        ),
        {
            "email": [None, "new@example.com"],
            "name": [None, "New"],
            "role": [None, "viewer"],
            "timezone": [None, "UTC"],
            "has_password": [None, False],
        },
    ),
    Change("user:set_password", "user", _set_password, {"has_password": [True, True]}),
    Change(
        "user:role_change",
        "user",
        lambda s, a, o: auth.change_role(s, actor=a, now=NOW, user_id=o.user.id, role="admin").id,
        {"role": ["responder", "admin"]},
    ),
    Change(
        "token:create",
        "token",
        lambda s, a, o: (
            auth.create_token(s, actor=a, now=NOW, user_id=o.user.id, name="ci", role="viewer")[
                0
            ].id
        ),
        {"user_id": [None, "OTHER"], "name": [None, "ci"], "role": [None, "viewer"]},
    ),
    Change("token:revoke", "token", _token_revoke, {"revoked_at": [None, NOW.isoformat()]}),
]


def resolved(changes: dict[str, list[Any]], other: Person) -> dict[str, list[Any]]:
    """``"OTHER"`` in the expected changes stands for the other person's user id."""

    def one(value: Any) -> Any:
        if value == "OTHER":
            return other.user.id
        return [one(v) for v in value] if isinstance(value, list) else value

    return {name: one(pair) for name, pair in changes.items()}


@pytest.mark.parametrize("change", CHANGES, ids=[c.action for c in CHANGES])
def test_each_change_writes_exactly_one_record(session: Session, change: Change) -> None:
    admin, other = make_person(session, "admin", "Ada"), make_person(session, name="Olive")
    before = count(session)
    subject_id = change.run(session, admin.actor, other)
    # Updates first create what they change: only the last record is the update's.
    expected = 2 if change.action.endswith(":update") else 1
    assert count(session) == before + expected
    record = newest(session)
    assert (record.action, record.subject_type, record.subject_id) == (
        change.action,
        change.subject_type,
        subject_id,
    )
    assert (record.actor_id, record.occurred_at) == (admin.user.id, NOW)
    assert record.actor is not None
    assert record.actor.name == "Ada"
    assert record.summary
    wanted = resolved(change.changes, other)
    if change.action == "token:create":
        assert record.changes.pop("prefix")[0] is None
    assert record.changes == wanted


def test_nothing_changed_is_not_audited(session: Session, admin: Person) -> None:
    team = catalog.create_team(session, actor=admin.actor, now=NOW, name="SRE")
    service = catalog.create_service(session, actor=admin.actor, now=NOW, name="api")
    other = make_person(session)
    before = count(session)
    catalog.update_team(session, actor=admin.actor, now=NOW, team_id=team.id, name=" SRE ")
    catalog.update_service(session, actor=admin.actor, now=NOW, service_id=service.id)
    auth.change_role(session, actor=admin.actor, now=NOW, user_id=other.user.id, role="responder")
    (token,) = auth.list_tokens(session, user_id=other.user.id)
    auth.revoke_token(session, actor=admin.actor, now=NOW, token_id=token.id)
    auth.revoke_token(session, actor=admin.actor, now=NOW + timedelta(days=1), token_id=token.id)
    assert count(session) == before + 1  # the first revocation only
    assert newest(session).action == "token:revoke"


CONFIGURATION = {
    "severity": lambda s, a, o: severities.create_severity(s, actor=a, now=NOW, name="X", rank=9),
    "incident_type": lambda s, a, o: severities.create_type(s, actor=a, now=NOW, name="X"),
    "custom_field": lambda s, a, o: customfields.create_field(
        s, actor=a, now=NOW, name="X", kind="text"
    ),
    "role_type": lambda s, a, o: roles.create_role_type(s, actor=a, now=NOW, name="X"),
    "team": lambda s, a, o: catalog.create_team(s, actor=a, now=NOW, name="X"),
    "service": lambda s, a, o: catalog.create_service(s, actor=a, now=NOW, name="X"),
    "user": lambda s, a, o: auth.create_user(s, actor=a, now=NOW, email="x@example.com", name="X"),
    "role": lambda s, a, o: auth.change_role(s, actor=a, now=NOW, user_id=o.user.id, role="admin"),
    "password": lambda s, a, o: auth.set_password(
        s, actor=a, now=NOW, user_id=o.user.id, password="not yours to set"
    ),
    "token": lambda s, a, o: auth.create_token(s, actor=a, now=NOW, user_id=o.user.id, name="x"),
}


@pytest.mark.parametrize("kind", sorted(CONFIGURATION))
@pytest.mark.parametrize("role", ["responder", "viewer"])
def test_a_non_admin_calling_a_configuration_service_is_forbidden(
    session: Session, kind: str, role: str
) -> None:
    """The rule is in the service, not only in the route: the CLI and any caller meet it."""
    caller, other = make_person(session, role), make_person(session)
    before = count(session)
    with pytest.raises(Forbidden, match="admin role"):
        CONFIGURATION[kind](session, caller.actor, other)
    assert count(session) == before


def test_a_non_admin_revokes_only_their_own_token_and_that_is_audited(session: Session) -> None:
    owner, other = make_person(session), make_person(session)
    (token,) = auth.list_tokens(session, user_id=owner.user.id)
    before = count(session)
    with pytest.raises(NotFound):
        auth.revoke_token(session, actor=other.actor, now=NOW, token_id=token.id)
    assert count(session) == before
    auth.revoke_token(session, actor=owner.actor, now=NOW, token_id=token.id)
    assert (newest(session).action, newest(session).actor_id) == ("token:revoke", owner.user.id)


def test_your_own_password_and_tokens_need_no_admin(session: Session) -> None:
    person = make_person(session, "viewer")
    auth.set_password(
        session, actor=person.actor, now=NOW, user_id=person.user.id, password="my own secret"
    )
    auth.create_token(session, actor=person.actor, now=NOW, user_id=person.user.id, name="mine")
    records = session.scalars(
        select(AuditRecord).where(AuditRecord.actor_id == person.user.id).order_by(AuditRecord.id)
    ).all()
    assert [r.action for r in records] == [
        "token:create",  # made by the factory, as the person
        "user:set_password",
        "token:create",
    ]


@pytest.mark.parametrize(
    "failing",
    [
        lambda s, a: catalog.create_service(s, actor=a, now=NOW, name="api"),
        lambda s, a: catalog.create_team(s, actor=a, now=NOW, name="Ghosts", member_ids=[987654]),
        lambda s, a: severities.create_severity(s, actor=a, now=NOW, name="SEV1", rank=1),
        lambda s, a: customfields.create_field(
            s, actor=a, now=NOW, name="Region", kind="single_select"
        ),
        lambda s, a: auth.create_user(s, actor=a, now=NOW, email="nobody", name="N"),
        lambda s, a: auth.change_role(s, actor=a, now=NOW, user_id=a.user_id, role="viewer"),
    ],
    ids=["duplicate", "bad-members", "duplicate-severity", "no-options", "bad-email", "last"],
)
def test_a_failed_change_is_not_audited(
    session: Session, admin: Person, failing: Callable[[Session, Actor], object]
) -> None:
    catalog.create_service(session, actor=admin.actor, now=NOW, name="api")
    before = count(session)
    with pytest.raises((Conflict, Invalid)):
        failing(session, admin.actor)
    assert count(session) == before


def test_the_change_and_its_record_share_one_transaction(session: Session, admin: Person) -> None:
    """Rolled back together: a change never survives without its record, nor the reverse."""
    before = count(session)
    with session.begin_nested() as savepoint:
        catalog.create_service(session, actor=admin.actor, now=NOW, name="api")
        assert count(session) == before + 1
        savepoint.rollback()
    assert count(session) == before
    assert catalog.list_services(session) == []


def test_defaults_are_audited_as_the_system(session: Session) -> None:
    records = session.scalars(
        select(AuditRecord).where(AuditRecord.action == "severity:create")
    ).all()
    assert {r.changes["name"][1] for r in records if r.actor_id is None} >= {
        "SEV1",
        "SEV2",
        "SEV3",
        "SEV4",
    }
    builtin = session.scalars(
        select(AuditRecord).where(
            AuditRecord.action == "role_type:create", AuditRecord.actor_id.is_(None)
        )
    ).all()
    assert {r.changes["slug"][1] for r in builtin} >= {"lead", "reporter", "comms", "scribe"}


def test_the_first_admin_is_made_by_the_system(session: Session) -> None:
    user = auth.create_user(
        session, actor=None, now=NOW, email="root@example.com", name="Root", role="admin"
    )
    record = newest(session)
    assert (record.action, record.subject_id, record.actor_id) == ("user:create", user.id, None)


def test_the_last_active_admin_keeps_the_role(session: Session) -> None:
    first = make_person(session, "admin")
    with pytest.raises(Conflict, match="last active admin"):
        auth.change_role(session, actor=first.actor, now=NOW, user_id=first.user.id, role="viewer")
    second = make_person(session, "admin")
    auth.change_role(session, actor=second.actor, now=NOW, user_id=first.user.id, role="viewer")
    assert first.user.role == "viewer"


# --- reading the log ------------------------------------------------------------------------


def test_only_admins_read_the_log(session: Session, admin: Person, alice: Person) -> None:
    with pytest.raises(Forbidden):
        audit.list_records(session, actor=alice.actor, limit=10, offset=0)
    with pytest.raises(Forbidden):
        audit.filter_values(session, actor=alice.actor)
    rows, _ = audit.list_records(session, actor=admin.actor, limit=10, offset=0)
    assert rows


def test_the_log_is_newest_first_filtered_and_paged(session: Session, admin: Person) -> None:
    later = utcnow() + timedelta(days=1)  # after everything the fixtures recorded
    for n in range(3):
        catalog.create_service(
            session, actor=admin.actor, now=later + timedelta(minutes=n), name=f"svc-{n}"
        )
    catalog.create_team(session, actor=admin.actor, now=later + timedelta(hours=1), name="SRE")

    def page(**kwargs: Any) -> tuple[list[str], bool]:
        rows, more = audit.list_records(session, actor=admin.actor, **kwargs)
        return [r.summary for r in rows], more

    assert page(limit=2, offset=0, subject_type="service") == (
        ["Service svc-2 created", "Service svc-1 created"],
        True,
    )
    assert page(limit=2, offset=2, subject_type="service") == (["Service svc-0 created"], False)
    assert page(limit=5, offset=0, action="team:create") == (["Team SRE created"], False)
    assert page(limit=5, offset=0, action="team:update") == ([], False)
    assert page(limit=1, offset=0)[0] == ["Team SRE created"]
    actions, subjects = audit.filter_values(session, actor=admin.actor)
    assert {"service:create", "team:create", "severity:create"} <= set(actions)
    assert {"service", "team", "severity"} <= set(subjects)


def test_an_action_is_subject_colon_verb(session: Session) -> None:
    with pytest.raises(ValueError, match="subject:verb"):
        audit.record(
            session,
            actor=None,
            action="created a severity",
            subject_type="severity",
            subject_id=1,
            summary="",
            changes={},
            now=NOW,
        )


def test_the_log_keeps_naming_a_deleted_user(session: Session) -> None:
    admin = make_person(session, "admin", "Gone Soon")
    admin_id = admin.user.id
    service = catalog.create_service(session, actor=admin.actor, now=NOW, name="api")
    session.delete(admin.user)
    session.flush()
    session.expire_all()
    record = session.scalar(
        select(AuditRecord).where(
            AuditRecord.action == "service:create", AuditRecord.subject_id == service.id
        )
    )
    assert record is not None
    assert (record.actor_id, record.actor) == (admin_id, None)


def test_audit_ids_are_64_bit(session: Session) -> None:
    big = 2**40
    session.add(
        AuditRecord(
            id=big,
            occurred_at=NOW,
            action="severity:create",
            subject_type="severity",
            subject_id=2**41,
            summary="far",
            changes={},
        )
    )
    session.flush()
    session.expire_all()
    stored = session.get(AuditRecord, big)
    assert stored is not None
    assert (stored.subject_id, stored.occurred_at) == (2**41, NOW)
    columns = {
        c["name"]: c["type"] for c in inspect(session.connection()).get_columns("audit_record")
    }
    if session.get_bind().dialect.name == "postgresql":
        assert {str(columns["id"]), str(columns["subject_id"])} == {"BIGINT"}
    else:  # SQLite's INTEGER PRIMARY KEY is the 64-bit row id
        assert str(columns["id"]) == "INTEGER"
