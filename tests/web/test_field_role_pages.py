"""The admin pages of custom fields and incident roles: list, create, edit, delete what is
not in use; admins only; refusals in the error slot."""

import json
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_person
from tests.web.helpers import HTML, hx, log_in

from watchkeep.auth.models import AuditRecord
from watchkeep.core.clock import utcnow
from watchkeep.incident import roles
from watchkeep.incident.models import CustomField, RoleType


def announcement(response: object) -> str:
    text: str = json.loads(response.headers["HX-Trigger"])["wk-announce"]  # type: ignore[attr-defined]
    return text


def admin_token(client: TestClient, session: Session) -> tuple[Person, str]:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    return admin, log_in(client, admin)


def test_only_admins(client: TestClient, session: Session, alice: Person) -> None:
    token = log_in(client, alice)
    for url, data in (
        ("/admin/custom-fields", {"name": "X", "kind": "text", "rank": "1"}),
        ("/admin/roles", {"name": "X", "rank": "1"}),
    ):
        assert client.get(url, headers=HTML).status_code == 403
        assert client.post(url, data=data, headers=hx(token, "config")).status_code == 403
    assert session.scalar(select(CustomField).where(CustomField.name == "X")) is None
    assert session.scalar(select(RoleType).where(RoleType.name == "X")) is None


def test_custom_fields_are_listed_created_edited_and_deleted(
    client: TestClient, session: Session
) -> None:
    _, token = admin_token(client, session)
    empty = unescape(client.get("/admin/custom-fields", headers=HTML).text)
    assert "No custom fields yet." in empty and 'aria-current="page">Custom fields' in empty
    made = client.post(
        "/admin/custom-fields",
        data={
            "name": "Region",
            "kind": "single_select",
            "options": "eu\r\n\r\nus\r\n",
            "description": "Where",
            "required_at_declare": "true",
            "rank": "2",
        },
        headers=hx(token, "config"),
    )
    assert made.status_code == 200, made.text
    assert announcement(made) == "Custom field Region created."
    assert "Single select" in made.text and "eu, us" in made.text
    session.expire_all()
    region = session.scalars(select(CustomField).where(CustomField.name == "Region")).one()
    assert (region.options, region.required_at_declare, region.rank) == (["eu", "us"], True, 2)
    saved = client.post(
        f"/admin/custom-fields/{region.id}",
        data={
            "name": "Zone",
            "kind": "single_select",
            "options": "us\neu\napac",
            "description": "Where",
            "rank": "2",
        },
        headers=hx(token, "config"),
    )
    assert announcement(saved) == "Custom field Zone saved."
    session.expire_all()
    zone = session.get(CustomField, region.id)
    assert zone is not None and zone.options == ["us", "eu", "apac"]
    assert not zone.required_at_declare
    record = session.scalars(
        select(AuditRecord).where(AuditRecord.action == "custom_field:update")
    ).one()
    assert set(record.changes) == {"name", "options", "required_at_declare"}
    gone = client.post(f"/admin/custom-fields/{zone.id}/delete", headers=hx(token, "config"))
    assert announcement(gone) == "Custom field Zone deleted."
    session.expunge_all()
    assert session.scalar(select(CustomField).where(CustomField.name == "Zone")) is None
    plain = client.post(
        "/admin/custom-fields",
        data={"name": "Ticket", "kind": "link", "csrf_token": token},
        headers=HTML | {"X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert plain.status_code == 303, plain.text
    assert plain.headers["location"] == "/admin/custom-fields"


def test_custom_field_edits_that_incidents_would_feel_are_refused(
    client: TestClient, session: Session, alice: Person
) -> None:
    _, token = admin_token(client, session)
    client.post(
        "/admin/custom-fields",
        data={"name": "Region", "kind": "multi_select", "options": "eu\nus", "rank": "0"},
        headers=hx(token, "config"),
    )
    client.post(
        "/admin/custom-fields",
        data={"name": "Ticket", "kind": "link", "rank": "0"},
        headers=hx(token, "config"),
    )
    session.expire_all()
    region = session.scalars(select(CustomField).where(CustomField.name == "Region")).one()
    make_incident(session, alice, custom_fields={"Region": ["us"]})
    session.commit()
    url = f"/admin/custom-fields/{region.id}"
    cases = [
        (url, {"name": "Region", "kind": "text", "rank": "0"}, 409, "kind", "its kind"),
        (
            url,
            {"name": "Region", "kind": "multi_select", "options": "eu", "rank": "0"},
            409,
            "options",
            "us (1 incident(s))",
        ),
        (
            url,
            {"name": "Ticket", "kind": "multi_select", "options": "eu\nus", "rank": "0"},
            409,
            "name",
            "already exists",
        ),
        (
            url,
            {"name": "Region", "kind": "multi_select", "options": "eu\neu\nus", "rank": "0"},
            422,
            "options",
            "distinct",
        ),
        (
            "/admin/custom-fields",
            {"name": "Size", "kind": "single_select", "rank": "0"},
            422,
            "options",
            "a single select field needs at least one option",
        ),
        (
            "/admin/custom-fields",
            {"name": "Size", "kind": "text", "rank": "x"},
            422,
            "rank",
            "rank must be a whole number",
        ),
        (
            "/admin/custom-fields",
            {"name": "", "kind": "text", "rank": "0"},
            422,
            "name",
            "name must not be empty",
        ),
        (url + "/delete", {}, 409, None, "in use cannot be deleted"),
    ]
    for target, data, status, field, words in cases:
        refused = client.post(target, data=data, headers=hx(token, "config"))
        assert refused.status_code == status, (data, refused.text)
        assert 'hx-swap-oob="innerHTML:#config-error"' in refused.text
        if field:
            assert f'data-error-for="{field}"' in refused.text, data
        assert words in unescape(refused.text), (words, refused.text)
        assert "multi_select" not in refused.text and "required_at_declare" not in refused.text
    assert (
        client.post(
            "/admin/custom-fields/999999",
            data={"name": "Z", "kind": "text", "rank": "0"},
            headers=hx(token, "config"),
        ).status_code
        == 404
    )
    session.expire_all()
    again = session.get(CustomField, region.id)
    assert again is not None and (again.kind, again.options) == ("multi_select", ["eu", "us"])
    assert session.scalar(select(CustomField).where(CustomField.name == "Size")) is None


def test_roles_are_listed_created_edited_and_deleted(client: TestClient, session: Session) -> None:
    _, token = admin_token(client, session)
    page = unescape(client.get("/admin/roles", headers=HTML).text)
    assert "Incident lead" in page and "Built-in" in page and 'aria-current="page">Roles' in page
    made = client.post(
        "/admin/roles",
        data={"name": "Customer liaison", "slug": "", "instructions": "Talk to them", "rank": "7"},
        headers=hx(token, "config"),
    )
    assert made.status_code == 200, made.text
    assert announcement(made) == "Role Customer liaison created."
    session.expire_all()
    liaison = session.scalars(select(RoleType).where(RoleType.slug == "customer-liaison")).one()
    assert (liaison.rank, liaison.instructions, liaison.builtin) == (7, "Talk to them", False)
    lead = session.scalars(select(RoleType).where(RoleType.slug == "lead")).one()
    saved = client.post(
        f"/admin/roles/{lead.id}",
        # A slug sent with an edit is not a field of the form: the slug stays.
        data={"name": "Incident commander", "slug": "ic", "instructions": "Decides", "rank": "1"},
        headers=hx(token, "config"),
    )
    assert announcement(saved) == "Role Incident commander saved."
    session.expire_all()
    commander = session.get(RoleType, lead.id)
    assert commander is not None and (commander.slug, commander.name) == (
        "lead",
        "Incident commander",
    )
    # A built-in role has no delete button, and a post is refused anyway.
    assert f"/admin/roles/{lead.id}/delete" not in client.get("/admin/roles", headers=HTML).text
    refused = client.post(f"/admin/roles/{lead.id}/delete", headers=hx(token, "config"))
    assert refused.status_code == 409 and "built-in role" in unescape(refused.text)
    gone = client.post(f"/admin/roles/{liaison.id}/delete", headers=hx(token, "config"))
    assert announcement(gone) == "Role Customer liaison deleted."
    session.expunge_all()
    assert session.scalar(select(RoleType).where(RoleType.slug == "customer-liaison")) is None


def test_bad_roles_are_refused_in_the_error_slot(
    client: TestClient, session: Session, alice: Person
) -> None:
    _, token = admin_token(client, session)
    scribe = session.scalars(select(RoleType).where(RoleType.slug == "scribe")).one()
    cases = [
        ("/admin/roles", {"name": "", "rank": "5"}, 422, "name"),
        ("/admin/roles", {"name": "Ops", "slug": "Not A Slug", "rank": "5"}, 422, "slug"),
        ("/admin/roles", {"name": "Ops", "slug": "lead", "rank": "5"}, 409, "slug"),
        ("/admin/roles", {"name": "Scribe", "slug": "scribe-2", "rank": "5"}, 409, "name"),
        ("/admin/roles", {"name": "Ops", "rank": "-1"}, 422, "rank"),
        (f"/admin/roles/{scribe.id}", {"name": "Reporter", "rank": "4"}, 409, "name"),
        (f"/admin/roles/{scribe.id}", {"name": "N" * 101, "rank": "4"}, 422, "name"),
    ]
    for url, data, status, field in cases:
        refused = client.post(url, data=data, headers=hx(token, "config"))
        assert refused.status_code == status, (data, refused.text)
        assert 'hx-swap-oob="innerHTML:#config-error"' in refused.text
        assert f'data-error-for="{field}"' in refused.text, data
    client.post("/admin/roles", data={"name": "Ops", "rank": "5"}, headers=hx(token, "config"))
    session.expire_all()
    ops = session.scalars(select(RoleType).where(RoleType.slug == "ops")).one()
    incident = make_incident(session, alice)
    roles.assign(
        session, incident=incident, role="ops", user_id=alice.user.id, actor=None, now=utcnow()
    )
    session.commit()
    held = client.post(f"/admin/roles/{ops.id}/delete", headers=hx(token, "config"))
    assert held.status_code == 409 and "held on 1 incident(s)" in unescape(held.text)
    session.expire_all()
    assert session.get(RoleType, ops.id) is not None
    assert session.get(RoleType, scribe.id).name == "Scribe"  # type: ignore[union-attr]
