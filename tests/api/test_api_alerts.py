"""``/api/v1/alerts``: listing, reading, the events with their raw payloads, and what people
do to alerts (acknowledge, resolve)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_source

from watchkeep.alert.models import AlertSource


@pytest.fixture
def source(session: Session) -> AlertSource:
    source = make_source(session, kind="generic", name="Checkout monitors")
    session.commit()
    return source


def send(client: TestClient, source: AlertSource, **alert: Any) -> dict[str, Any]:
    """Send one generic alert; returns its outcome."""
    alert.setdefault("title", "Checkout is slow")
    response = client.post(f"/ingest/generic/{source.integration_key}", json=alert)
    assert response.status_code == 202, response.text
    [outcome] = response.json()["alerts"]
    return dict(outcome)


def opened(client: TestClient, source: AlertSource, dedup_key: str, **alert: Any) -> int:
    outcome = send(client, source, dedup_key=dedup_key, **alert)
    assert outcome["outcome"] == "opened", outcome
    return int(outcome["alert"].removeprefix("ALR-"))


def get(client: TestClient, who: Person, path: str, **params: Any) -> Any:
    response = client.get(f"/api/v1{path}", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


def act(client: TestClient, who: Person, alert_id: int, action: str) -> Any:
    return client.post(f"/api/v1/alerts/{alert_id}/{action}", headers=who.headers)


def ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["items"]]


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------


def test_alerts_are_listed_newest_first_and_filtered(
    client: TestClient, session: Session, viewer: Person, alice: Person, source: AlertSource
) -> None:
    other = make_source(session, kind="generic")
    session.commit()
    first = opened(client, source, "a")
    second = opened(client, source, "b")
    third = opened(client, other, "c")
    assert act(client, alice, first, "resolve").status_code == 200
    assert act(client, alice, second, "acknowledge").status_code == 200

    page = get(client, viewer, "/alerts")
    assert ids(page) == [third, second, first]
    assert page["next_before_id"] is None
    assert ids(get(client, viewer, "/alerts", status="firing")) == [third]
    assert ids(get(client, viewer, "/alerts", status="acknowledged")) == [second]
    assert ids(get(client, viewer, "/alerts", status="resolved")) == [first]
    assert ids(get(client, viewer, "/alerts", status="open")) == [third, second]
    assert ids(get(client, viewer, "/alerts", source_id=source.id)) == [second, first]
    assert ids(get(client, viewer, "/alerts", source_id=source.id, status="open")) == [second]
    assert get(client, viewer, "/alerts", source_id=other.id + 1000)["items"] == []


@pytest.mark.parametrize(
    "params",
    [{"status": "closed"}, {"limit": 0}, {"limit": 501}, {"before_id": 0}, {"source_id": "x"}],
)
def test_bad_list_parameters_are_422(
    client: TestClient, viewer: Person, params: dict[str, Any]
) -> None:
    response = client.get("/api/v1/alerts", params=params, headers=viewer.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid"


def test_alerts_are_paged_with_before_id(
    client: TestClient, viewer: Person, source: AlertSource
) -> None:
    made = [opened(client, source, f"key-{n}") for n in range(5)]
    newest_first = list(reversed(made))
    page = get(client, viewer, "/alerts", limit=2)
    assert ids(page) == newest_first[:2]
    assert page["next_before_id"] == newest_first[1]
    page = get(client, viewer, "/alerts", limit=2, before_id=page["next_before_id"])
    assert ids(page) == newest_first[2:4]
    page = get(client, viewer, "/alerts", limit=2, before_id=page["next_before_id"])
    assert ids(page) == newest_first[4:]
    assert page["next_before_id"] is None
    # A page that ends exactly at the last alert says there is no more.
    exact = get(client, viewer, "/alerts", limit=5)
    assert ids(exact) == newest_first and exact["next_before_id"] is None
    assert get(client, viewer, "/alerts", before_id=made[0])["items"] == []


def test_an_alert_is_shown(client: TestClient, viewer: Person, source: AlertSource) -> None:
    alert_id = opened(
        client,
        source,
        "slow-1",
        description="p99 above 2s",
        labels={"severity": "critical", "team": "payments"},
        source_url="https://grafana.example.com/d/checkout",
    )
    alert = get(client, viewer, f"/alerts/{alert_id}")
    assert alert["id"] == alert_id and alert["reference"] == f"ALR-{alert_id}"
    assert alert["source"] == {"id": source.id, "name": "Checkout monitors"}
    assert (alert["status"], alert["title"], alert["description"]) == (
        "firing",
        "Checkout is slow",
        "p99 above 2s",
    )
    assert (alert["severity"], alert["urgency"], alert["dedup_key"]) == (
        "critical",
        "high",
        "slow-1",
    )
    assert alert["labels"] == {"severity": "critical", "team": "payments"}
    assert alert["source_url"] == "https://grafana.example.com/d/checkout"
    assert alert["event_count"] == 1
    assert alert["acknowledged_by"] is None and alert["resolved_by"] is None
    assert alert["acknowledged_at"] is None and alert["resolved_at"] is None


def test_an_unknown_alert_is_404(client: TestClient, viewer: Person, alice: Person) -> None:
    for path in ("/alerts/999999", "/alerts/999999/events"):
        response = client.get(f"/api/v1{path}", headers=viewer.headers)
        assert response.status_code == 404, response.text
        assert "ALR-999999" in response.json()["error"]["message"]
    for action in ("acknowledge", "resolve"):
        assert act(client, alice, 999999, action).status_code == 404


def test_reading_alerts_needs_a_caller(client: TestClient, source: AlertSource) -> None:
    alert_id = opened(client, source, "k")
    for path in ("/alerts", f"/alerts/{alert_id}", f"/alerts/{alert_id}/events"):
        assert client.get(f"/api/v1{path}").status_code == 401
    for action in ("acknowledge", "resolve"):
        assert client.post(f"/api/v1/alerts/{alert_id}/{action}").status_code == 401


def test_the_events_carry_the_raw_payloads(
    client: TestClient, viewer: Person, alice: Person, source: AlertSource
) -> None:
    alert_id = opened(client, source, "disk", labels={"host": "db-1"})
    send(client, source, dedup_key="disk", labels={"host": "db-1"}, description="still full")
    assert act(client, alice, alert_id, "acknowledge").status_code == 200
    send(client, source, dedup_key="disk", status="resolved")
    events = get(client, viewer, f"/alerts/{alert_id}/events")
    assert [(e["action"], e["outcome"]) for e in events] == [
        ("trigger", "opened"),
        ("trigger", "updated"),
        ("acknowledge", "acknowledged"),
        ("resolve", "resolved"),
    ]
    assert events[0]["format"] == "generic"
    assert events[0]["body"] == {
        "title": "Checkout is slow",
        "dedup_key": "disk",
        "labels": {"host": "db-1"},
    }
    assert events[1]["body"]["description"] == "still full"
    assert events[3]["body"]["status"] == "resolved"
    person = events[2]
    assert (person["actor_id"], person["payload_id"], person["body"]) == (
        alice.user.id,
        None,
        None,
    )
    assert all(e["actor_id"] is None and e["payload_id"] for e in (events[0], events[1], events[3]))
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)


def test_events_of_one_alert_only(client: TestClient, viewer: Person, source: AlertSource) -> None:
    first = opened(client, source, "one")
    second = opened(client, source, "two")
    send(client, source, dedup_key="two")
    assert len(get(client, viewer, f"/alerts/{first}/events")) == 1
    assert len(get(client, viewer, f"/alerts/{second}/events")) == 2


# ---------------------------------------------------------------------------------------
# Acknowledge and resolve
# ---------------------------------------------------------------------------------------


def test_a_responder_acknowledges_and_resolves(
    client: TestClient, alice: Person, bob: Person, viewer: Person, source: AlertSource
) -> None:
    alert_id = opened(client, source, "k")
    response = act(client, alice, alert_id, "acknowledge")
    assert response.status_code == 200, response.text
    acked = response.json()
    assert acked["status"] == "acknowledged"
    assert acked["acknowledged_by"] == {"id": alice.user.id, "name": "Alice"}
    assert acked["acknowledged_at"] is not None
    assert get(client, viewer, f"/alerts/{alert_id}")["acknowledged_by"]["name"] == "Alice"

    response = act(client, bob, alert_id, "resolve")
    assert response.status_code == 200, response.text
    done = response.json()
    assert done["status"] == "resolved" and done["resolved_at"] is not None
    assert done["resolved_by"] == {"id": bob.user.id, "name": "Bob"}
    assert done["acknowledged_by"] == {"id": alice.user.id, "name": "Alice"}
    shown = get(client, viewer, f"/alerts/{alert_id}")
    assert (shown["resolved_by"]["name"], shown["acknowledged_by"]["name"]) == ("Bob", "Alice")


def test_a_firing_alert_can_be_resolved_without_an_acknowledge(
    client: TestClient, alice: Person, source: AlertSource
) -> None:
    alert_id = opened(client, source, "k")
    done = act(client, alice, alert_id, "resolve").json()
    assert done["status"] == "resolved" and done["acknowledged_at"] is None
    assert done["resolved_by"]["name"] == "Alice"


def test_a_viewer_cannot_acknowledge_or_resolve(
    client: TestClient, viewer: Person, source: AlertSource
) -> None:
    alert_id = opened(client, source, "k")
    for action in ("acknowledge", "resolve"):
        response = act(client, viewer, alert_id, action)
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden"
    alert = get(client, viewer, f"/alerts/{alert_id}")
    assert alert["status"] == "firing" and alert["acknowledged_by"] is None
    assert len(get(client, viewer, f"/alerts/{alert_id}/events")) == 1


def test_acknowledging_twice_changes_nothing(
    client: TestClient, alice: Person, bob: Person, source: AlertSource
) -> None:
    alert_id = opened(client, source, "k")
    first = act(client, alice, alert_id, "acknowledge").json()
    second = act(client, bob, alert_id, "acknowledge")
    assert second.status_code == 200, second.text
    assert second.json()["acknowledged_at"] == first["acknowledged_at"]
    assert second.json()["acknowledged_by"] == {"id": alice.user.id, "name": "Alice"}
    events = get(client, alice, f"/alerts/{alert_id}/events")
    assert [e["outcome"] for e in events] == ["opened", "acknowledged", "unchanged"]


def test_acknowledging_a_resolved_alert_is_409(
    client: TestClient, alice: Person, source: AlertSource
) -> None:
    alert_id = opened(client, source, "k")
    act(client, alice, alert_id, "resolve")
    response = act(client, alice, alert_id, "acknowledge")
    assert response.status_code == 409, response.text
    assert "resolved" in response.json()["error"]["message"]
    alert = get(client, alice, f"/alerts/{alert_id}")
    assert alert["status"] == "resolved" and alert["acknowledged_at"] is None


def test_resolving_twice_changes_nothing(
    client: TestClient, alice: Person, bob: Person, source: AlertSource
) -> None:
    alert_id = opened(client, source, "k")
    first = act(client, alice, alert_id, "resolve").json()
    second = act(client, bob, alert_id, "resolve")
    assert second.status_code == 200, second.text
    assert second.json()["resolved_at"] == first["resolved_at"]
    assert second.json()["resolved_by"]["name"] == "Alice"


def test_a_resolved_alert_is_not_reopened_by_its_key(
    client: TestClient, alice: Person, source: AlertSource
) -> None:
    alert_id = opened(client, source, "k")
    act(client, alice, alert_id, "resolve")
    again = send(client, source, dedup_key="k")
    assert again["outcome"] == "opened" and again["alert"] != f"ALR-{alert_id}"
    assert get(client, alice, f"/alerts/{alert_id}")["status"] == "resolved"


def test_an_acknowledged_alert_stays_acknowledged_when_pagerduty_triggers_its_key(
    client: TestClient, session: Session, alice: Person
) -> None:
    source = make_source(session, kind="pagerduty")
    session.commit()
    event = {
        "routing_key": source.integration_key,
        "event_action": "trigger",
        "dedup_key": "disk-03",
        "payload": {"summary": "Disk at 99%", "source": "db-3", "severity": "critical"},
    }
    assert client.post("/v2/enqueue", json=event).status_code == 202
    [alert] = get(client, alice, "/alerts")["items"]
    acked = act(client, alice, alert["id"], "acknowledge").json()
    assert client.post("/v2/enqueue", json=event).status_code == 202
    again = get(client, alice, f"/alerts/{alert['id']}")
    assert again["status"] == "acknowledged"
    assert again["acknowledged_at"] == acked["acknowledged_at"]
    assert again["acknowledged_by"]["name"] == "Alice"
    assert again["event_count"] == 2
    assert len(get(client, alice, "/alerts")["items"]) == 1


def test_an_acknowledged_alert_stays_acknowledged_when_alertmanager_fires_again(
    client: TestClient, session: Session, alice: Person
) -> None:
    source = make_source(session, kind="alertmanager")
    session.commit()
    group = {
        "version": "4",
        "status": "firing",
        "groupKey": '{}:{alertname="HighLatency"}',
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "HighLatency", "instance": "web-1"},
                "annotations": {"summary": "Slow"},
                "startsAt": "2026-12-01T10:00:00.123456789Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "fingerprint": "aa11bb22cc33dd44",
            }
        ],
    }
    url = f"/ingest/alertmanager/{source.integration_key}"
    assert client.post(url, json=group).status_code == 202
    [alert] = get(client, alice, "/alerts")["items"]
    act(client, alice, alert["id"], "acknowledge")
    [outcome] = client.post(url, json=group).json()["alerts"]
    assert outcome["outcome"] == "updated"
    again = get(client, alice, f"/alerts/{alert['id']}")
    assert (again["status"], again["event_count"]) == ("acknowledged", 2)
    # The sender's resolve still resolves it.
    group["alerts"][0] |= {"status": "resolved", "endsAt": "2026-12-01T10:30:00Z"}
    [outcome] = client.post(url, json=group | {"status": "resolved"}).json()["alerts"]
    assert outcome["outcome"] == "resolved"
    done = get(client, alice, f"/alerts/{alert['id']}")
    assert done["status"] == "resolved" and done["resolved_by"] is None
