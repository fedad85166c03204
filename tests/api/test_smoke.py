from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import make_person


def test_declare_and_read_an_incident(client: TestClient, session: Session) -> None:
    alice = make_person(session)
    session.commit()
    response = client.post(
        "/api/v1/incidents",
        json={"title": "Checkout is down", "severity": "SEV1"},
        headers=alice.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["reference"].startswith("INC-")
    assert body["status"] == "investigating"
    assert {r["role"] for r in body["roles"]} == {"lead", "reporter"}
    got = client.get(f"/api/v1/incidents/{body['reference']}", headers=alice.headers)
    assert got.json()["title"] == "Checkout is down"
    timeline = client.get(f"/api/v1/incidents/{body['reference']}/timeline", headers=alice.headers)
    assert timeline.json()[0]["kind"] == "declared"


def test_unauthenticated_requests_get_401(client: TestClient) -> None:
    response = client.get("/api/v1/incidents")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
