"""Input that only looks valid is refused with 422: unknown time zones, unknown job states,
numbers where an instant, a flag or a count is expected."""

import pytest
from fastapi.testclient import TestClient
from tests.factories import Person


def test_a_user_time_zone_must_be_an_iana_zone(client: TestClient, admin: Person) -> None:
    body = {"email": "mars@example.com", "name": "Martian", "timezone": "Mars/Olympus"}
    response = client.post("/api/v1/users", json=body, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"]["field"] == "timezone"
    listed = client.get("/api/v1/users", headers=admin.headers).json()
    assert "mars@example.com" not in {u["email"] for u in listed}


def test_a_user_time_zone_may_be_any_iana_zone(client: TestClient, admin: Person) -> None:
    body = {"email": "tokyo@example.com", "name": "Tokyo", "timezone": "Asia/Tokyo"}
    response = client.post("/api/v1/users", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    assert response.json()["timezone"] == "Asia/Tokyo"


def test_jobs_are_listed_by_a_known_state_only(client: TestClient, admin: Person) -> None:
    assert client.get("/api/v1/jobs?state=dead", headers=admin.headers).status_code == 200
    response = client.get("/api/v1/jobs?state=bogus", headers=admin.headers)
    assert response.status_code == 422, response.text
    assert "state" in response.json()["error"]["message"]


@pytest.mark.parametrize("value", ["0.5", "12", "1700000000"])
def test_an_instant_in_a_query_is_iso_8601_not_seconds(
    client: TestClient, alice: Person, value: str
) -> None:
    response = client.get(f"/api/v1/incidents?declared_to={value}", headers=alice.headers)
    assert response.status_code == 422, response.text
    assert "declared_to" in response.json()["error"]["message"]


def test_an_iso_instant_in_a_query_is_accepted(client: TestClient, alice: Person) -> None:
    response = client.get(
        "/api/v1/incidents?declared_to=2030-01-01T00:00:00Z", headers=alice.headers
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"impact_started_at": 1700000000}, "impact_started_at"),
        ({"private": "yes"}, "private"),
        ({"private": 1}, "private"),
        ({"service_ids": ["1"]}, "service_ids"),
        ({"lead_id": "1"}, "lead_id"),
        ({"lead_id": 1.5}, "lead_id"),
        ({"lead_id": True}, "lead_id"),
    ],
)
def test_body_fields_take_their_json_type_only(
    client: TestClient, alice: Person, body: dict[str, object], field: str
) -> None:
    response = client.post(
        "/api/v1/incidents", json={"title": "t", "severity": "SEV2", **body}, headers=alice.headers
    )
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["message"]
