"""How large input may be: the request body as a whole, and each text field."""

import pytest
from fastapi.testclient import TestClient
from tests.factories import Person

from watchkeep.core.limits import NAME_LENGTH, TEXT_LENGTH, TITLE_LENGTH

TEN_MB = "x" * 10_000_000


def test_a_body_over_the_limit_is_refused_and_nothing_is_stored(
    client: TestClient, alice: Person
) -> None:
    body = {"title": "Huge", "severity": "SEV2", "summary": TEN_MB}
    response = client.post("/api/v1/incidents", json=body, headers=alice.headers)
    assert response.status_code == 413, response.text[:200]
    assert response.json()["error"]["code"] == "too_large"
    assert client.get("/api/v1/incidents", headers=alice.headers).json()["items"] == []


def test_a_note_over_the_limit_is_refused(
    client: TestClient, alice: Person, declare: object
) -> None:
    incident = declare()  # type: ignore[operator]
    response = client.post(
        f"/api/v1/incidents/{incident['reference']}/timeline",
        json={"text": TEN_MB},
        headers=alice.headers,
    )
    assert response.status_code == 413, response.text[:200]


@pytest.mark.parametrize(
    ("field", "longest"),
    [("title", TITLE_LENGTH), ("summary", TEXT_LENGTH)],
)
def test_each_text_field_has_a_maximum_length(
    client: TestClient, alice: Person, field: str, longest: int
) -> None:
    body = {"title": "Fits", "severity": "SEV2", field: "x" * longest}
    assert client.post("/api/v1/incidents", json=body, headers=alice.headers).status_code == 201
    body[field] = "x" * (longest + 1)
    response = client.post("/api/v1/incidents", json=body, headers=alice.headers)
    assert response.status_code == 422, response.text[:300]
    assert field in response.json()["error"]["message"]


def test_a_text_inside_a_list_has_a_maximum_length(client: TestClient, admin: Person) -> None:
    body = {"name": "env", "kind": "select", "options": ["x" * (NAME_LENGTH + 1)]}
    response = client.post("/api/v1/custom-fields", json=body, headers=admin.headers)
    assert response.status_code == 422, response.text[:300]
    assert "options" in response.json()["error"]["message"]


def test_a_custom_field_value_has_the_text_maximum(
    client: TestClient, admin: Person, alice: Person
) -> None:
    body = {"name": "notes", "kind": "text"}
    assert client.post("/api/v1/custom-fields", json=body, headers=admin.headers).status_code == 201
    declared = {"title": "t", "severity": "SEV2", "custom_fields": {"notes": "x" * TEXT_LENGTH}}
    response = client.post("/api/v1/incidents", json=declared, headers=alice.headers)
    assert response.status_code == 201, response.text[:300]
    declared["custom_fields"] = {"notes": "x" * (TEXT_LENGTH + 1)}
    response = client.post("/api/v1/incidents", json=declared, headers=alice.headers)
    assert response.status_code == 422, response.text[:300]


@pytest.mark.parametrize("value", ["NaN", "1.5e999", "-inf"])
def test_a_number_custom_field_is_finite(
    client: TestClient, admin: Person, alice: Person, value: str
) -> None:
    body = {"name": "cost", "kind": "numeric"}
    assert client.post("/api/v1/custom-fields", json=body, headers=admin.headers).status_code == 201
    declared = {"title": "t", "severity": "SEV2", "custom_fields": {"cost": value}}
    response = client.post("/api/v1/incidents", json=declared, headers=alice.headers)
    assert response.status_code == 422, response.text[:300]
