"""Routes under an incident: roles, timeline, status updates and follow-ups."""

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person

from watchkeep.core.clock import utcnow
from watchkeep.jobs.models import Job

BASE = "/api/v1/incidents"


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    return error


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def ref(declare: Any) -> str:
    reference: str = declare(title="Checkout down", severity="SEV1")["reference"]
    return reference


# --- roles -----------------------------------------------------------------------------------


def test_assigning_replacing_and_unassigning_roles(
    client: TestClient, ref: str, alice: Person, bob: Person
) -> None:
    def held(body: dict[str, Any]) -> dict[str, int]:
        return {r["role"]: r["user"]["id"] for r in body["roles"]}

    comms = client.put(
        f"{BASE}/{ref}/roles/comms", json={"user_id": bob.user.id}, headers=alice.headers
    )
    assert comms.status_code == 200, comms.text
    assert held(comms.json()) == {
        "lead": alice.user.id,
        "reporter": alice.user.id,
        "comms": bob.user.id,
    }
    lead = client.put(
        f"{BASE}/{ref}/roles/lead", json={"user_id": bob.user.id}, headers=alice.headers
    )
    assert held(lead.json())["lead"] == bob.user.id
    names = {r["role"]: r["name"] for r in lead.json()["roles"]}
    assert names["comms"] == "Communications lead"
    gone = client.delete(f"{BASE}/{ref}/roles/comms", headers=alice.headers)
    assert gone.status_code == 200
    assert "comms" not in held(gone.json())
    entries = client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()
    assert [
        (e["kind"], e["payload"]["role"], e["payload"]["old"], e["payload"]["new"])
        for e in entries
        if e["kind"].startswith("role_")
    ][-3:] == [
        ("role_assigned", "comms", None, "Bob"),
        ("role_assigned", "lead", "Alice", "Bob"),
        ("role_unassigned", "comms", "Bob", None),
    ]


def test_a_custom_role_can_be_assigned(
    client: TestClient, ref: str, alice: Person, bob: Person, admin: Person
) -> None:
    created = client.post(
        "/api/v1/role-types", json={"name": "Customer liaison"}, headers=admin.headers
    )
    assert created.status_code == 201
    slug = created.json()["slug"]
    assert slug == "customer-liaison"
    response = client.put(
        f"{BASE}/{ref}/roles/{slug}", json={"user_id": bob.user.id}, headers=alice.headers
    )
    assert response.status_code == 200
    (role,) = [r for r in response.json()["roles"] if r["role"] == slug]
    assert (role["name"], role["user"]) == ("Customer liaison", {"id": bob.user.id, "name": "Bob"})


def test_role_errors(client: TestClient, ref: str, alice: Person) -> None:
    unknown_role = client.put(
        f"{BASE}/{ref}/roles/captain", json={"user_id": alice.user.id}, headers=alice.headers
    )
    assert error_of(unknown_role, 422, "invalid")["details"] == {"field": "role"}
    unknown_user = client.put(
        f"{BASE}/{ref}/roles/comms", json={"user_id": 987654}, headers=alice.headers
    )
    assert error_of(unknown_user, 422, "invalid")["details"] == {"field": "user_id"}
    no_body = client.put(f"{BASE}/{ref}/roles/comms", json={}, headers=alice.headers)
    assert "user_id" in error_of(no_body, 422, "invalid")["message"]
    not_held = client.delete(f"{BASE}/{ref}/roles/scribe", headers=alice.headers)
    error_of(not_held, 404, "not_found")


# --- timeline --------------------------------------------------------------------------------


def test_notes_pins_and_audited_edits(
    client: TestClient, ref: str, alice: Person, bob: Person
) -> None:
    url = f"{BASE}/{ref}/timeline"
    added = client.post(url, json={"text": "Rolled back\nv42 to v41"}, headers=alice.headers)
    assert added.status_code == 201, added.text
    note = added.json()
    assert (note["kind"], note["title"], note["description"], note["pinned"], note["edits"]) == (
        "note",
        "Rolled back",
        "v42 to v41",
        False,
        [],
    )
    assert note["actor"] == {"id": alice.user.id, "name": "Alice"}

    edited = client.patch(
        f"{url}/{note['id']}",
        json={"title": "Rolled back deploy", "pinned": True},
        headers=bob.headers,
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert (body["title"], body["pinned"]) == ("Rolled back deploy", True)
    assert [(e["editor_id"], e["before"], e["after"]) for e in body["edits"]] == [
        (bob.user.id, {"title": "Rolled back"}, {"title": "Rolled back deploy"})
    ]
    pinned = client.get(url, params={"pinned": "true"}, headers=alice.headers).json()
    assert [e["id"] for e in pinned] == [note["id"]]
    everything = client.get(url, headers=alice.headers).json()
    assert everything[0]["kind"] == "declared"
    assert note["id"] in [e["id"] for e in everything]

    unpinned = client.patch(f"{url}/{note['id']}", json={"pinned": False}, headers=alice.headers)
    assert unpinned.json()["pinned"] is False
    assert len(unpinned.json()["edits"]) == 1  # pinning is not an edit of what was said
    assert client.get(url, params={"pinned": "true"}, headers=alice.headers).json() == []


def test_a_note_may_be_dated_in_the_past(client: TestClient, ref: str, alice: Person) -> None:
    when = (utcnow() - timedelta(hours=2)).replace(microsecond=0)
    added = client.post(
        f"{BASE}/{ref}/timeline",
        json={"text": "First alert fired", "occurred_at": when.isoformat()},
        headers=alice.headers,
    )
    assert instant(added.json()["occurred_at"]) == when
    entries = client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()
    assert entries[0]["id"] == added.json()["id"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"note": "x"}, "text"),
        ({"text": "x", "occurred_at": "2026-01-01T00:00:00"}, "occurred_at"),
        # Outside the incident's life: long before it began, or in the future.
        ({"text": "x", "occurred_at": "2019-05-01T00:00:00Z"}, "occurred_at"),
        ({"text": "x", "occurred_at": "2099-05-01T00:00:00Z"}, "occurred_at"),
    ],
)
def test_bad_notes_are_422(
    client: TestClient, ref: str, alice: Person, body: dict[str, Any], needle: str
) -> None:
    before = client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()
    error = error_of(
        client.post(f"{BASE}/{ref}/timeline", json=body, headers=alice.headers), 422, "invalid"
    )
    assert needle in error["message"] or error["details"].get("field") == needle
    assert client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json() == before


def test_editing_an_unknown_entry_is_404(
    client: TestClient, ref: str, declare: Any, alice: Person
) -> None:
    other = declare()["reference"]
    entry = client.post(
        f"{BASE}/{other}/timeline", json={"text": "elsewhere"}, headers=alice.headers
    ).json()
    for entry_id in (entry["id"], 987654):
        error_of(
            client.patch(
                f"{BASE}/{ref}/timeline/{entry_id}", json={"title": "x"}, headers=alice.headers
            ),
            404,
            "not_found",
        )
    blank = client.patch(
        f"{BASE}/{other}/timeline/{entry['id']}", json={"title": " "}, headers=alice.headers
    )
    assert error_of(blank, 422, "invalid")["details"] == {"field": "title"}


# --- status updates --------------------------------------------------------------------------


def test_posting_an_update_schedules_the_next(
    client: TestClient, session: Session, ref: str, alice: Person
) -> None:
    before = utcnow()
    posted = client.post(
        f"{BASE}/{ref}/updates",
        json={"message": "We are on it", "next_update_in_minutes": 20},
        headers=alice.headers,
    )
    assert posted.status_code == 201, posted.text
    update = posted.json()
    assert (update["message"], update["status"], update["severity"]) == (
        "We are on it",
        "investigating",
        "SEV1",
    )
    assert update["author"] == {"id": alice.user.id, "name": "Alice"}
    due = instant(update["next_update_at"])
    assert before + timedelta(minutes=20) <= due <= utcnow() + timedelta(minutes=20)
    incident = client.get(f"{BASE}/{ref}", headers=alice.headers).json()
    assert instant(incident["next_update_at"]) == due
    assert incident["update_overdue"] is False

    session.expire_all()
    jobs = session.scalars(select(Job).where(Job.kind == "incident.update_due").order_by(Job.id))
    declared, job = jobs.all()  # the first update's reminder, set by declaring, then this one
    assert declared.idempotency_key == f"incident.update_due:declared:{incident['id']}"
    assert job.due_at == due
    assert job.idempotency_key == f"incident.update_due:{update['id']}"
    assert job.payload == {"incident_id": incident["id"], "due_at": due.isoformat()}

    listed = client.get(f"{BASE}/{ref}/updates", headers=alice.headers).json()
    assert [u["id"] for u in listed] == [update["id"]]


def test_the_default_interval_is_thirty_minutes(
    client: TestClient, ref: str, alice: Person
) -> None:
    update = client.post(
        f"{BASE}/{ref}/updates", json={"message": "hi"}, headers=alice.headers
    ).json()
    assert instant(update["next_update_at"]) - instant(update["created_at"]) == timedelta(
        minutes=30
    )


def test_an_update_can_resolve(client: TestClient, ref: str, alice: Person) -> None:
    update = client.post(
        f"{BASE}/{ref}/updates",
        json={"message": "Fixed", "status": "resolved"},
        headers=alice.headers,
    )
    assert update.status_code == 201
    assert (update.json()["status"], update.json()["next_update_at"]) == ("resolved", None)
    incident = client.get(f"{BASE}/{ref}", headers=alice.headers).json()
    assert (incident["status"], incident["next_update_at"]) == ("resolved", None)


def test_an_update_with_an_impossible_status_is_409(
    client: TestClient, ref: str, alice: Person
) -> None:
    response = client.post(
        f"{BASE}/{ref}/updates", json={"message": "done", "status": "closed"}, headers=alice.headers
    )
    assert error_of(response, 409, "invalid_transition")["details"]["allowed"] == [
        "fixing",
        "monitoring",
        "resolved",
    ]
    assert client.get(f"{BASE}/{ref}/updates", headers=alice.headers).json() == []


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"message": ""}, "message"),
        ({"message": "  "}, "message"),
        ({"message": "x", "next_update_in_minutes": 0}, "next_update_in_minutes"),
        ({"message": "x", "next_update_in_minutes": 10081}, "next_update_in_minutes"),
    ],
)
def test_bad_updates_are_422(
    client: TestClient, ref: str, alice: Person, body: dict[str, Any], needle: str
) -> None:
    error = error_of(
        client.post(f"{BASE}/{ref}/updates", json=body, headers=alice.headers), 422, "invalid"
    )
    assert needle in error["message"] or error["details"].get("field") == needle
    assert client.get(f"{BASE}/{ref}/updates", headers=alice.headers).json() == []


# --- follow-ups ------------------------------------------------------------------------------


def test_follow_ups_are_created_edited_and_closed(
    client: TestClient, ref: str, alice: Person, bob: Person
) -> None:
    url = f"{BASE}/{ref}/follow-ups"
    created = client.post(
        url,
        json={
            "title": "Add canary",
            "owner_id": bob.user.id,
            "priority": "high",
            "due_at": "2026-03-01T12:00:00Z",
        },
        headers=alice.headers,
    )
    assert created.status_code == 201, created.text
    follow_up = created.json()
    assert {
        k: follow_up[k]
        for k in ("incident", "title", "priority", "status", "not_doing_reason", "completed_at")
    } == {
        "incident": ref,
        "title": "Add canary",
        "priority": "high",
        "status": "outstanding",
        "not_doing_reason": "",
        "completed_at": None,
    }
    assert follow_up["owner"] == {"id": bob.user.id, "name": "Bob"}
    assert instant(follow_up["due_at"]) == instant("2026-03-01T12:00:00Z")

    done = client.patch(
        f"{url}/{follow_up['id']}", json={"status": "completed"}, headers=bob.headers
    )
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    assert done.json()["completed_at"] is not None
    assert [f["id"] for f in client.get(url, headers=alice.headers).json()] == [follow_up["id"]]
    kinds = [e["kind"] for e in client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()]
    assert kinds.count("follow_up_created") == 1
    assert kinds.count("follow_up_status") == 1


def test_not_doing_a_follow_up_needs_a_reason(client: TestClient, ref: str, alice: Person) -> None:
    url = f"{BASE}/{ref}/follow-ups"
    follow_up = client.post(url, json={"title": "Rewrite in Rust"}, headers=alice.headers).json()
    refused = client.patch(
        f"{url}/{follow_up['id']}", json={"status": "not_doing"}, headers=alice.headers
    )
    assert error_of(refused, 422, "invalid")["details"] == {"field": "not_doing_reason"}
    assert client.get(url, headers=alice.headers).json()[0]["status"] == "outstanding"
    accepted = client.patch(
        f"{url}/{follow_up['id']}",
        json={"status": "not_doing", "not_doing_reason": "Not worth it"},
        headers=alice.headers,
    )
    assert (accepted.json()["status"], accepted.json()["not_doing_reason"]) == (
        "not_doing",
        "Not worth it",
    )


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({}, "title"),
        ({"title": "x", "priority": "whenever"}, "priority"),
        ({"title": "x", "owner_id": 987654}, "owner_id"),
        ({"title": "x", "due_at": "2026-03-01T12:00:00"}, "due_at"),
    ],
)
def test_bad_follow_ups_are_422(
    client: TestClient, ref: str, alice: Person, body: dict[str, Any], needle: str
) -> None:
    url = f"{BASE}/{ref}/follow-ups"
    error = error_of(client.post(url, json=body, headers=alice.headers), 422, "invalid")
    assert needle in error["message"] or error["details"].get("field") == needle
    assert client.get(url, headers=alice.headers).json() == []


def test_a_follow_up_of_another_incident_is_404(
    client: TestClient, ref: str, declare: Any, alice: Person
) -> None:
    other = declare()["reference"]
    follow_up = client.post(
        f"{BASE}/{other}/follow-ups", json={"title": "x"}, headers=alice.headers
    ).json()
    for follow_up_id in (follow_up["id"], 987654):
        response = client.patch(
            f"{BASE}/{ref}/follow-ups/{follow_up_id}", json={"title": "y"}, headers=alice.headers
        )
        error_of(response, 404, "not_found")
    assert client.get(f"{BASE}/{other}/follow-ups", headers=alice.headers).json()[0]["title"] == "x"


def test_follow_ups_across_incidents_filter(
    client: TestClient, declare: Any, alice: Person, bob: Person
) -> None:
    first, second = declare()["reference"], declare()["reference"]

    def post(ref: str, **body: Any) -> dict[str, Any]:
        response = client.post(f"{BASE}/{ref}/follow-ups", json=body, headers=alice.headers)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    a = post(first, title="a", priority="urgent")
    post(second, title="b", owner_id=bob.user.id)
    c = post(second, title="c", owner_id=bob.user.id, priority="low")
    client.patch(
        f"{BASE}/{second}/follow-ups/{c['id']}", json={"status": "completed"}, headers=alice.headers
    )

    def titles(**params: Any) -> list[str]:
        response = client.get("/api/v1/follow-ups", params=params, headers=alice.headers)
        assert response.status_code == 200, response.text
        return sorted(f["title"] for f in response.json())

    assert titles() == ["a", "b", "c"]
    assert titles(status="outstanding") == ["a", "b"]
    assert titles(owner_id=bob.user.id) == ["b", "c"]
    assert titles(priority="urgent") == ["a"]
    assert titles(owner_id=bob.user.id, status="completed") == ["c"]
    pages = [
        client.get(
            "/api/v1/follow-ups", params={"limit": 1, "offset": n}, headers=alice.headers
        ).json()
        for n in range(4)
    ]
    assert [len(page) for page in pages] == [1, 1, 1, 0]
    assert sorted(page[0]["title"] for page in pages[:3]) == ["a", "b", "c"]
    row = next(
        f
        for f in client.get("/api/v1/follow-ups", headers=alice.headers).json()
        if f["id"] == a["id"]
    )
    assert row["incident"] == first
    for params in ({"status": "done"}, {"priority": "asap"}, {"limit": 0}):
        error_of(
            client.get("/api/v1/follow-ups", params=params, headers=alice.headers), 422, "invalid"
        )
