"""The admin pages of services and teams: list, create, edit; admins only."""

import json
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person, make_person, make_service, make_team
from tests.web.helpers import HTML, hx, log_in

from watchkeep.auth import accounts
from watchkeep.auth.models import AuditRecord
from watchkeep.catalog.models import Service, Team
from watchkeep.core.clock import utcnow


def announcement(response: object) -> str:
    text: str = json.loads(response.headers["HX-Trigger"])["wk-announce"]  # type: ignore[attr-defined]
    return text


def audit_records(session: Session, action: str) -> list[AuditRecord]:
    return list(
        session.scalars(
            select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)
        )
    )


def test_only_admins(client: TestClient, session: Session, alice: Person) -> None:
    team = make_team(session, name="Edge")
    service = make_service(session, name="api")
    session.commit()
    token = log_in(client, alice)
    for url, part in (("/admin/services", "services"), ("/admin/teams", "teams")):
        assert client.get(url, headers=HTML).status_code == 403
        refused = client.post(url, data={"name": "X"}, headers=hx(token, part))
        assert refused.status_code == 403
    edits = (
        (f"/admin/services/{service.id}", "services"),
        (f"/admin/teams/{team.id}", "teams"),
    )
    for url, part in edits:
        assert client.post(url, data={"name": "Y"}, headers=hx(token, part)).status_code == 403
    session.expire_all()
    assert session.scalar(select(Service).where(Service.name == "X")) is None
    assert session.scalar(select(Team).where(Team.name == "X")) is None
    assert (session.get(Service, service.id), session.get(Team, team.id)) == (service, team)
    assert (service.name, team.name) == ("api", "Edge")


def test_services_are_listed_created_and_edited(client: TestClient, session: Session) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    edge = make_team(session, name="Edge")
    core = make_team(session, name="Core")
    make_service(session, name="billing")
    session.commit()
    token = log_in(client, admin)
    page = unescape(client.get("/admin/services", headers=HTML).text)
    assert "billing" in page and 'aria-current="page">Services' in page
    assert f'<option value="{edge.id}"' in page and "No owner team" in page
    made = client.post(
        "/admin/services",
        data={"name": " gateway ", "description": "Edge proxy", "owner_team_id": str(edge.id)},
        headers=hx(token, "services"),
    )
    assert made.status_code == 200, made.text
    assert announcement(made) == "Service gateway created."
    assert 'id="services"' in made.text and "gateway" in made.text
    session.expire_all()
    gateway = session.scalars(select(Service).where(Service.name == "gateway")).one()
    assert (gateway.description, gateway.owner_team_id) == ("Edge proxy", edge.id)
    assert [r.subject_id for r in audit_records(session, "service:create")][-1] == gateway.id

    moved = client.post(
        f"/admin/services/{gateway.id}",
        data={"name": "gateway", "description": "Edge proxy", "owner_team_id": str(core.id)},
        headers=hx(token, "services"),
    )
    assert announcement(moved) == "Service gateway saved."
    session.expire_all()
    assert session.get(Service, gateway.id).owner_team_id == core.id  # type: ignore[union-attr]
    (record,) = audit_records(session, "service:update")
    assert record.changes == {"owner_team_id": [edge.id, core.id]}

    orphaned = client.post(
        f"/admin/services/{gateway.id}",
        data={"name": "gateway", "description": "Edge proxy", "owner_team_id": ""},
        headers=hx(token, "services"),
    )
    assert orphaned.status_code == 200, orphaned.text
    session.expire_all()
    assert session.get(Service, gateway.id).owner_team_id is None  # type: ignore[union-attr]

    plain = client.post(
        "/admin/services",
        data={"name": "search", "csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert plain.status_code == 303 and plain.headers["location"] == "/admin/services"
    assert "Service search created." in unescape(client.get("/admin/services", headers=HTML).text)


def test_a_service_has_a_kind_dependencies_and_a_runbook(
    client: TestClient, session: Session
) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    db = make_service(session, name="orders-db")
    stripe = make_service(session, name="stripe")
    session.commit()
    token = log_in(client, admin)
    page = unescape(client.get("/admin/services", headers=HTML).text)
    assert "Third party (a vendor or provider)" in page and "Runbook (Markdown)" in page
    made = client.post(
        "/admin/services",
        data={
            "name": "checkout",
            "kind": "internal",
            "runbook": "  1. Check the payment provider's status page.\n",
            "runbook_url": "https://wiki.example.com/checkout",
            "depends_on_ids": [str(db.id), str(stripe.id)],
        },
        headers=hx(token, "services"),
    )
    assert made.status_code == 200, made.text
    assert "depends on orders-db, stripe" in made.text
    assert 'href="https://wiki.example.com/checkout"' in made.text
    session.expire_all()
    checkout = session.scalars(select(Service).where(Service.name == "checkout")).one()
    assert [s.name for s in checkout.depends_on] == ["orders-db", "stripe"]
    assert checkout.runbook == "1. Check the payment provider's status page."
    assert checkout.runbook_url == "https://wiki.example.com/checkout"

    vendor = client.post(
        f"/admin/services/{stripe.id}",
        data={"name": "stripe", "kind": "third_party", "description": "Payments provider"},
        headers=hx(token, "services"),
    )
    assert vendor.status_code == 200, vendor.text
    edited = client.post(
        f"/admin/services/{checkout.id}",
        data={"name": "checkout", "kind": "internal", "depends_on_ids": [str(stripe.id)]},
        headers=hx(token, "services"),
    )
    assert edited.status_code == 200, edited.text
    session.expire_all()
    assert session.get(Service, stripe.id).kind == "third_party"  # type: ignore[union-attr]
    checkout = session.get(Service, checkout.id)  # type: ignore[assignment]
    assert [s.name for s in checkout.depends_on] == ["stripe"]
    assert (checkout.runbook, checkout.runbook_url) == ("", None)
    (record,) = [r for r in audit_records(session, "service:update") if r.subject_id == checkout.id]
    assert record.changes["depends_on_ids"] == [sorted([db.id, stripe.id]), [stripe.id]]


def test_teams_are_listed_created_and_edited(client: TestClient, session: Session) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    grace = make_person(session, name="Grace Hopper")
    linus = make_person(session, name="Linus Torvalds")
    gone = make_person(session, name="Gone Person")
    make_team(session, name="Edge", member_ids=[gone.user.id])
    accounts.deactivate_user(session, actor=admin.actor, now=utcnow(), user_id=gone.user.id)
    session.commit()
    token = log_in(client, admin)
    page = unescape(client.get("/admin/teams", headers=HTML).text)
    assert 'aria-current="page">Teams' in page and "Edge" in page
    assert "<legend>Members" in page and f'name="member_ids" value="{grace.user.id}"' in page
    # A deactivated user is offered only where they are still a member.
    assert page.count(f'name="member_ids" value="{gone.user.id}"') == 1
    assert "Gone Person (deactivated)" in page

    made = client.post(
        "/admin/teams",
        data={"name": "Payments", "description": "Money", "member_ids": [str(grace.user.id)]},
        headers=hx(token, "teams"),
    )
    assert made.status_code == 200, made.text
    assert announcement(made) == "Team Payments created."
    session.expire_all()
    team = session.scalars(select(Team).where(Team.name == "Payments")).one()
    assert team.description == "Money" and [u.id for u in team.members] == [grace.user.id]
    assert audit_records(session, "team:create")[-1].subject_id == team.id

    saved = client.post(
        f"/admin/teams/{team.id}",
        data={"name": "Payments", "description": "Money", "member_ids": [str(linus.user.id)]},
        headers=hx(token, "teams"),
    )
    assert announcement(saved) == "Team Payments saved."
    session.expire_all()
    assert [u.id for u in session.get(Team, team.id).members] == [linus.user.id]  # type: ignore[union-attr]
    (record,) = audit_records(session, "team:update")
    assert record.changes == {"member_ids": [[grace.user.id], [linus.user.id]]}

    emptied = client.post(
        f"/admin/teams/{team.id}", data={"name": "Payments"}, headers=hx(token, "teams")
    )
    assert emptied.status_code == 200, emptied.text
    session.expire_all()
    assert session.get(Team, team.id).members == []  # type: ignore[union-attr]

    plain = client.post(
        "/admin/teams",
        data={"name": "Search", "csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert plain.status_code == 303 and plain.headers["location"] == "/admin/teams"


def test_bad_services_and_teams_are_refused_in_the_error_slot(
    client: TestClient, session: Session
) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    edge = make_team(session, name="Edge")
    make_team(session, name="Core")
    api = make_service(session, name="api")
    make_service(session, name="db")
    session.commit()
    token = log_in(client, admin)
    cases = [
        ("/admin/services", {"name": ""}, 422, "name", "name must not be empty"),
        ("/admin/services", {"name": "   "}, 422, "name", "name must not be empty"),
        ("/admin/services", {"name": "db"}, 409, "name", "a service named 'db' already exists"),
        (f"/admin/services/{api.id}", {"name": "db"}, 409, "name", "already exists"),
        ("/admin/services", {"name": "S" * 201}, 422, "name", "at most 200 characters"),
        (
            "/admin/services",
            {"name": "S", "owner_team_id": "987654"},
            422,
            "owner_team_id",
            "owner team 987654 does not exist",
        ),
        (
            "/admin/services",
            {"name": "S", "owner_team_id": "x"},
            422,
            "owner_team_id",
            "owner team must be a number",
        ),
        ("/admin/services", {"name": "S", "kind": "galaxy"}, 422, "kind", "kind must be one of"),
        (
            "/admin/services",
            {"name": "S", "runbook_url": "ftp://runbooks/s"},
            422,
            "runbook_url",
            "must be an http(s) URL",
        ),
        (
            f"/admin/services/{api.id}",
            {"name": "api", "depends_on_ids": str(api.id)},
            422,
            "depends_on_ids",
            "a service cannot depend on itself",
        ),
        (
            "/admin/services",
            {"name": "S", "depends_on_ids": "987654"},
            422,
            "depends_on_ids",
            "unknown service ids: [987654]",
        ),
        ("/admin/teams", {"name": ""}, 422, "name", "name must not be empty"),
        ("/admin/teams", {"name": "Core"}, 409, "name", "a team named 'Core' already exists"),
        (f"/admin/teams/{edge.id}", {"name": "Core"}, 409, "name", "already exists"),
        (
            "/admin/teams",
            {"name": "S", "member_ids": "987654"},
            422,
            "member_ids",
            "unknown user ids: [987654]",
        ),
    ]
    for url, data, status, field, words in cases:
        part = "services" if "services" in url else "teams"
        refused = client.post(url, data=data, headers=hx(token, part))
        assert refused.status_code == status, (data, refused.text)
        assert f'hx-swap-oob="innerHTML:#{part}-error"' in refused.text
        assert f'data-error-for="{field}"' in refused.text, data
        message = unescape(refused.text)
        assert words in message, (data, message)
        assert "owner_team_id" not in message.split("data-error-for")[1].split(">", 1)[1]
    for url, part in (("/admin/services/999999", "services"), ("/admin/teams/999999", "teams")):
        assert client.post(url, data={"name": "Z"}, headers=hx(token, part)).status_code == 404
    session.expire_all()
    assert session.scalar(select(Service).where(Service.name == "S")) is None
    assert session.scalar(select(Team).where(Team.name == "S")) is None
    assert session.get(Service, api.id).name == "api"  # type: ignore[union-attr]
    assert session.get(Team, edge.id).name == "Edge"  # type: ignore[union-attr]
    assert audit_records(session, "service:update") == []
    assert audit_records(session, "team:update") == []
