"""Escalation policies, paging by hand, acknowledging through the API, and people's contact
methods and rules, as a client sees them."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_person, make_schedule, make_source, rotation
from tests.factories.escalation import level, make_policy

from watchkeep.alert import ingest
from watchkeep.alert.normalize import Signal
from watchkeep.core.clock import utcnow
from watchkeep.escalation import runs


def test_policies_are_validated_and_audited(
    client: TestClient, session: Session, admin: Person, alice: Person
) -> None:
    body: dict[str, Any] = {
        "name": "Payments",
        "levels": [{"minutes": 5, "targets": [{"type": "user", "id": alice.user.id}]}],
        "repeat": 2,
        "ack_mode": "all",
    }
    created = client.post("/api/v1/escalation-policies", json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    assert created.json()["levels"] == body["levels"]
    assert (
        client.post("/api/v1/escalation-policies", json=body, headers=alice.headers).status_code
        == 403
    )
    clash = client.post("/api/v1/escalation-policies", json=body, headers=admin.headers)
    assert clash.status_code == 409
    bad = {**body, "name": "Other", "levels": [{"minutes": 0, "targets": []}]}
    refused = client.post("/api/v1/escalation-policies", json=bad, headers=admin.headers)
    assert refused.status_code == 422
    assert "minutes" in refused.json()["error"]["message"]
    ghost = {
        **body,
        "name": "Ghost",
        "levels": [{"minutes": 5, "targets": [{"type": "schedule", "id": 999}]}],
    }
    missing = client.post("/api/v1/escalation-policies", json=ghost, headers=admin.headers)
    assert missing.status_code == 404 and "schedule 999" in missing.json()["error"]["message"]
    audit = client.get(
        "/api/v1/audit", params={"subject_type": "escalation_policy"}, headers=admin.headers
    )
    assert [r["action"] for r in audit.json()["items"]] == ["escalation_policy:create"]


def test_a_route_or_source_names_an_existing_policy(client: TestClient, admin: Person) -> None:
    route = client.post(
        "/api/v1/alert-routes",
        json={"name": "r", "escalation_policy_id": 12345},
        headers=admin.headers,
    )
    assert route.status_code == 404 and "escalation policy 12345" in route.text


def test_page_by_hand_and_acknowledge_through_the_api(
    client: TestClient, session: Session, alice: Person, bob: Person, viewer: Person
) -> None:
    schedule = make_schedule(session, alice, rotation(bob), name="Primary")
    session.commit()
    paged = client.post(
        "/api/v1/pages",
        json={"schedule_id": schedule.id, "message": "Join the bridge"},
        headers=alice.headers,
    )
    assert paged.status_code == 201, paged.text
    assert [p["user"] for p in paged.json()] == ["Bob"]
    empty = client.post("/api/v1/pages", json={"message": "  "}, headers=alice.headers)
    assert empty.status_code == 422
    assert (
        client.post(
            "/api/v1/pages",
            json={"message": "x", "user_ids": [bob.user.id]},
            headers=viewer.headers,
        ).status_code
        == 403
    )


def test_acknowledging_through_the_api_ends_the_escalation(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    policy = make_policy(session, level(("user", alice.user.id)))
    source = make_source(session, escalation_policy_id=policy.id)
    [outcome] = ingest.accept(
        session,
        source=source,
        format="generic",
        body={},
        signals=[Signal(action="trigger", dedup_key="k", title="Down")],
        now=utcnow(),
    )
    assert outcome.alert_id is not None
    runs.start(session, alert_id=outcome.alert_id, now=utcnow())
    session.commit()
    before = client.get(f"/api/v1/alerts/{outcome.alert_id}/escalation", headers=bob.headers)
    assert before.json()["state"] == "active" and before.json()["policy"]["name"] == policy.name
    acked = client.post(f"/api/v1/alerts/{outcome.alert_id}/acknowledge", headers=bob.headers)
    assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    after = client.get(f"/api/v1/alerts/{outcome.alert_id}/escalation", headers=bob.headers)
    assert after.json()["state"] == "acknowledged"
    assert client.get("/api/v1/alerts/999999/escalation", headers=bob.headers).status_code == 404


def test_people_keep_their_own_contact_methods_and_rules(
    client: TestClient, session: Session, alice: Person, bob: Person, admin: Person
) -> None:
    mine = f"/api/v1/users/{alice.user.id}"
    method = client.post(
        f"{mine}/contact-methods",
        json={"kind": "sms", "address": "+44 7700 900123"},
        headers=alice.headers,
    )
    assert method.status_code == 201, method.text
    assert method.json()["address"] == "+447700900123"
    bad = client.post(
        f"{mine}/contact-methods", json={"kind": "sms", "address": "call me"}, headers=alice.headers
    )
    assert bad.status_code == 422 and "international form" in bad.json()["error"]["message"]
    rule = client.post(
        f"{mine}/notification-rules",
        json={"urgency": "high", "contact_method_id": method.json()["id"], "delay_minutes": 2},
        headers=alice.headers,
    )
    assert rule.status_code == 201 and rule.json()["kind"] == "sms"
    assert client.get(f"{mine}/contact-methods", headers=bob.headers).status_code == 403
    assert client.get(f"{mine}/notification-rules", headers=admin.headers).status_code == 200
    test = client.post(f"/api/v1/contact-methods/{method.json()['id']}/test", headers=alice.headers)
    assert test.status_code == 202 and test.json()["event"] == "test"
    other = make_person(session)
    session.commit()
    theirs = client.post(
        f"/api/v1/users/{other.user.id}/notification-rules",
        json={"urgency": "high", "contact_method_id": method.json()["id"]},
        headers=admin.headers,
    )
    assert theirs.status_code == 422  # Alice's method is not theirs
    removed = client.delete(f"/api/v1/contact-methods/{method.json()['id']}", headers=alice.headers)
    assert removed.status_code == 204
    assert client.get(f"{mine}/notification-rules", headers=alice.headers).json() == []
