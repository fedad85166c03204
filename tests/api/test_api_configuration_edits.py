"""Editing severities and incident types through the API: PUT replaces every field."""

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


def severity(client: TestClient, who: Person, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        s for s in client.get("/api/v1/severities", headers=who.headers).json() if s["name"] == name
    )
    return found


def test_an_admin_edits_a_severity(client: TestClient, admin: Person) -> None:
    sev2 = severity(client, admin, "SEV2")
    body = {"name": "SEV2", "description": "Major", "rank": 2, "update_minutes": 20}
    changed = client.put(f"/api/v1/severities/{sev2['id']}", json=body, headers=admin.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"id": sev2["id"], **body}
    items = client.get(
        "/api/v1/audit", params={"action": "severity:update"}, headers=admin.headers
    ).json()["items"]
    assert items[0]["changes"]["update_minutes"] == [30, 20]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "SEV1", "rank": 2}, 409, "conflict"),
        ({"name": "", "rank": 2}, 422, "invalid"),
        ({"name": "SEV2", "rank": 0}, 422, "invalid"),
        ({"name": "SEV2", "rank": 2, "update_minutes": 10081}, 422, "invalid"),
        ({"name": "SEV2", "rank": 2, "colour": "red"}, 422, "invalid"),
        ({"name": "SEV2", "rank": 2, "description": "x" * 2001}, 422, "invalid"),
    ],
)
def test_bad_severity_edits_store_nothing(
    client: TestClient, admin: Person, body: dict[str, Any], status: int, code: str
) -> None:
    sev2 = severity(client, admin, "SEV2")
    error_of(
        client.put(f"/api/v1/severities/{sev2['id']}", json=body, headers=admin.headers),
        status,
        code,
    )
    assert severity(client, admin, "SEV2") == sev2


def test_an_admin_edits_an_incident_type(client: TestClient, admin: Person) -> None:
    types = client.get("/api/v1/incident-types", headers=admin.headers).json()
    security = next(t for t in types if t["name"] == "Security")
    body = {"name": "Security", "description": "Breaches", "rank": 2, "private_by_default": False}
    changed = client.put(
        f"/api/v1/incident-types/{security['id']}", json=body, headers=admin.headers
    )
    assert changed.status_code == 200 and changed.json() == {"id": security["id"], **body}
    taken = {**body, "name": "Default"}
    error_of(
        client.put(f"/api/v1/incident-types/{security['id']}", json=taken, headers=admin.headers),
        409,
        "conflict",
    )


def test_only_admins_edit_and_missing_ones_are_404(
    client: TestClient, admin: Person, alice: Person, viewer: Person
) -> None:
    sev2 = severity(client, admin, "SEV2")
    body = {"name": "SEV2", "rank": 2}
    for person in (alice, viewer):
        error_of(
            client.put(f"/api/v1/severities/{sev2['id']}", json=body, headers=person.headers),
            403,
            "forbidden",
        )
        error_of(
            client.put("/api/v1/incident-types/1", json=body, headers=person.headers),
            403,
            "forbidden",
        )
    error_of(
        client.put("/api/v1/severities/999999", json=body, headers=admin.headers), 404, "not_found"
    )
    error_of(
        client.put("/api/v1/incident-types/999999", json=body, headers=admin.headers),
        404,
        "not_found",
    )
    # Not an id: no route has that path.
    error_of(
        client.put("/api/v1/severities/abc", json=body, headers=admin.headers), 404, "not_found"
    )


def test_the_edit_routes_declare_their_errors(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/severities/{severity_id}", "/api/v1/incident-types/{type_id}"):
        assert {"401", "403", "404", "409", "422"} <= set(paths[path]["put"]["responses"])
