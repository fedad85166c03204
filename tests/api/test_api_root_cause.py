"""An incident's root cause and resolution: set through the API, on the timeline when they
change, and searched by similar-incident search."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident

BASE = "/api/v1/incidents"


def test_root_cause_and_resolution_are_set_and_recorded(
    client: TestClient, session: Session, alice: Person
) -> None:
    incident = make_incident(session, alice, title="Checkout errors")
    session.commit()
    ref = incident.reference
    response = client.patch(
        f"{BASE}/{ref}",
        json={"root_cause": " A pool of 10 connections ", "resolution": "Pool raised to 50"},
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["root_cause"], body["resolution"]) == (
        "A pool of 10 connections",
        "Pool raised to 50",
    )
    assert body["external_ref"] is None
    entries = client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()
    changes = {e["kind"]: e["payload"] for e in entries if e["kind"].endswith("_changed")}
    assert changes == {
        "root_cause_changed": {"old": "", "new": "A pool of 10 connections"},
        "resolution_changed": {"old": "", "new": "Pool raised to 50"},
    }
    again = client.patch(
        f"{BASE}/{ref}", json={"root_cause": "A pool of 10 connections"}, headers=alice.headers
    )
    assert again.status_code == 200
    assert len(client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()) == len(entries)


def test_a_viewer_cannot_set_a_root_cause(
    client: TestClient, session: Session, alice: Person, viewer: Person
) -> None:
    incident = make_incident(session, alice, title="Checkout errors")
    session.commit()
    response = client.patch(
        f"{BASE}/{incident.reference}", json={"root_cause": "x"}, headers=viewer.headers
    )
    assert response.status_code == 403
    body: dict[str, Any] = client.get(f"{BASE}/{incident.reference}", headers=alice.headers).json()
    assert body["root_cause"] == ""


def test_similar_search_finds_an_incident_by_its_root_cause(
    client: TestClient, session: Session, alice: Person
) -> None:
    cause = make_incident(session, alice, title="Checkout slow", summary="customers wait")
    other = make_incident(session, alice, title="Search slow", summary="customers wait")
    session.commit()
    client.patch(
        f"{BASE}/{cause.reference}",
        json={"root_cause": "hikari connection pool exhausted", "resolution": "pool enlarged"},
        headers=alice.headers,
    )
    response = client.get(
        "/api/v1/similar",
        params={"q": "connection pool exhausted", "state": "live"},
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text
    found = [row["incident"]["reference"] for row in response.json()]
    assert found[:1] == [cause.reference]
    assert other.reference not in found[:1]
