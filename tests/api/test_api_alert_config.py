"""Alert sources (admins only: their keys are secrets), routes and silences over the API."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_route, make_service, make_source

from watchkeep.alert.models import AlertSource


def error_of(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    if code is not None:
        assert error["code"] == code, error
    return error


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def audit(client: TestClient, admin: Person, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/audit", params=params | {"limit": 500}, headers=admin.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def iso(moment: datetime) -> str:
    return moment.isoformat()


def now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------

SOURCES = "/api/v1/alert-sources"


@pytest.mark.parametrize("who", ["alice", "viewer"])
def test_only_admins_see_or_change_sources(
    client: TestClient, session: Session, request: pytest.FixtureRequest, who: str
) -> None:
    person: Person = request.getfixturevalue(who)
    source = make_source(session)
    session.commit()
    headers = person.headers
    answers = [
        client.get(SOURCES, headers=headers),
        client.post(SOURCES, json={"name": "x", "kind": "generic"}, headers=headers),
        client.get(f"{SOURCES}/{source.id}", headers=headers),
        client.patch(f"{SOURCES}/{source.id}", json={"enabled": False}, headers=headers),
        client.post(f"{SOURCES}/{source.id}/rotate-key", headers=headers),
    ]
    for response in answers:
        error_of(response, 403, "forbidden")
        assert source.integration_key not in response.text
    session.expire_all()
    assert session.get(AlertSource, source.id).enabled  # type: ignore[union-attr]
    assert client.get(SOURCES).status_code == 401


def test_an_admin_creates_reads_and_changes_a_source(client: TestClient, admin: Person) -> None:
    body = created(
        client.post(
            SOURCES,
            json={"name": "  Prometheus prod ", "kind": "alertmanager", "description": "EU"},
            headers=admin.headers,
        )
    )
    key = body["integration_key"]
    assert len(key) == 32
    assert body["name"] == "Prometheus prod" and body["enabled"] is True
    assert body["kind"] == "alertmanager" and body["description"] == "EU"
    assert body["heartbeat_seconds"] is None and body["service"] is None
    endpoints = body["endpoints"]
    for format in ("alertmanager", "grafana", "generic"):
        assert endpoints[format].endswith(f"/ingest/{format}/{key}"), endpoints
    assert endpoints["pagerduty"].endswith("/v2/enqueue")

    assert client.get(f"{SOURCES}/{body['id']}", headers=admin.headers).json() == body
    assert [s["id"] for s in client.get(SOURCES, headers=admin.headers).json()] == [body["id"]]

    patched = client.patch(
        f"{SOURCES}/{body['id']}",
        json={"name": "Prometheus EU", "enabled": False},
        headers=admin.headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Prometheus EU" and patched.json()["enabled"] is False
    assert patched.json()["description"] == "EU"  # left out: stays
    assert patched.json()["integration_key"] == key

    rotated = client.post(f"{SOURCES}/{body['id']}/rotate-key", headers=admin.headers).json()
    assert rotated["integration_key"] != key and rotated["key_rotated_at"] is not None
    assert rotated["integration_key"] in rotated["endpoints"]["generic"]
    assert key not in json.dumps(rotated["endpoints"])


def test_a_heartbeat_source_has_its_ping_endpoint(client: TestClient, admin: Person) -> None:
    body = created(
        client.post(
            SOURCES,
            json={"name": "backup", "kind": "heartbeat", "heartbeat_seconds": 3600},
            headers=admin.headers,
        )
    )
    key = body["integration_key"]
    assert list(body["endpoints"]) == ["heartbeat"]
    assert body["endpoints"]["heartbeat"].endswith(f"/ingest/heartbeat/{key}")
    assert body["last_event_at"] is not None  # the first period starts now
    assert client.post(f"/ingest/heartbeat/{key}").status_code == 200
    assert client.get(f"/ingest/heartbeat/{key}").json() == {"status": "success", "alerts": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "hb", "kind": "heartbeat"}, "heartbeat_seconds"),
        ({"name": "hb", "kind": "heartbeat", "heartbeat_seconds": 59}, "heartbeat_seconds"),
        ({"name": "hb", "kind": "generic", "heartbeat_seconds": 600}, "heartbeat_seconds"),
        (
            {"name": "hb", "kind": "heartbeat", "heartbeat_seconds": 600, "grace_seconds": -1},
            "grace",
        ),
        ({"name": "x", "kind": "nagios"}, "kind"),
        ({"name": "", "kind": "generic"}, "name"),
        ({"name": "   ", "kind": "generic"}, "name"),
        ({"name": "x", "kind": "generic", "integration_key": "0" * 32}, "integration_key"),
    ],
)
def test_a_bad_source_is_422_and_creates_nothing(
    client: TestClient, admin: Person, body: dict[str, Any], field: str
) -> None:
    error = error_of(client.post(SOURCES, json=body, headers=admin.headers), 422, "invalid")
    assert field in error["message"], error
    assert client.get(SOURCES, headers=admin.headers).json() == []


def test_a_source_shows_the_service_it_concerns(
    client: TestClient, session: Session, admin: Person
) -> None:
    checkout = make_service(session, "checkout")
    search = make_service(session, "search")
    session.commit()
    body = created(
        client.post(
            SOURCES,
            json={"name": "prom", "kind": "alertmanager", "service_id": checkout.id},
            headers=admin.headers,
        )
    )
    assert body["service"] == {"id": checkout.id, "name": "checkout"}
    url = f"{SOURCES}/{body['id']}"
    moved = client.patch(url, json={"service_id": search.id}, headers=admin.headers)
    assert moved.status_code == 200, moved.text
    assert moved.json()["service"] == {"id": search.id, "name": "search"}
    assert client.get(url, headers=admin.headers).json()["service"]["name"] == "search"
    removed = client.patch(url, json={"service_id": None}, headers=admin.headers)
    assert removed.json()["service"] is None
    assert client.get(url, headers=admin.headers).json()["service"] is None
    added = client.patch(url, json={"service_id": checkout.id}, headers=admin.headers)
    assert added.json()["service"] == {"id": checkout.id, "name": "checkout"}


def test_an_unknown_service_is_404(client: TestClient, admin: Person) -> None:
    body = {"name": "x", "kind": "generic", "service_id": 999999}
    error = error_of(client.post(SOURCES, json=body, headers=admin.headers), 404)
    assert "999999" in error["message"]


def test_source_names_are_unique(client: TestClient, admin: Person) -> None:
    first = created(
        client.post(SOURCES, json={"name": "Grafana", "kind": "grafana"}, headers=admin.headers)
    )
    other = created(
        client.post(SOURCES, json={"name": "Loki", "kind": "grafana"}, headers=admin.headers)
    )
    clash = client.post(
        SOURCES, json={"name": " Grafana ", "kind": "generic"}, headers=admin.headers
    )
    assert "Grafana" in error_of(clash, 409, "conflict")["message"]
    renamed = client.patch(
        f"{SOURCES}/{other['id']}", json={"name": "Grafana"}, headers=admin.headers
    )
    error_of(renamed, 409, "conflict")
    # Keeping its own name is no clash.
    same = client.patch(f"{SOURCES}/{first['id']}", json={"name": "Grafana"}, headers=admin.headers)
    assert same.status_code == 200, same.text
    assert len(client.get(SOURCES, headers=admin.headers).json()) == 2


def test_an_unknown_source_is_404(client: TestClient, admin: Person) -> None:
    error_of(client.get(f"{SOURCES}/999999", headers=admin.headers), 404)
    error_of(client.patch(f"{SOURCES}/999999", json={}, headers=admin.headers), 404)
    error_of(client.post(f"{SOURCES}/999999/rotate-key", headers=admin.headers), 404)


@pytest.mark.parametrize("field", ["name", "enabled", "grace_seconds", "description"])
def test_a_null_in_a_source_patch_is_not_a_server_error(
    client: TestClient, session: Session, admin: Person, field: str
) -> None:
    source = make_source(session, kind="generic", name="steady", description="kept")
    session.commit()
    response = client.patch(f"{SOURCES}/{source.id}", json={field: None}, headers=admin.headers)
    assert response.status_code in (200, 422), response.text
    after = client.get(f"{SOURCES}/{source.id}", headers=admin.headers).json()
    assert (after["name"], after["enabled"], after["grace_seconds"], after["description"]) == (
        "steady",
        True,
        0,
        "kept",
    )


def test_a_heartbeat_source_cannot_lose_its_period(
    client: TestClient, session: Session, admin: Person
) -> None:
    source = make_source(session, kind="heartbeat", heartbeat_seconds=600)
    session.commit()
    response = client.patch(
        f"{SOURCES}/{source.id}", json={"heartbeat_seconds": None}, headers=admin.headers
    )
    assert "heartbeat_seconds" in error_of(response, 422)["message"]
    assert (
        client.get(f"{SOURCES}/{source.id}", headers=admin.headers).json()["heartbeat_seconds"]
        == 600
    )


def test_source_changes_are_audited_without_the_key(client: TestClient, admin: Person) -> None:
    body = created(
        client.post(SOURCES, json={"name": "audited", "kind": "generic"}, headers=admin.headers)
    )
    client.patch(f"{SOURCES}/{body['id']}", json={"enabled": False}, headers=admin.headers)
    rotated = client.post(f"{SOURCES}/{body['id']}/rotate-key", headers=admin.headers).json()
    records = audit(client, admin, subject_type="alert_source")
    assert [r["action"] for r in records] == [
        "alert_source:rotate_key",
        "alert_source:update",
        "alert_source:create",
    ]
    assert all(r["subject_id"] == body["id"] for r in records)
    assert all(r["actor_id"] == admin.user.id for r in records)
    _rotate, update, create = records
    assert create["changes"]["name"] == [None, "audited"]
    assert update["changes"]["enabled"] == [True, False]
    text = json.dumps(records)
    assert body["integration_key"] not in text
    assert rotated["integration_key"] not in text


# ---------------------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------------------

ROUTES = "/api/v1/alert-routes"


def test_a_route_with_a_bad_regular_expression_is_422_saying_why(
    client: TestClient, admin: Person
) -> None:
    body = {"name": "broken", "matchers": ['alertname=~"("']}
    error = error_of(client.post(ROUTES, json=body, headers=admin.headers), 422, "invalid")
    assert "regular expression" in error["message"]
    assert "missing )" in error["message"]  # the regex engine's own words
    assert client.get(ROUTES, headers=admin.headers).json() == []


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"matchers": ["not a matcher"]}, "not a matcher"),
        ({"matchers": ["team=~payments", 'x=~"[a-"']}, "x=~"),
        ({"severities": ["sev1"]}, "sev1"),
        ({"severities": ["critical", "urgent"]}, "urgent"),
        ({"urgency": "medium"}, "urgency"),
        ({"group_by": ["app.kubernetes.io/name"]}, "group_by"),
        ({"group_minutes": 0}, "group_minutes"),
        ({"severity_map": {"sev1": 1}}, "severity_map"),
        ({"name": ""}, "name"),
    ],
)
def test_a_bad_route_is_422(
    client: TestClient, admin: Person, change: dict[str, Any], named: str
) -> None:
    body = {"name": "route"} | change
    error = error_of(client.post(ROUTES, json=body, headers=admin.headers), 422, "invalid")
    assert named in error["message"], error
    assert client.get(ROUTES, headers=admin.headers).json() == []


def test_a_route_for_an_unknown_source_is_404(client: TestClient, admin: Person) -> None:
    body = {"name": "route", "source_ids": [999999]}
    error = error_of(client.post(ROUTES, json=body, headers=admin.headers), 404)
    assert "999999" in error["message"]


def test_routes_go_last_unless_placed(client: TestClient, admin: Person, viewer: Person) -> None:
    first = created(client.post(ROUTES, json={"name": "first"}, headers=admin.headers))
    second = created(client.post(ROUTES, json={"name": "second"}, headers=admin.headers))
    third = created(client.post(ROUTES, json={"name": "third"}, headers=admin.headers))
    assert first["position"] < second["position"] < third["position"]
    listed = client.get(ROUTES, headers=viewer.headers).json()
    assert [r["name"] for r in listed] == ["first", "second", "third"]
    moved = client.patch(
        f"{ROUTES}/{third['id']}", json={"position": first["position"] - 1}, headers=admin.headers
    )
    assert moved.status_code == 200, moved.text
    listed = client.get(ROUTES, headers=viewer.headers).json()
    assert [r["name"] for r in listed] == ["third", "first", "second"]
    fourth = created(client.post(ROUTES, json={"name": "fourth"}, headers=admin.headers))
    assert fourth["position"] > second["position"]


def test_a_route_is_stored_canonical_changed_and_deleted(client: TestClient, admin: Person) -> None:
    body = created(
        client.post(
            ROUTES,
            json={
                "name": "payments",
                "matchers": ["team = payments", 'alertname=~"Disk.*"'],
                "severities": ["warning", "critical"],
                "urgency": "low",
            },
            headers=admin.headers,
        )
    )
    assert body["matchers"] == ['team="payments"', 'alertname=~"Disk.*"']
    assert body["severities"] == ["critical", "warning"]
    assert (body["urgency"], body["declare_incident"], body["source_ids"]) == ("low", False, [])
    patched = client.patch(
        f"{ROUTES}/{body['id']}", json={"urgency": "high"}, headers=admin.headers
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["urgency"] == "high"
    assert patched.json()["matchers"] == body["matchers"]
    bad = client.patch(
        f"{ROUTES}/{body['id']}", json={"matchers": ['a=~"("']}, headers=admin.headers
    )
    error_of(bad, 422)
    deleted = client.delete(f"{ROUTES}/{body['id']}", headers=admin.headers)
    assert deleted.status_code == 204
    error_of(client.delete(f"{ROUTES}/{body['id']}", headers=admin.headers), 404)
    error_of(client.patch(f"{ROUTES}/{body['id']}", json={}, headers=admin.headers), 404)
    assert client.get(ROUTES, headers=admin.headers).json() == []
    actions = [r["action"] for r in audit(client, admin, subject_type="alert_route")]
    assert actions == ["alert_route:delete", "alert_route:update", "alert_route:create"]


@pytest.mark.parametrize("field", ["name", "position", "matchers", "urgency", "group_minutes"])
def test_a_null_in_a_route_patch_is_not_a_server_error(
    client: TestClient, session: Session, admin: Person, field: str
) -> None:
    route = make_route(session, name="steady", matchers=['team="a"'], urgency="low")
    session.commit()
    response = client.patch(f"{ROUTES}/{route.id}", json={field: None}, headers=admin.headers)
    assert response.status_code in (200, 422), response.text
    [after] = client.get(ROUTES, headers=admin.headers).json()
    assert (after["name"], after["matchers"], after["urgency"], after["group_minutes"]) == (
        "steady",
        ['team="a"'],
        "low",
        60,
    )


def test_responders_cannot_change_routes(
    client: TestClient, session: Session, alice: Person
) -> None:
    route = make_route(session, name="kept")
    session.commit()
    error_of(client.post(ROUTES, json={"name": "x"}, headers=alice.headers), 403, "forbidden")
    error_of(client.patch(f"{ROUTES}/{route.id}", json={"name": "y"}, headers=alice.headers), 403)
    error_of(client.delete(f"{ROUTES}/{route.id}", headers=alice.headers), 403)
    assert [r["name"] for r in client.get(ROUTES, headers=alice.headers).json()] == ["kept"]


Send = Callable[..., dict[str, Any]]


@pytest.fixture
def send(client: TestClient, viewer: Person) -> Send:
    """Open one generic alert of ``source`` with ``key`` and ``labels``; returns the alert
    as the API shows it."""

    def run(source: AlertSource, key: str, **labels: str) -> dict[str, Any]:
        body = {"title": f"alert {key}", "dedup_key": key, "labels": labels}
        response = client.post(f"/ingest/generic/{source.integration_key}", json=body)
        assert response.status_code == 202, response.text
        [outcome] = response.json()["alerts"]
        assert outcome["outcome"] == "opened"
        alert_id = outcome["alert"].removeprefix("ALR-")
        shown = client.get(f"/api/v1/alerts/{alert_id}", headers=viewer.headers)
        assert shown.status_code == 200, shown.text
        alert: dict[str, Any] = shown.json()
        return alert

    return run


@pytest.fixture
def source(session: Session) -> AlertSource:
    source = make_source(session, kind="generic")
    session.commit()
    return source


def test_the_first_route_that_fits_decides(
    client: TestClient, admin: Person, source: AlertSource, send: Send
) -> None:
    payments = created(
        client.post(
            ROUTES,
            json={"name": "payments", "matchers": ['team="payments"'], "urgency": "high"},
            headers=admin.headers,
        )
    )
    quiet = created(
        client.post(
            ROUTES,
            json={"name": "quiet", "severities": ["warning", "info"], "urgency": "low"},
            headers=admin.headers,
        )
    )
    second_only = send(source, "a", team="search", severity="warning")
    assert (second_only["urgency"], second_only["route_id"]) == ("low", quiet["id"])
    both = send(source, "b", team="payments", severity="warning")
    assert (both["urgency"], both["route_id"]) == ("high", payments["id"])
    neither = send(source, "c", team="search", severity="critical")
    assert (neither["urgency"], neither["route_id"]) == ("high", None)
    no_severity = send(source, "d", team="search")
    assert no_severity["route_id"] is None  # a route naming severities wants one


def test_a_route_limited_to_sources_ignores_others(
    client: TestClient, session: Session, admin: Person, source: AlertSource, send: Send
) -> None:
    other = make_source(session, kind="generic")
    session.commit()
    route = created(
        client.post(
            ROUTES,
            json={"name": "other only", "source_ids": [other.id], "urgency": "low"},
            headers=admin.headers,
        )
    )
    assert send(source, "a")["route_id"] is None
    assert send(other, "a")["route_id"] == route["id"]


def test_an_open_alert_keeps_the_decision_made_when_it_opened(
    client: TestClient, admin: Person, source: AlertSource, send: Send
) -> None:
    route = created(
        client.post(ROUTES, json={"name": "all low", "urgency": "low"}, headers=admin.headers)
    )
    alert = send(source, "a")
    assert (alert["urgency"], alert["route_id"]) == ("low", route["id"])
    client.patch(f"{ROUTES}/{route['id']}", json={"urgency": "high"}, headers=admin.headers)
    again = client.post(
        f"/ingest/generic/{source.integration_key}", json={"title": "alert a", "dedup_key": "a"}
    ).json()["alerts"][0]
    assert again["outcome"] == "updated"
    shown = client.get(f"/api/v1/alerts/{alert['id']}", headers=admin.headers).json()
    assert shown["urgency"] == "low"
    assert send(source, "b")["urgency"] == "high"


# ---------------------------------------------------------------------------------------
# Silences
# ---------------------------------------------------------------------------------------

SILENCES = "/api/v1/silences"


def silence(client: TestClient, who: Person, **body: Any) -> httpx.Response:
    body.setdefault("ends_at", iso(now() + timedelta(hours=2)))
    return client.post(SILENCES, json=body, headers=who.headers)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "matcher"),
        ({"matchers": [], "source_ids": []}, "matcher"),
        ({"matchers": ['team="a"'], "ends_at": "2020-01-01T00:00:00Z"}, "ends_at"),
        ({"matchers": ['team="a"'], "ends_at": "2999-01-01T00:00:00Z"}, "366 days"),
        ({"matchers": ['team=~"("']}, "regular expression"),
        ({"matchers": ['team="a"'], "kind": "holiday"}, "kind"),
        ({"matchers": ['team="a"'], "ends_at": "tomorrow"}, "ends_at"),
    ],
)
def test_a_bad_silence_is_422(
    client: TestClient, alice: Person, body: dict[str, Any], field: str
) -> None:
    error = error_of(silence(client, alice, **body), 422, "invalid")
    assert field in error["message"], error
    assert (
        client.get(SILENCES, params={"include_expired": True}, headers=alice.headers).json() == []
    )


def test_a_silence_of_an_unknown_source_is_404(client: TestClient, alice: Person) -> None:
    error_of(silence(client, alice, source_ids=[999999]), 404)


def test_an_alert_opened_during_a_matching_silence_is_silenced(
    client: TestClient, alice: Person, viewer: Person, source: AlertSource, send: Send
) -> None:
    made = created(silence(client, alice, matchers=['team="payments"'], comment=" deploy "))
    assert made["created_by"] == {"id": alice.user.id, "name": "Alice"}
    assert made["comment"] == "deploy" and made["kind"] == "silence"
    silenced = send(source, "a", team="payments")
    assert silenced["silence_id"] == made["id"]
    assert silenced["status"] == "firing"  # kept and shown, only not paged
    assert send(source, "b", team="search")["silence_id"] is None
    listed = client.get(SILENCES, headers=viewer.headers).json()
    assert [s["id"] for s in listed] == [made["id"]]

    expired = client.post(f"{SILENCES}/{made['id']}/expire", headers=alice.headers)
    assert expired.status_code == 200, expired.text
    assert datetime.fromisoformat(expired.json()["ends_at"]) <= now()
    assert send(source, "c", team="payments")["silence_id"] is None
    assert client.get(SILENCES, headers=viewer.headers).json() == []
    every = client.get(SILENCES, params={"include_expired": True}, headers=viewer.headers).json()
    assert [s["id"] for s in every] == [made["id"]]
    # Expiring it again changes nothing.
    again = client.post(f"{SILENCES}/{made['id']}/expire", headers=alice.headers)
    assert again.status_code == 200 and again.json()["ends_at"] == expired.json()["ends_at"]


def test_a_silence_of_a_source_silences_only_it(
    client: TestClient, session: Session, alice: Person, source: AlertSource, send: Send
) -> None:
    other = make_source(session, kind="generic")
    session.commit()
    made = created(silence(client, alice, source_ids=[other.id], kind="maintenance"))
    assert made["kind"] == "maintenance" and made["source_ids"] == [other.id]
    assert send(other, "a")["silence_id"] == made["id"]
    assert send(source, "a")["silence_id"] is None


def test_a_silence_that_starts_later_silences_nothing_yet(
    client: TestClient, alice: Person, source: AlertSource, send: Send
) -> None:
    later = now() + timedelta(hours=1)
    created(
        silence(
            client,
            alice,
            matchers=['team="payments"'],
            starts_at=iso(later),
            ends_at=iso(later + timedelta(hours=1)),
        )
    )
    assert send(source, "a", team="payments")["silence_id"] is None


def test_viewers_cannot_silence(client: TestClient, alice: Person, viewer: Person) -> None:
    error_of(silence(client, viewer, matchers=['team="a"']), 403, "forbidden")
    made = created(silence(client, alice, matchers=['team="a"']))
    error_of(client.post(f"{SILENCES}/{made['id']}/expire", headers=viewer.headers), 403)
    [still] = client.get(SILENCES, headers=viewer.headers).json()
    assert still["ends_at"] == made["ends_at"]
    error_of(client.post(f"{SILENCES}/999999/expire", headers=alice.headers), 404)


def test_silences_are_audited(client: TestClient, admin: Person, alice: Person) -> None:
    made = created(silence(client, alice, matchers=['team="a"']))
    client.post(f"{SILENCES}/{made['id']}/expire", headers=alice.headers)
    records = audit(client, admin, subject_type="alert_silence")
    assert [r["action"] for r in records] == ["alert_silence:expire", "alert_silence:create"]
    assert {r["actor_id"] for r in records} == {alice.user.id}


def test_a_silence_that_has_not_started_can_be_called_off(
    client: TestClient, alice: Person, viewer: Person, source: AlertSource, send: Send
) -> None:
    """Expiring a planned maintenance window before it starts calls it off: it is no longer
    among the current and coming silences, and silences nothing when its start comes."""
    later = now() + timedelta(hours=1)
    made = created(
        silence(
            client,
            alice,
            kind="maintenance",
            matchers=['team="payments"'],
            starts_at=iso(later),
            ends_at=iso(later + timedelta(hours=2)),
        )
    )
    expired = client.post(f"{SILENCES}/{made['id']}/expire", headers=alice.headers)
    assert expired.status_code == 200, expired.text
    assert datetime.fromisoformat(expired.json()["ends_at"]) <= now()
    assert client.get(SILENCES, headers=viewer.headers).json() == []
    every = client.get(SILENCES, params={"include_expired": True}, headers=viewer.headers).json()
    assert [s["id"] for s in every] == [made["id"]]
    assert send(source, "a", team="payments")["silence_id"] is None
