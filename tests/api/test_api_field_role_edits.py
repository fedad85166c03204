"""Editing and deleting custom fields and incident roles through the API: PUT replaces the
definition, what incidents hold is protected (409), nothing is half-stored."""

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.factories import Person


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    return error


def field_named(client: TestClient, who: Person, name: str) -> dict[str, Any]:
    listed = client.get("/api/v1/custom-fields", headers=who.headers).json()
    found: dict[str, Any] = next(f for f in listed if f["name"] == name)
    return found


def role(client: TestClient, who: Person, slug: str) -> dict[str, Any]:
    listed = client.get("/api/v1/role-types", headers=who.headers).json()
    found: dict[str, Any] = next(r for r in listed if r["slug"] == slug)
    return found


@pytest.fixture
def region(client: TestClient, admin: Person, alice: Person) -> dict[str, Any]:
    """A multi select field, with one incident holding ``us``."""
    body = {"name": "Region", "kind": "multi_select", "options": ["eu", "us"], "rank": 3}
    made = client.post("/api/v1/custom-fields", json=body, headers=admin.headers)
    assert made.status_code == 201, made.text
    declared = client.post(
        "/api/v1/incidents",
        json={"title": "x", "severity": "SEV2", "custom_fields": {"Region": ["us"]}},
        headers=alice.headers,
    )
    assert declared.status_code == 201, declared.text
    created: dict[str, Any] = made.json()
    return created


def test_an_admin_edits_a_field_in_use_and_its_values_stay(
    client: TestClient, admin: Person, alice: Person, region: dict[str, Any]
) -> None:
    body = {
        "name": "Zone",
        "kind": "multi_select",
        "description": "Where it hurts",
        "options": ["us", "apac", "eu"],
        "required_at_declare": True,
        "rank": 1,
    }
    changed = client.put(f"/api/v1/custom-fields/{region['id']}", json=body, headers=admin.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"id": region["id"], **body}
    [listed] = client.get("/api/v1/incidents", headers=alice.headers).json()["items"]
    shown = client.get(f"/api/v1/incidents/{listed['reference']}", headers=alice.headers)
    assert shown.json()["custom_fields"] == {"Zone": ["us"]}
    [record] = client.get(
        "/api/v1/audit", params={"action": "custom_field:update"}, headers=admin.headers
    ).json()["items"]
    assert record["changes"]["options"] == [["eu", "us"], ["us", "apac", "eu"]]
    assert set(record["changes"]) == {
        "name",
        "description",
        "options",
        "required_at_declare",
        "rank",
    }


@pytest.mark.parametrize(
    ("change", "status", "code", "field", "words"),
    [
        ({"kind": "text", "options": []}, 409, "conflict", "kind", "kind can no longer change"),
        ({"options": ["eu"]}, 409, "conflict", "options", "us (1 incident(s))"),
        ({"name": "Ticket"}, 409, "conflict", "name", "already exists"),
        ({"options": ["eu", "eu", "us"]}, 422, "invalid", "options", "distinct"),
        ({"kind": "colour"}, 422, "invalid", "kind", "unknown kind"),
        ({"rank": -1}, 422, "invalid", "rank", ""),
        ({"name": ""}, 422, "invalid", "name", ""),
    ],
)
def test_field_edits_that_would_orphan_values_are_refused(
    client: TestClient,
    admin: Person,
    region: dict[str, Any],
    change: dict[str, Any],
    status: int,
    code: str,
    field: str,
    words: str,
) -> None:
    client.post(
        "/api/v1/custom-fields", json={"name": "Ticket", "kind": "link"}, headers=admin.headers
    )
    body = {k: region[k] for k in ("name", "kind", "options", "rank")} | change
    error = error_of(
        client.put(f"/api/v1/custom-fields/{region['id']}", json=body, headers=admin.headers),
        status,
        code,
    )
    assert words in error["message"]
    assert field in str(error["details"])
    assert field_named(client, admin, "Region") == region


def test_a_field_without_values_changes_kind_and_is_deleted(
    client: TestClient, admin: Person
) -> None:
    made = client.post(
        "/api/v1/custom-fields", json={"name": "Size", "kind": "text"}, headers=admin.headers
    ).json()
    body = {"name": "Size", "kind": "single_select", "options": ["S", "M", "L"]}
    changed = client.put(f"/api/v1/custom-fields/{made['id']}", json=body, headers=admin.headers)
    assert changed.status_code == 200 and changed.json()["kind"] == "single_select"
    gone = client.delete(f"/api/v1/custom-fields/{made['id']}", headers=admin.headers)
    assert gone.status_code == 204, gone.text
    assert client.get("/api/v1/custom-fields", headers=admin.headers).json() == []
    error_of(
        client.delete(f"/api/v1/custom-fields/{made['id']}", headers=admin.headers),
        404,
        "not_found",
    )


def test_a_field_in_use_is_not_deleted(
    client: TestClient, admin: Person, region: dict[str, Any]
) -> None:
    error = error_of(
        client.delete(f"/api/v1/custom-fields/{region['id']}", headers=admin.headers),
        409,
        "conflict",
    )
    assert "1 incident(s)" in error["message"]
    assert field_named(client, admin, "Region") == region


def test_an_admin_edits_a_builtin_role_but_not_its_slug(client: TestClient, admin: Person) -> None:
    lead = role(client, admin, "lead")
    body = {"name": "Incident commander", "instructions": "Decides", "rank": 1}
    changed = client.put(f"/api/v1/role-types/{lead['id']}", json=body, headers=admin.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"id": lead["id"], "slug": "lead", "builtin": True, **body}
    error_of(
        client.put(
            f"/api/v1/role-types/{lead['id']}",
            json={**body, "slug": "commander"},
            headers=admin.headers,
        ),
        422,
        "invalid",
    )
    error_of(
        client.put(
            f"/api/v1/role-types/{lead['id']}",
            json={**body, "name": "Scribe"},
            headers=admin.headers,
        ),
        409,
        "conflict",
    )
    error_of(
        client.put(
            f"/api/v1/role-types/{lead['id']}",
            json={"name": "Lead", "instructions": ""},
            headers=admin.headers,
        ),
        422,
        "invalid",
    )
    assert role(client, admin, "lead") == {
        "id": lead["id"],
        "slug": "lead",
        "builtin": True,
        **body,
    }
    error_of(
        client.delete(f"/api/v1/role-types/{lead['id']}", headers=admin.headers), 409, "conflict"
    )


def test_a_custom_role_is_deleted_only_while_nobody_holds_it(
    client: TestClient, admin: Person, alice: Person
) -> None:
    made = client.post(
        "/api/v1/role-types", json={"name": "Liaison", "rank": 9}, headers=admin.headers
    ).json()
    assert (made["slug"], made["rank"]) == ("liaison", 9)
    incident = client.post(
        "/api/v1/incidents", json={"title": "x", "severity": "SEV2"}, headers=alice.headers
    ).json()
    assigned = client.put(
        f"/api/v1/incidents/{incident['reference']}/roles/liaison",
        json={"user_id": alice.user.id},
        headers=alice.headers,
    )
    assert assigned.status_code == 200, assigned.text
    error = error_of(
        client.delete(f"/api/v1/role-types/{made['id']}", headers=admin.headers), 409, "conflict"
    )
    assert "held on 1 incident(s)" in error["message"]
    client.delete(f"/api/v1/incidents/{incident['reference']}/roles/liaison", headers=alice.headers)
    assert (
        client.delete(f"/api/v1/role-types/{made['id']}", headers=admin.headers).status_code == 204
    )
    assert "liaison" not in [
        r["slug"] for r in client.get("/api/v1/role-types", headers=admin.headers).json()
    ]


def test_only_admins_edit_and_missing_ones_are_404(
    client: TestClient, admin: Person, alice: Person, viewer: Person
) -> None:
    lead = role(client, admin, "lead")
    field = {"name": "Size", "kind": "text"}
    made = client.post("/api/v1/custom-fields", json=field, headers=admin.headers).json()
    role_body = {"name": "Lead", "rank": 1}
    for person in (alice, viewer):
        for method, url, body in (
            ("PUT", f"/api/v1/custom-fields/{made['id']}", field),
            ("DELETE", f"/api/v1/custom-fields/{made['id']}", None),
            ("PUT", f"/api/v1/role-types/{lead['id']}", role_body),
            ("DELETE", f"/api/v1/role-types/{lead['id']}", None),
        ):
            refused = client.request(method, url, json=body, headers=person.headers)
            error_of(refused, 403, "forbidden")
    for method, url, body in (
        ("PUT", "/api/v1/custom-fields/999999", field),
        ("DELETE", "/api/v1/custom-fields/999999", None),
        ("PUT", "/api/v1/role-types/999999", role_body),
        ("DELETE", "/api/v1/role-types/999999", None),
    ):
        error_of(client.request(method, url, json=body, headers=admin.headers), 404, "not_found")


def test_the_edit_routes_declare_their_errors(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/custom-fields/{field_id}", "/api/v1/role-types/{role_type_id}"):
        assert {"401", "403", "404", "409", "422"} <= set(paths[path]["put"]["responses"])
        assert {"401", "403", "404", "409"} <= set(paths[path]["delete"]["responses"])
