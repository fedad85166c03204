"""Teams and services: create, read, update, and name conflicts."""

from datetime import UTC, datetime
from typing import get_args

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person, make_person

from watchkeep.auth.models import AuditRecord
from watchkeep.catalog import service as catalog
from watchkeep.catalog.models import SERVICE_KINDS
from watchkeep.catalog.schemas import ServiceKind
from watchkeep.core.errors import Conflict, Invalid, NotFound

NOW = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)


def test_teams_are_created_with_members_and_listed_by_name(session: Session, admin: Person) -> None:
    ann, ben = make_person(session, name="Ann"), make_person(session, name="Ben")
    payments = catalog.create_team(
        session,
        actor=admin.actor,
        now=NOW,
        name="  Payments ",
        description="Money",
        member_ids=[ben.user.id, ann.user.id, ben.user.id],
    )
    catalog.create_team(session, actor=admin.actor, now=NOW, name="Checkout")
    assert payments.name == "Payments"
    assert [u.name for u in payments.members] == ["Ann", "Ben"]
    assert [t.name for t in catalog.list_teams(session)] == ["Checkout", "Payments"]
    assert catalog.get_team(session, team_id=payments.id) is payments


def test_team_names_are_unique(session: Session, admin: Person) -> None:
    catalog.create_team(session, actor=admin.actor, now=NOW, name="Payments")
    other = catalog.create_team(session, actor=admin.actor, now=NOW, name="Checkout")
    with pytest.raises(Conflict) as raised:
        catalog.create_team(session, actor=admin.actor, now=NOW, name="Payments ")
    assert raised.value.details["field"] == "name"
    with pytest.raises(Conflict):
        catalog.update_team(session, actor=admin.actor, now=NOW, team_id=other.id, name="Payments")
    assert other.name == "Checkout"


def test_updating_a_team(session: Session, admin: Person) -> None:
    ann, ben = make_person(session, name="Ann"), make_person(session, name="Ben")
    team = catalog.create_team(
        session, actor=admin.actor, now=NOW, name="Payments", member_ids=[ann.user.id]
    )
    catalog.update_team(
        session,
        actor=admin.actor,
        now=NOW,
        team_id=team.id,
        name="Billing",
        description="Invoices",
        member_ids=[ben.user.id],
    )
    assert (team.name, team.description, [u.name for u in team.members]) == (
        "Billing",
        "Invoices",
        ["Ben"],
    )
    # Fields left out stay as they are.
    catalog.update_team(session, actor=admin.actor, now=NOW, team_id=team.id)
    assert (team.name, team.description, [u.name for u in team.members]) == (
        "Billing",
        "Invoices",
        ["Ben"],
    )
    catalog.update_team(session, actor=admin.actor, now=NOW, team_id=team.id, member_ids=[])
    assert team.members == []


def test_bad_teams_are_invalid_or_not_found(session: Session, admin: Person) -> None:
    with pytest.raises(Invalid) as empty:
        catalog.create_team(session, actor=admin.actor, now=NOW, name=" ")
    assert empty.value.details["field"] == "name"
    with pytest.raises(Invalid) as members:
        catalog.create_team(session, actor=admin.actor, now=NOW, name="Ghosts", member_ids=[987654])
    assert members.value.details["field"] == "member_ids"
    assert "987654" in members.value.message
    with pytest.raises(NotFound):
        catalog.get_team(session, team_id=987654)
    with pytest.raises(NotFound):
        catalog.update_team(session, actor=admin.actor, now=NOW, team_id=987654, name="x")
    assert catalog.list_teams(session) == []


@pytest.mark.parametrize("kind", ["team", "service"])
def test_renaming_to_the_same_name_with_spaces_is_not_a_conflict(
    session: Session, admin: Person, kind: str
) -> None:
    if kind == "team":
        team = catalog.create_team(session, actor=admin.actor, now=NOW, name="Payments")
        catalog.update_team(session, actor=admin.actor, now=NOW, team_id=team.id, name="Payments ")
        assert team.name == "Payments"
    else:
        svc = catalog.create_service(session, actor=admin.actor, now=NOW, name="api")
        catalog.update_service(session, actor=admin.actor, now=NOW, service_id=svc.id, name=" api")
        assert svc.name == "api"


def test_services_are_created_listed_and_found(session: Session, admin: Person) -> None:
    team = catalog.create_team(session, actor=admin.actor, now=NOW, name="Payments")
    api = catalog.create_service(
        session,
        actor=admin.actor,
        now=NOW,
        name=" api ",
        description="Public API",
        owner_team_id=team.id,
    )
    catalog.create_service(session, actor=admin.actor, now=NOW, name="db")
    assert (api.name, api.description, api.owner_team_id) == ("api", "Public API", team.id)
    assert api.owner_team is not None
    assert api.owner_team.name == "Payments"
    assert [s.name for s in catalog.list_services(session)] == ["api", "db"]
    assert catalog.get_service(session, service_id=api.id) is api


def test_service_names_are_unique(session: Session, admin: Person) -> None:
    catalog.create_service(session, actor=admin.actor, now=NOW, name="api")
    db = catalog.create_service(session, actor=admin.actor, now=NOW, name="db")
    with pytest.raises(Conflict) as raised:
        catalog.create_service(session, actor=admin.actor, now=NOW, name="api")
    assert raised.value.details["field"] == "name"
    with pytest.raises(Conflict):
        catalog.update_service(session, actor=admin.actor, now=NOW, service_id=db.id, name="api")
    assert db.name == "db"


def test_updating_a_service(session: Session, admin: Person) -> None:
    first, second = (
        catalog.create_team(session, actor=admin.actor, now=NOW, name="A"),
        catalog.create_team(session, actor=admin.actor, now=NOW, name="B"),
    )
    svc = catalog.create_service(
        session, actor=admin.actor, now=NOW, name="api", owner_team_id=first.id
    )
    catalog.update_service(
        session,
        actor=admin.actor,
        now=NOW,
        service_id=svc.id,
        name="gateway",
        description="Edge",
        owner_team_id=second.id,
    )
    assert (svc.name, svc.description, svc.owner_team_id) == ("gateway", "Edge", second.id)
    catalog.update_service(session, actor=admin.actor, now=NOW, service_id=svc.id)
    assert (svc.name, svc.description, svc.owner_team_id) == ("gateway", "Edge", second.id)
    catalog.update_service(
        session, actor=admin.actor, now=NOW, service_id=svc.id, owner_team_id=None
    )
    assert (svc.name, svc.owner_team_id, svc.owner_team) == ("gateway", None, None)


def test_bad_services_are_invalid_or_not_found(session: Session, admin: Person) -> None:
    with pytest.raises(Invalid):
        catalog.create_service(session, actor=admin.actor, now=NOW, name="")
    with pytest.raises(Invalid, match="owner team 987654"):
        catalog.create_service(
            session, actor=admin.actor, now=NOW, name="api", owner_team_id=987654
        )
    with pytest.raises(NotFound):
        catalog.get_service(session, service_id=987654)
    svc = catalog.create_service(session, actor=admin.actor, now=NOW, name="api")
    with pytest.raises(Invalid, match="owner team 987654"):
        catalog.update_service(
            session, actor=admin.actor, now=NOW, service_id=svc.id, owner_team_id=987654
        )
    assert svc.owner_team_id is None


def test_get_services_names_the_unknown_ids(session: Session, admin: Person) -> None:
    api, db = (
        catalog.create_service(session, actor=admin.actor, now=NOW, name="api"),
        catalog.create_service(session, actor=admin.actor, now=NOW, name="db"),
    )
    assert [s.name for s in catalog.get_services(session, service_ids=[db.id, api.id, db.id])] == [
        "api",
        "db",
    ]
    assert catalog.get_services(session, service_ids=[]) == []
    with pytest.raises(Invalid) as raised:
        catalog.get_services(session, service_ids=[api.id, 987654, 987655])
    assert raised.value.details["field"] == "service_ids"
    assert "[987654, 987655]" in raised.value.message


def test_dependencies_kinds_and_runbooks_are_audited(session: Session, admin: Person) -> None:
    db = catalog.create_service(session, actor=admin.actor, now=NOW, name="db", kind="platform")
    api = catalog.create_service(
        session,
        actor=admin.actor,
        now=NOW,
        name="api",
        runbook="# api",
        runbook_url=" https://runbooks.example.com/api ",
        depends_on_ids=[db.id, db.id],
    )
    assert ([s.name for s in api.depends_on], api.runbook_url) == (
        ["db"],
        "https://runbooks.example.com/api",
    )
    catalog.update_service(
        session, actor=admin.actor, now=NOW, service_id=api.id, depends_on_ids=[], runbook_url=None
    )
    assert (api.depends_on, api.runbook_url, api.runbook) == ([], None, "# api")
    changes = session.scalars(
        select(AuditRecord.changes).where(AuditRecord.action == "service:update")
    ).one()
    assert changes == {
        "depends_on_ids": [[db.id], []],
        "runbook_url": ["https://runbooks.example.com/api", None],
    }


def test_a_service_never_depends_on_itself_or_on_nothing_known(
    session: Session, admin: Person
) -> None:
    api = catalog.create_service(session, actor=admin.actor, now=NOW, name="api")
    with pytest.raises(Invalid, match="cannot depend on itself"):
        catalog.update_service(
            session, actor=admin.actor, now=NOW, service_id=api.id, depends_on_ids=[api.id]
        )
    with pytest.raises(Invalid, match=r"unknown service ids: \[987654\]"):
        catalog.create_service(
            session, actor=admin.actor, now=NOW, name="web", depends_on_ids=[987654]
        )
    with pytest.raises(Invalid, match="kind must be one of internal, platform, third_party"):
        catalog.create_service(session, actor=admin.actor, now=NOW, name="web", kind="vendor")


def test_the_api_knows_the_same_kinds_as_the_model() -> None:
    assert get_args(ServiceKind) == SERVICE_KINDS
