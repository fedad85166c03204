"""Incident routes: declare, read, change, move, timestamps, participants."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import Person, an_admin, make_incident, make_service

from watchkeep.core.clock import utcnow
from watchkeep.incident import customfields, updates
from watchkeep.incident.models import CustomFieldValue, Incident, RoleAssignment, TimelineEntry

BASE = "/api/v1/incidents"


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    assert set(error) == {"code", "message", "details"}
    return error


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def stored(session: Session) -> dict[str, int]:
    session.expire_all()
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Incident, TimelineEntry, RoleAssignment, CustomFieldValue)
    }


# --- declare ---------------------------------------------------------------------------------


def test_declare_returns_the_full_incident(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    api = make_service(session, "api")
    customfields.create_field(
        session,
        actor=an_admin(session),
        now=utcnow(),
        name="Region",
        kind="single_select",
        options=["eu", "us"],
    )
    session.commit()
    response = client.post(
        BASE,
        json={
            "title": "Checkout is down",
            "summary": "500s on /pay",
            "severity": "SEV1",
            "incident_type": "Customer-facing",
            "service_ids": [api.id],
            "custom_fields": {"Region": "eu"},
            "lead_id": bob.user.id,
        },
        headers=alice.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert re.fullmatch(r"INC-[1-9][0-9]*", body["reference"])
    assert {k: body[k] for k in ("title", "summary", "status", "category", "private")} == {
        "title": "Checkout is down",
        "summary": "500s on /pay",
        "status": "investigating",
        "category": "live",
        "private": False,
    }
    assert body["severity"]["name"] == "SEV1"
    assert body["type"]["name"] == "Customer-facing"
    assert body["services"] == [{"id": api.id, "name": "api"}]
    assert body["custom_fields"] == {"Region": "eu"}
    assert body["reporter"] == {"id": alice.user.id, "name": "Alice"}
    assert {(r["role"], r["user"]["id"]) for r in body["roles"]} == {
        ("lead", bob.user.id),
        ("reporter", alice.user.id),
    }
    assert body["allowed_next"] == ["fixing", "monitoring", "resolved"]
    assert body["timestamps"]["declared_at"] == body["declared_at"]
    assert body["timestamps"]["acknowledged_at"] is not None
    assert body["timestamps"]["resolved_at"] is None
    assert body["timestamp_sources"]["declared_at"] == "auto"
    assert body["durations"]["time_to_acknowledge"] == 0.0
    assert (body["merged_into"], body["merged"], body["update_overdue"]) == (None, [], False)


def test_references_increase_with_each_declaration(client: TestClient, declare: Any) -> None:
    numbers = [int(declare()["reference"].removeprefix("INC-")) for _ in range(3)]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_declaring_in_triage(client: TestClient, declare: Any) -> None:
    body = declare(status="triage")
    assert (body["status"], body["category"]) == ("triage", "triage")
    assert body["timestamps"]["acknowledged_at"] is None
    assert "merged" in body["allowed_next"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"severity": "SEV1"}, "title"),
        ({"title": "x"}, "severity"),
        ({"title": "", "severity": "SEV1"}, "title"),
        ({"title": "x", "severity": "SEV1", "status": "burning"}, "status"),
        ({"title": "x", "severity": "SEV1", "service_ids": "api"}, "service_ids"),
        ({"title": "x", "severity": "SEV1", "impact_started_at": "2026-01-01T10:00:00"}, "impact"),
        ({"title": "x", "severity": "SEV1", "colour": "red"}, "colour"),
    ],
    ids=["no-title", "no-severity", "empty-title", "status", "services", "naive-time", "extra"],
)
def test_a_malformed_body_is_422_naming_the_field(
    client: TestClient, session: Session, alice: Person, body: dict[str, Any], field: str
) -> None:
    before = stored(session)
    error = error_of(client.post(BASE, json=body, headers=alice.headers), 422, "invalid")
    assert field in error["message"]
    assert error["details"]["errors"]
    assert stored(session) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "  ", "severity": "SEV1"}, "title"),
        ({"title": "x", "severity": "SEV9"}, "severity"),
        ({"title": "x", "severity": "SEV1", "service_ids": [987654]}, "service_ids"),
        ({"title": "x", "severity": "SEV1", "status": "closed"}, "status"),
        ({"title": "x", "severity": "SEV1", "custom_fields": {"Region": "mars"}}, "custom_fields"),
        ({"title": "x", "severity": "SEV1", "impact_started_at": "2999-01-01T00:00:00Z"}, "impact"),
    ],
    ids=["blank-title", "severity", "service", "status", "custom-field", "future-impact"],
)
def test_an_invalid_declaration_is_422_naming_the_field_and_stores_nothing(
    client: TestClient, session: Session, alice: Person, body: dict[str, Any], field: str
) -> None:
    customfields.create_field(
        session,
        actor=an_admin(session),
        now=utcnow(),
        name="Region",
        kind="single_select",
        options=["eu", "us"],
    )
    session.commit()
    before = stored(session)
    error = error_of(client.post(BASE, json=body, headers=alice.headers), 422, "invalid")
    assert error["details"]["field"].startswith(field)
    assert stored(session) == before
    assert client.get(BASE, headers=alice.headers).json()["items"] == []


def test_a_missing_required_custom_field_is_422(
    client: TestClient, session: Session, alice: Person
) -> None:
    customfields.create_field(
        session,
        actor=an_admin(session),
        now=utcnow(),
        name="Customer",
        kind="text",
        required_at_declare=True,
    )
    session.commit()
    error = error_of(
        client.post(BASE, json={"title": "x", "severity": "SEV1"}, headers=alice.headers),
        422,
        "invalid",
    )
    assert error["details"]["field"] == "custom_fields"
    assert "Customer" in error["message"]
    ok = client.post(
        BASE,
        json={"title": "x", "severity": "SEV1", "custom_fields": {"Customer": "ACME"}},
        headers=alice.headers,
    )
    assert ok.status_code == 201
    assert ok.json()["custom_fields"] == {"Customer": "ACME"}


def test_an_unknown_custom_field_is_422(
    client: TestClient, session: Session, alice: Person
) -> None:
    before = stored(session)
    body = {"title": "x", "severity": "SEV1", "custom_fields": {"Nonexistent": "1"}}
    error = error_of(client.post(BASE, json=body, headers=alice.headers), 422, "invalid")
    assert "Nonexistent" in error["message"]
    assert stored(session) == before


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"incident_type": "Volcano"}, "incident_type"), ({"lead_id": 987654}, "lead_id")],
)
def test_bad_type_or_lead_is_422_naming_the_body_field(
    client: TestClient, alice: Person, extra: dict[str, Any], field: str
) -> None:
    body = {"title": "x", "severity": "SEV1", **extra}
    error = error_of(client.post(BASE, json=body, headers=alice.headers), 422, "invalid")
    assert error["details"]["field"] == field


@pytest.mark.parametrize(
    "extra",
    [{"incident_type": "Volcano"}, {"lead_id": 987654}],
    ids=["type", "lead"],
)
def test_bad_type_or_lead_is_422_and_stores_nothing(
    client: TestClient, session: Session, alice: Person, extra: dict[str, Any]
) -> None:
    before = stored(session)
    body = {"title": "x", "severity": "SEV1", **extra}
    error_of(client.post(BASE, json=body, headers=alice.headers), 422, "invalid")
    assert stored(session) == before


# --- read ------------------------------------------------------------------------------------


def test_an_incident_is_found_by_any_spelling_of_its_reference(
    client: TestClient, declare: Any, alice: Person
) -> None:
    reference = declare(title="Spelling")["reference"]
    number = reference.removeprefix("INC-")
    for ref in (reference, reference.lower(), number):
        response = client.get(f"{BASE}/{ref}", headers=alice.headers)
        assert response.status_code == 200
        assert response.json()["title"] == "Spelling"


@pytest.mark.parametrize("ref", ["INC-987654", "987654", "banana"])
def test_an_unknown_incident_is_404(client: TestClient, alice: Person, ref: str) -> None:
    error_of(client.get(f"{BASE}/{ref}", headers=alice.headers), 404, "not_found")


def test_an_overdue_update_shows_on_the_incident(
    client: TestClient, session: Session, alice: Person
) -> None:
    incident = make_incident(session, alice)
    updates.post(
        session,
        incident=incident,
        actor=alice.actor,
        message="first",
        next_update_in_minutes=5,
        now=utcnow() - timedelta(minutes=10),
    )
    session.commit()
    assert client.get(f"{BASE}/{incident.reference}", headers=alice.headers).json()[
        "update_overdue"
    ]


# --- change ----------------------------------------------------------------------------------


def test_patch_changes_fields_and_records_each_change(
    client: TestClient, declare: Any, alice: Person
) -> None:
    ref = declare(title="Slow", severity="SEV3")["reference"]
    response = client.patch(
        f"{BASE}/{ref}",
        json={"title": "Very slow", "severity": "SEV2", "private": True},
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["title"], body["severity"]["name"], body["private"]) == ("Very slow", "SEV2", True)
    entries = client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()
    changes = {e["kind"]: e["payload"] for e in entries if e["kind"].endswith("_changed")}
    assert changes == {
        "title_changed": {"old": "Slow", "new": "Very slow"},
        "severity_changed": {"old": "SEV3", "new": "SEV2"},
        "visibility_changed": {"old": False, "new": True},
    }
    assert all(
        e["actor"] == {"id": alice.user.id, "name": "Alice"}
        for e in entries
        if e["kind"].endswith("_changed")
    )


def test_patch_with_nothing_changes_nothing(
    client: TestClient, declare: Any, alice: Person
) -> None:
    ref = declare()["reference"]
    before = client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()
    assert client.patch(f"{BASE}/{ref}", json={}, headers=alice.headers).status_code == 200
    assert client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"severity": "SEV9"}, "severity"),
        ({"title": ""}, "title"),
        ({"reporter_id": 1}, "reporter_id"),
        ({"service_ids": [987654]}, "service_ids"),
    ],
)
def test_a_bad_patch_is_422_and_changes_nothing(
    client: TestClient, declare: Any, alice: Person, body: dict[str, Any], field: str
) -> None:
    incident = declare(title="Unchanged")
    response = client.patch(
        f"{BASE}/{incident['reference']}",
        json={"summary": "changed", **body},
        headers=alice.headers,
    )
    error = error_of(response, 422, "invalid")
    assert field in error["message"] or error["details"].get("field") == field
    after = client.get(f"{BASE}/{incident['reference']}", headers=alice.headers).json()
    assert (after["title"], after["summary"]) == ("Unchanged", "")
    timeline = client.get(f"{BASE}/{incident['reference']}/timeline", headers=alice.headers)
    assert "summary_changed" not in [e["kind"] for e in timeline.json()]


def test_patching_an_unknown_incident_is_404(client: TestClient, alice: Person) -> None:
    error_of(
        client.patch(f"{BASE}/INC-987654", json={"title": "x"}, headers=alice.headers),
        404,
        "not_found",
    )


# --- transitions -----------------------------------------------------------------------------


def test_transitions_move_the_incident_and_stamp_times(
    client: TestClient, declare: Any, alice: Person
) -> None:
    ref = declare(status="triage")["reference"]
    for status in ("investigating", "monitoring", "resolved"):
        response = client.post(
            f"{BASE}/{ref}/transition", json={"status": status}, headers=alice.headers
        )
        assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["category"]) == ("resolved", "post_incident")
    stamps = body["timestamps"]
    assert stamps["acknowledged_at"] <= stamps["mitigated_at"] <= stamps["resolved_at"]
    assert body["resolved_at"] == stamps["resolved_at"]
    assert body["allowed_next"] == ["closed", "documenting", "investigating"]
    kinds = [
        (e["payload"]["old"], e["payload"]["new"])
        for e in client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()
        if e["kind"] == "status_changed"
    ]
    assert kinds == [
        ("triage", "investigating"),
        ("investigating", "monitoring"),
        ("monitoring", "resolved"),
    ]


def test_an_invalid_transition_is_409_listing_the_allowed_statuses(
    client: TestClient, declare: Any, alice: Person
) -> None:
    ref = declare()["reference"]
    response = client.post(
        f"{BASE}/{ref}/transition", json={"status": "closed"}, headers=alice.headers
    )
    error = error_of(response, 409, "invalid_transition")
    assert error["details"] == {
        "current": "investigating",
        "target": "closed",
        "allowed": ["fixing", "monitoring", "resolved"],
    }
    assert client.get(f"{BASE}/{ref}", headers=alice.headers).json()["status"] == "investigating"


def test_an_unknown_status_is_422(client: TestClient, declare: Any, alice: Person) -> None:
    ref = declare()["reference"]
    response = client.post(
        f"{BASE}/{ref}/transition", json={"status": "done"}, headers=alice.headers
    )
    assert "status" in error_of(response, 422, "invalid")["message"]


def test_merging_through_the_api(client: TestClient, declare: Any, alice: Person) -> None:
    target = declare(title="Checkout down")["reference"]
    source = declare(title="Payments failing", status="triage")["reference"]
    missing = client.post(
        f"{BASE}/{source}/transition", json={"status": "merged"}, headers=alice.headers
    )
    assert error_of(missing, 422, "invalid")["details"] == {"field": "merged_into"}
    merged = client.post(
        f"{BASE}/{source}/transition",
        json={"status": "merged", "merged_into": target},
        headers=alice.headers,
    )
    assert merged.status_code == 200, merged.text
    assert (merged.json()["status"], merged.json()["merged_into"]) == ("merged", target)
    assert merged.json()["allowed_next"] == []
    shown = client.get(f"{BASE}/{target}", headers=alice.headers).json()
    assert shown["merged"] == [source]
    kinds = [
        e["kind"] for e in client.get(f"{BASE}/{target}/timeline", headers=alice.headers).json()
    ]
    assert "incident_merged" in kinds


def test_merging_into_an_unknown_incident_is_404(
    client: TestClient, declare: Any, alice: Person
) -> None:
    source = declare(status="triage")["reference"]
    response = client.post(
        f"{BASE}/{source}/transition",
        json={"status": "merged", "merged_into": "INC-987654"},
        headers=alice.headers,
    )
    error_of(response, 404, "not_found")
    assert client.get(f"{BASE}/{source}", headers=alice.headers).json()["status"] == "triage"


# --- timestamps ------------------------------------------------------------------------------


def test_setting_a_timestamp_by_hand(client: TestClient, declare: Any, alice: Person) -> None:
    ref = declare()["reference"]
    response = client.put(
        f"{BASE}/{ref}/timestamps",
        json={"name": "impact_started_at", "value": "2026-01-05T08:30:00+01:00"},
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert instant(body["timestamps"]["impact_started_at"]) == datetime(
        2026, 1, 5, 7, 30, tzinfo=UTC
    )
    assert body["timestamp_sources"]["impact_started_at"] == "manual"
    entry = client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()[-1]
    assert entry["kind"] == "timestamp_changed"
    assert entry["payload"] == {
        "old": None,
        "new": "2026-01-05T07:30:00Z",
        "timestamp": "impact_started_at",
    }


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"name": "lunch_at", "value": "2026-01-05T08:30:00Z"}, "lunch_at"),
        ({"name": "declared_at", "value": None}, "declared_at"),
        ({"name": "resolved_at", "value": "2026-01-05T08:30:00"}, "value"),
        ({"name": "resolved_at"}, "value"),
        ({"name": "resolved_at", "value": "2020-01-01T00:00:00Z"}, "before the declared time"),
        ({"name": "mitigated_at", "value": "2099-01-01T00:00:00Z"}, "must not be in the future"),
    ],
    ids=["unknown-name", "clear-declared", "naive", "missing-value", "before", "future"],
)
def test_bad_timestamps_are_422(
    client: TestClient, declare: Any, alice: Person, body: dict[str, Any], needle: str
) -> None:
    incident = declare()
    response = client.put(
        f"{BASE}/{incident['reference']}/timestamps", json=body, headers=alice.headers
    )
    error = error_of(response, 422, "invalid")
    assert needle in error["message"]
    after = client.get(f"{BASE}/{incident['reference']}", headers=alice.headers).json()
    assert after["timestamps"] == incident["timestamps"]


# --- participants ----------------------------------------------------------------------------


def test_adding_a_participant_records_it(
    client: TestClient, declare: Any, alice: Person, bob: Person
) -> None:
    ref = declare()["reference"]
    response = client.post(
        f"{BASE}/{ref}/participants", json={"user_id": bob.user.id}, headers=alice.headers
    )
    assert response.status_code == 204
    entry = client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()[-1]
    assert (entry["kind"], entry["payload"]) == ("participant_added", {"user_id": bob.user.id})


def test_adding_an_unknown_participant_is_422(
    client: TestClient, declare: Any, alice: Person
) -> None:
    ref = declare()["reference"]
    response = client.post(
        f"{BASE}/{ref}/participants", json={"user_id": 987654}, headers=alice.headers
    )
    error_of(response, 422, "invalid")


def test_merged_into_does_not_reveal_a_private_target(
    client: TestClient, declare: Any, alice: Person, bob: Person
) -> None:
    target = declare(title="Breach", incident_type="Security")["reference"]
    source = declare(title="Odd logins", status="triage")["reference"]
    merged = client.post(
        f"{BASE}/{source}/transition",
        json={"status": "merged", "merged_into": target},
        headers=alice.headers,
    )
    assert merged.json()["merged_into"] == target
    error_of(client.get(f"{BASE}/{target}", headers=bob.headers), 404, "not_found")
    assert client.get(f"{BASE}/{source}", headers=bob.headers).json()["merged_into"] is None
