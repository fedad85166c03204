"""PagerDuty Events API v2 compatibility: /v2/enqueue and /v2/change/enqueue answer as
PagerDuty documents, deduplicate by its rules, and store nothing they refuse."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import Person, make_source

from watchkeep.alert.models import Alert, AlertEvent, AlertPayload, ChangeEvent


@pytest.fixture
def key(session: Session) -> str:
    source = make_source(session, kind="pagerduty")
    session.commit()
    return source.integration_key


def trigger(key: str, **extra: Any) -> dict[str, Any]:
    return {
        "routing_key": key,
        "event_action": "trigger",
        "payload": {
            "summary": "DISK at 99% on machine prod-datapipe03.example.com",
            "source": "prod-datapipe03.example.com",
            "severity": "critical",
            "component": "mysql",
            "group": "prod-datapipe",
            "class": "disk",
            "custom_details": {"free space": "1%", "ping time": "1500ms"},
        },
        "links": [{"href": "https://example.com/dash", "text": "Dashboard"}],
        **extra,
    }


def count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def alerts(session: Session) -> list[Alert]:
    session.expire_all()
    return list(session.scalars(select(Alert).order_by(Alert.id)))


def test_a_trigger_is_stored_and_answered_as_pagerduty_does(
    client: TestClient, session: Session, key: str
) -> None:
    response = client.post("/v2/enqueue", json=trigger(key, dedup_key="disk-03"))
    assert response.status_code == 202
    assert response.json() == {
        "status": "success",
        "message": "Event processed",
        "dedup_key": "disk-03",
    }
    [alert] = alerts(session)
    assert (alert.status, alert.severity, alert.dedup_key) == ("firing", "critical", "disk-03")
    assert alert.title.startswith("DISK at 99%")
    assert alert.labels["component"] == "mysql"
    assert alert.details["custom_details"] == {"free space": "1%", "ping time": "1500ms"}
    assert {"href": "https://example.com/dash", "text": "Dashboard"} in alert.links
    [payload] = session.scalars(select(AlertPayload)).all()
    assert payload.format == "pagerduty" and payload.body["payload"]["class"] == "disk"


def test_a_trigger_without_a_key_gets_one(client: TestClient, session: Session, key: str) -> None:
    answered = client.post("/v2/enqueue", json=trigger(key)).json()["dedup_key"]
    assert answered and [a.dedup_key for a in alerts(session)] == [answered]


def test_dedup_rules(client: TestClient, session: Session, key: str) -> None:
    def send(action: str) -> None:
        body = trigger(key, dedup_key="k1") | {"event_action": action}
        assert client.post("/v2/enqueue", json=body).status_code == 202

    send("trigger")
    send("trigger")  # adds to the open alert
    [alert] = alerts(session)
    assert alert.event_count == 2
    send("acknowledge")
    send("trigger")  # an acknowledged alert is still open: it stays acknowledged
    [alert] = alerts(session)
    assert (alert.status, alert.event_count) == ("acknowledged", 3)
    send("resolve")
    send("trigger")  # a resolved key opens a new alert
    first, second = alerts(session)
    assert (first.status, second.status) == ("resolved", "firing")
    assert first.dedup_key == second.dedup_key == "k1"


def test_acknowledge_or_resolve_of_an_unknown_key_is_accepted_and_dropped(
    client: TestClient, session: Session, key: str
) -> None:
    for action in ("acknowledge", "resolve"):
        body = {"routing_key": key, "event_action": action, "dedup_key": "never-seen"}
        response = client.post("/v2/enqueue", json=body)
        assert response.status_code == 202, response.text
        assert response.json()["dedup_key"] == "never-seen"
    assert alerts(session) == []
    outcomes = session.scalars(select(AlertEvent.outcome)).all()
    assert outcomes == ["dropped", "dropped"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"event_action": "explode"}, "event_action"),
        ({"payload": {"summary": "x", "source": "y", "severity": "bad"}}, "severity"),
        ({"payload": {"source": "y", "severity": "info"}}, "summary"),
        ({"routing_key": ""}, "routing_key"),
    ],
)
def test_an_invalid_event_is_400_with_pagerduty_errors_and_stores_nothing(
    client: TestClient, session: Session, key: str, change: dict[str, Any], named: str
) -> None:
    response = client.post("/v2/enqueue", json=trigger(key) | change)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "invalid event" and body["message"] == "Event object is invalid"
    assert any(named in error for error in body["errors"]), body
    assert count(session, AlertPayload) == 0 and count(session, Alert) == 0


def test_not_json_is_400(client: TestClient, session: Session) -> None:
    response = client.post(
        "/v2/enqueue", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["errors"][0]
    assert count(session, AlertPayload) == 0


def test_an_unknown_or_rotated_routing_key_is_refused(
    client: TestClient, session: Session, admin: Person, key: str
) -> None:
    response = client.post("/v2/enqueue", json=trigger("0" * 32))
    assert response.status_code == 400
    assert response.json()["errors"] == ["Invalid routing key"]
    [source] = client.get("/api/v1/alert-sources", headers=admin.headers).json()
    rotated = client.post(f"/api/v1/alert-sources/{source['id']}/rotate-key", headers=admin.headers)
    new_key = rotated.json()["integration_key"]
    assert new_key != key and len(new_key) == 32
    assert client.post("/v2/enqueue", json=trigger(key)).status_code == 400
    assert client.post("/v2/enqueue", json=trigger(new_key)).status_code == 202
    assert count(session, AlertPayload) == 1


def test_an_event_over_512_kb_is_413(client: TestClient, session: Session, key: str) -> None:
    body = trigger(key)
    body["payload"]["custom_details"] = {"blob": "x" * (512 * 1024)}
    response = client.post("/v2/enqueue", json=body)
    assert response.status_code == 413
    assert response.json()["status"] == "invalid event"
    assert count(session, AlertPayload) == 0


def test_a_sender_that_is_too_fast_gets_429_with_retry_after(
    client: TestClient, session: Session, key: str
) -> None:
    client.app.state.settings.ingest_events_per_minute = 2  # type: ignore[attr-defined]
    codes = [client.post("/v2/enqueue", json=trigger(key)).status_code for _ in range(3)]
    assert codes == [202, 202, 429]
    refused = client.post("/v2/enqueue", json=trigger(key))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["status"] == "throttle event"
    assert count(session, Alert) == 2


def test_a_change_event_is_stored_with_its_links(
    client: TestClient, session: Session, key: str
) -> None:
    body = {
        "routing_key": key,
        "payload": {
            "summary": "Build #42 deployed to production",
            "timestamp": "2026-12-01T10:00:00Z",
            "source": "ci",
            "custom_details": {"build_state": "passed", "run_time": "1236s"},
        },
        "links": [{"href": "https://ci.example.com/builds/42", "text": "Build 42"}],
    }
    response = client.post("/v2/change/enqueue", json=body)
    assert response.status_code == 202
    assert response.json() == {
        "status": "success",
        "message": "Change event processed",
        "dedup_key": None,
    }
    [change] = session.scalars(select(ChangeEvent)).all()
    assert change.summary == "Build #42 deployed to production"
    assert change.occurred_at.isoformat() == "2026-12-01T10:00:00+00:00"
    assert change.links == [{"href": "https://ci.example.com/builds/42", "text": "Build 42"}]
    assert change.details["build_state"] == "passed"
