"""A NUL character is refused wherever text comes in, with 422 naming where it was, and
nothing is stored (PostgreSQL cannot store it; SQLite would)."""

import pytest
from fastapi.testclient import TestClient
from tests.factories import Person


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "disk\x00full"}, "title"),
        ({"summary": "a\x00b"}, "summary"),
        ({"severity": "SEV2\x00"}, "severity"),
        ({"custom_fields": {"k\x00": "v"}}, "custom_fields.k\\u0000"),
    ],
)
def test_a_nul_in_a_json_body_is_refused(
    client: TestClient, alice: Person, body: dict[str, object], field: str
) -> None:
    response = client.post(
        "/api/v1/incidents", json={"title": "t", "severity": "SEV2", **body}, headers=alice.headers
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["details"]["field"] == field
    assert "NUL" in error["message"]
    assert client.get("/api/v1/incidents", headers=alice.headers).json()["items"] == []


def test_a_nul_in_a_note_is_refused(client: TestClient, alice: Person, declare: object) -> None:
    incident = declare()  # type: ignore[operator]
    path = f"/api/v1/incidents/{incident['reference']}/timeline"
    response = client.post(path, json={"text": "\x00"}, headers=alice.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"]["field"] == "text"
    notes = client.get(path, headers=alice.headers).json()
    assert all("\x00" not in entry["description"] for entry in notes)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/incidents?q=a%00b", "q"),
        ("/api/v1/problems?q=%00", "q"),
        ("/api/v1/similar?q=disk%00full", "q"),
        ("/api/v1/incidents?status=%00", "status"),
        ("/api/v1/schedules/%00/oncall", "schedule_id"),
        ("/api/v1/incidents/INC-1%00", "ref"),
    ],
)
def test_a_nul_in_a_query_or_path_is_refused(
    client: TestClient, alice: Person, path: str, field: str
) -> None:
    response = client.get(path, headers=alice.headers)
    assert response.status_code in (404, 422), response.text
    if response.status_code == 422:
        assert response.json()["error"]["details"]["field"] == field


def test_a_nul_in_a_user_name_is_refused(client: TestClient, admin: Person) -> None:
    body = {"email": "n@example.com", "name": "Nul\x00Name"}
    response = client.post("/api/v1/users", json=body, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"]["field"] == "name"
