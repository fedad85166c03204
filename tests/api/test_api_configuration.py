"""Configuration routes: severities, incident types, custom fields, role types."""

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


def test_default_severities_in_rank_order(client: TestClient, viewer: Person) -> None:
    severities = client.get("/api/v1/severities", headers=viewer.headers).json()
    assert [(s["name"], s["rank"]) for s in severities] == [
        ("SEV1", 1),
        ("SEV2", 2),
        ("SEV3", 3),
        ("SEV4", 4),
    ]
    assert all(s["description"] for s in severities)


def test_an_admin_adds_a_severity_that_can_then_be_used(
    client: TestClient, admin: Person, alice: Person
) -> None:
    created = client.post(
        "/api/v1/severities",
        json={"name": "SEV0", "description": "Everything is down", "rank": 1},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    assert {k: created.json()[k] for k in ("name", "description", "rank")} == {
        "name": "SEV0",
        "description": "Everything is down",
        "rank": 1,
    }
    assert "SEV0" in [
        s["name"] for s in client.get("/api/v1/severities", headers=alice.headers).json()
    ]
    declared = client.post(
        "/api/v1/incidents", json={"title": "x", "severity": "sev0"}, headers=alice.headers
    )
    assert declared.json()["severity"]["name"] == "SEV0"


@pytest.mark.parametrize(
    ("body", "status", "code", "needle"),
    [
        ({"name": "SEV1", "rank": 9}, 409, "conflict", "SEV1"),
        ({"name": "SEV0", "rank": 0}, 422, "invalid", "rank"),
        ({"name": "", "rank": 1}, 422, "invalid", "name"),
        ({"name": "SEV0"}, 422, "invalid", "rank"),
        ({"name": "SEV0", "rank": 1, "colour": "red"}, 422, "invalid", "colour"),
    ],
)
def test_bad_severities(
    client: TestClient, admin: Person, body: dict[str, Any], status: int, code: str, needle: str
) -> None:
    error = error_of(
        client.post("/api/v1/severities", json=body, headers=admin.headers), status, code
    )
    assert needle in error["message"]
    assert len(client.get("/api/v1/severities", headers=admin.headers).json()) == 4


def test_incident_types(client: TestClient, admin: Person, alice: Person) -> None:
    types = client.get("/api/v1/incident-types", headers=alice.headers).json()
    assert [(t["name"], t["private_by_default"]) for t in types] == [
        ("Default", False),
        ("Security", True),
        ("Customer-facing", False),
    ]
    created = client.post(
        "/api/v1/incident-types",
        json={"name": "Fraud", "rank": 9, "private_by_default": True},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    declared = client.post(
        "/api/v1/incidents",
        json={"title": "Card testing", "severity": "SEV2", "incident_type": "fraud"},
        headers=alice.headers,
    ).json()
    assert (declared["type"]["name"], declared["private"]) == ("Fraud", True)
    duplicate = client.post("/api/v1/incident-types", json={"name": "Fraud"}, headers=admin.headers)
    assert error_of(duplicate, 409, "conflict")["details"] == {"field": "name"}


def test_custom_fields(client: TestClient, admin: Person, alice: Person) -> None:
    created = client.post(
        "/api/v1/custom-fields",
        json={
            "name": "Region",
            "kind": "multi_select",
            "options": ["eu", "us"],
            "description": "Where",
        },
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    assert {k: created.json()[k] for k in ("name", "kind", "options", "required_at_declare")} == {
        "name": "Region",
        "kind": "multi_select",
        "options": ["eu", "us"],
        "required_at_declare": False,
    }
    listed = client.get("/api/v1/custom-fields", headers=alice.headers).json()
    assert [f["name"] for f in listed] == ["Region"]
    declared = client.post(
        "/api/v1/incidents",
        json={"title": "x", "severity": "SEV2", "custom_fields": {"Region": ["us", "eu"]}},
        headers=alice.headers,
    ).json()
    assert declared["custom_fields"] == {"Region": ["eu", "us"]}
    changed = client.patch(
        f"/api/v1/incidents/{declared['reference']}",
        json={"custom_fields": {"Region": "us"}},
        headers=alice.headers,
    ).json()
    assert changed["custom_fields"] == {"Region": ["us"]}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": "Size", "kind": "colour"}, 422, "kind"),
        ({"name": "Size", "kind": "single_select"}, 422, "options"),
        ({"name": "Size", "kind": "text", "options": ["a"]}, 422, "options"),
        ({"name": "Size", "kind": "single_select", "options": ["a", "a"]}, 422, "options"),
        ({"name": "Existing", "kind": "text"}, 409, "name"),
    ],
)
def test_bad_custom_fields(
    client: TestClient, admin: Person, body: dict[str, Any], status: int, field: str
) -> None:
    assert (
        client.post(
            "/api/v1/custom-fields",
            json={"name": "Existing", "kind": "text"},
            headers=admin.headers,
        ).status_code
        == 201
    )
    response = client.post("/api/v1/custom-fields", json=body, headers=admin.headers)
    error = error_of(response, status, "conflict" if status == 409 else "invalid")
    assert error["details"] == {"field": field}
    assert [
        f["name"] for f in client.get("/api/v1/custom-fields", headers=admin.headers).json()
    ] == ["Existing"]


def test_role_types(client: TestClient, admin: Person, alice: Person) -> None:
    builtin = client.get("/api/v1/role-types", headers=alice.headers).json()
    assert [(r["slug"], r["builtin"]) for r in builtin] == [
        ("lead", True),
        ("reporter", True),
        ("comms", True),
        ("scribe", True),
    ]
    created = client.post(
        "/api/v1/role-types",
        json={"name": "Executive sponsor", "instructions": "Keeps leadership informed"},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    assert (created.json()["slug"], created.json()["builtin"]) == ("executive-sponsor", False)
    assert client.get("/api/v1/role-types", headers=alice.headers).json()[-1]["slug"] == (
        "executive-sponsor"
    )
    custom_slug = client.post(
        "/api/v1/role-types", json={"name": "Ops", "slug": "ops-liaison"}, headers=admin.headers
    )
    assert custom_slug.json()["slug"] == "ops-liaison"
    duplicate = client.post(
        "/api/v1/role-types", json={"name": "Executive Sponsor"}, headers=admin.headers
    )
    assert error_of(duplicate, 409, "conflict")["details"] == {"field": "slug"}
