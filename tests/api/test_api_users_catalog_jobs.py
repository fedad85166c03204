"""Users, API tokens, teams, services and jobs through the API."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person

from watchkeep.jobs.models import DEAD, Job

NOW = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    return error


# --- users -----------------------------------------------------------------------------------


def test_who_am_i(client: TestClient, alice: Person) -> None:
    me = client.get("/api/v1/users/me", headers=alice.headers)
    assert me.json() == {
        "id": alice.user.id,
        "email": alice.user.email,
        "name": "Alice",
        "role": "responder",
        "timezone": "UTC",
        "is_active": True,
    }


def test_users_are_listed_by_name(
    client: TestClient, alice: Person, bob: Person, viewer: Person
) -> None:
    users = client.get("/api/v1/users", headers=viewer.headers).json()
    assert [u["name"] for u in users] == ["Alice", "Bob", "Vera Viewer"]
    assert all("password" not in key for u in users for key in u)


def test_an_admin_creates_users(client: TestClient, admin: Person) -> None:
    created = client.post(
        "/api/v1/users",
        json={
            "email": "new@example.com",
            "name": "Newton",
            "role": "viewer",
            "password": "long enough",
        },
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert {k: body[k] for k in ("email", "name", "role", "is_active")} == {
        "email": "new@example.com",
        "name": "Newton",
        "role": "viewer",
        "is_active": True,
    }
    assert "password" not in body
    assert "password_hash" not in body


@pytest.mark.parametrize(
    ("body", "status", "code", "needle"),
    [
        ({"email": "ALICE@example.com", "name": "Dup"}, 409, "conflict", "email"),
        ({"email": "x@example.com", "name": "X", "role": "owner"}, 422, "invalid", "role"),
        ({"email": "x@example.com", "name": "X", "password": "short"}, 422, "invalid", "password"),
        ({"email": "no-at-sign", "name": "X"}, 422, "invalid", "email"),
        ({"name": "X"}, 422, "invalid", "email"),
    ],
)
def test_bad_users(
    client: TestClient,
    admin: Person,
    alice: Person,
    body: dict[str, Any],
    status: int,
    code: str,
    needle: str,
) -> None:
    if body["name"] == "Dup":
        body = {**body, "email": alice.user.email.upper()}
    error = error_of(client.post("/api/v1/users", json=body, headers=admin.headers), status, code)
    assert needle in error["message"] or error["details"].get("field") == needle
    assert len(client.get("/api/v1/users", headers=admin.headers).json()) == 2


# --- tokens ----------------------------------------------------------------------------------


def test_token_create_list_use_and_revoke(client: TestClient, alice: Person) -> None:
    created = client.post("/api/v1/tokens", json={"name": "ci"}, headers=alice.headers)
    assert created.status_code == 201, created.text
    token = created.json()
    secret = token["token"]
    assert (token["name"], token["role"], token["user_id"], token["revoked_at"]) == (
        "ci",
        "responder",
        alice.user.id,
        None,
    )
    assert secret.startswith(token["prefix"])
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/users/me", headers=headers).json()["id"] == alice.user.id

    listed = client.get("/api/v1/tokens", headers=alice.headers).json()
    assert [t["name"] for t in listed] == ["test", "ci"]
    assert all("token" not in t for t in listed)
    assert next(t for t in listed if t["name"] == "ci")["last_used_at"] is not None

    revoked = client.delete(f"/api/v1/tokens/{token['id']}", headers=alice.headers)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    error = error_of(client.get("/api/v1/users/me", headers=headers), 401, "unauthorized")
    assert "revoked" in error["message"]
    # The other token still works.
    assert client.get("/api/v1/users/me", headers=alice.headers).status_code == 200


def test_a_token_never_has_more_rights_than_its_user(client: TestClient, alice: Person) -> None:
    token = client.post(
        "/api/v1/tokens", json={"name": "root", "role": "admin"}, headers=alice.headers
    ).json()
    assert token["role"] == "responder"
    headers = {"Authorization": f"Bearer {token['token']}"}
    error_of(
        client.post("/api/v1/services", json={"name": "api"}, headers=headers), 403, "forbidden"
    )


def test_a_read_only_token_cannot_declare(client: TestClient, alice: Person) -> None:
    token = client.post(
        "/api/v1/tokens", json={"name": "dash", "role": "viewer"}, headers=alice.headers
    ).json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    assert client.get("/api/v1/incidents", headers=headers).status_code == 200
    error_of(
        client.post("/api/v1/incidents", json={"title": "x", "severity": "SEV1"}, headers=headers),
        403,
        "forbidden",
    )


def test_tokens_of_others(client: TestClient, alice: Person, bob: Person, admin: Person) -> None:
    bobs = client.get("/api/v1/tokens", headers=bob.headers).json()
    assert {t["user_id"] for t in bobs} == {bob.user.id}
    everyone = client.get("/api/v1/tokens", headers=admin.headers).json()
    assert {t["user_id"] for t in everyone} >= {alice.user.id, bob.user.id, admin.user.id}
    error_of(
        client.delete(f"/api/v1/tokens/{bobs[0]['id']}", headers=alice.headers), 404, "not_found"
    )
    assert client.get("/api/v1/users/me", headers=bob.headers).status_code == 200
    assert (
        client.delete(f"/api/v1/tokens/{bobs[0]['id']}", headers=admin.headers).status_code == 200
    )
    error_of(client.get("/api/v1/users/me", headers=bob.headers), 401, "unauthorized")
    error_of(client.delete("/api/v1/tokens/987654", headers=admin.headers), 404, "not_found")


def test_bad_token_requests(client: TestClient, alice: Person) -> None:
    assert (
        "name"
        in error_of(client.post("/api/v1/tokens", json={}, headers=alice.headers), 422, "invalid")[
            "message"
        ]
    )
    bad_role = client.post(
        "/api/v1/tokens", json={"name": "x", "role": "root"}, headers=alice.headers
    )
    assert error_of(bad_role, 422, "invalid")["details"] == {"field": "role"}


# --- teams and services ----------------------------------------------------------------------


def test_teams_crud(client: TestClient, admin: Person, alice: Person, bob: Person) -> None:
    created = client.post(
        "/api/v1/teams",
        json={"name": "Payments", "member_ids": [alice.user.id]},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    team = created.json()
    assert (team["name"], team["description"], team["member_ids"]) == (
        "Payments",
        "",
        [alice.user.id],
    )
    changed = client.patch(
        f"/api/v1/teams/{team['id']}",
        json={"description": "Money", "member_ids": [bob.user.id, alice.user.id]},
        headers=admin.headers,
    )
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["description"]) == ("Payments", "Money")
    assert sorted(changed.json()["member_ids"]) == sorted([alice.user.id, bob.user.id])
    assert [t["name"] for t in client.get("/api/v1/teams", headers=alice.headers).json()] == [
        "Payments"
    ]


def test_team_errors(client: TestClient, admin: Person, alice: Person) -> None:
    team = client.post("/api/v1/teams", json={"name": "Payments"}, headers=admin.headers).json()
    other = client.post("/api/v1/teams", json={"name": "Search"}, headers=admin.headers).json()
    assert error_of(
        client.post("/api/v1/teams", json={"name": "Payments"}, headers=admin.headers),
        409,
        "conflict",
    )["details"] == {"field": "name"}
    assert error_of(
        client.patch(
            f"/api/v1/teams/{other['id']}", json={"name": "Payments"}, headers=admin.headers
        ),
        409,
        "conflict",
    )
    error_of(
        client.patch("/api/v1/teams/987654", json={"name": "x"}, headers=admin.headers),
        404,
        "not_found",
    )
    members = client.post(
        "/api/v1/teams", json={"name": "Ghosts", "member_ids": [987654]}, headers=admin.headers
    )
    assert error_of(members, 422, "invalid")["details"] == {"field": "member_ids"}
    error_of(
        client.patch(f"/api/v1/teams/{team['id']}", json={"name": "x"}, headers=alice.headers),
        403,
        "forbidden",
    )
    assert [t["name"] for t in client.get("/api/v1/teams", headers=alice.headers).json()] == [
        "Payments",
        "Search",
    ]


def test_services_crud(client: TestClient, admin: Person, alice: Person) -> None:
    team = client.post("/api/v1/teams", json={"name": "Edge"}, headers=admin.headers).json()
    created = client.post(
        "/api/v1/services",
        json={"name": "api", "description": "Public", "owner_team_id": team["id"]},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    service = created.json()
    assert service == {
        "id": service["id"],
        "name": "api",
        "description": "Public",
        "owner_team_id": team["id"],
        "owner_team": "Edge",
        "kind": "internal",
        "runbook": "",
        "runbook_url": None,
        "depends_on_ids": [],
        "depends_on": [],
    }
    assert client.get(f"/api/v1/services/{service['id']}", headers=alice.headers).json() == service
    changed = client.patch(
        f"/api/v1/services/{service['id']}", json={"name": "gateway"}, headers=admin.headers
    )
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["owner_team"]) == ("gateway", "Edge")
    orphaned = client.patch(
        f"/api/v1/services/{service['id']}", json={"owner_team_id": None}, headers=admin.headers
    )
    assert (orphaned.json()["name"], orphaned.json()["owner_team_id"]) == ("gateway", None)
    assert [s["name"] for s in client.get("/api/v1/services", headers=alice.headers).json()] == [
        "gateway"
    ]
    declared = client.post(
        "/api/v1/incidents",
        json={"title": "x", "severity": "SEV2", "service_ids": [service["id"]]},
        headers=alice.headers,
    )
    assert declared.json()["services"] == [{"id": service["id"], "name": "gateway"}]


def test_service_errors(client: TestClient, admin: Person, alice: Person) -> None:
    first = client.post("/api/v1/services", json={"name": "api"}, headers=admin.headers).json()
    second = client.post("/api/v1/services", json={"name": "db"}, headers=admin.headers).json()
    assert error_of(
        client.post("/api/v1/services", json={"name": "api"}, headers=admin.headers),
        409,
        "conflict",
    )["details"] == {"field": "name"}
    error_of(
        client.patch(
            f"/api/v1/services/{second['id']}", json={"name": "api"}, headers=admin.headers
        ),
        409,
        "conflict",
    )
    error_of(client.get("/api/v1/services/987654", headers=alice.headers), 404, "not_found")
    error_of(
        client.patch("/api/v1/services/987654", json={"name": "x"}, headers=admin.headers),
        404,
        "not_found",
    )
    assert (
        "name"
        in error_of(
            client.post("/api/v1/services", json={"name": ""}, headers=admin.headers),
            422,
            "invalid",
        )["message"]
    )
    error_of(
        client.post("/api/v1/services", json={"name": "web"}, headers=alice.headers),
        403,
        "forbidden",
    )
    error_of(
        client.patch(f"/api/v1/services/{first['id']}", json={"name": "x"}, headers=alice.headers),
        403,
        "forbidden",
    )
    assert [s["name"] for s in client.get("/api/v1/services", headers=alice.headers).json()] == [
        "api",
        "db",
    ]


def test_a_service_has_a_kind_a_runbook_and_dependencies(
    client: TestClient, admin: Person, alice: Person
) -> None:
    db = client.post(
        "/api/v1/services", json={"name": "db", "kind": "platform"}, headers=admin.headers
    ).json()
    psp = client.post(
        "/api/v1/services", json={"name": "psp", "kind": "third_party"}, headers=admin.headers
    ).json()
    created = client.post(
        "/api/v1/services",
        json={
            "name": "api",
            "runbook": "# api\nRestart it.",
            "runbook_url": "https://runbooks.example.com/api",
            "depends_on_ids": [psp["id"], db["id"]],
        },
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    api = created.json()
    assert (api["kind"], api["depends_on"], api["depends_on_ids"]) == (
        "internal",
        ["db", "psp"],
        [db["id"], psp["id"]],
    )
    assert api["runbook_url"] == "https://runbooks.example.com/api"
    changed = client.patch(
        f"/api/v1/services/{api['id']}",
        json={"depends_on_ids": [db["id"]], "runbook_url": None, "kind": "platform"},
        headers=admin.headers,
    ).json()
    assert (changed["depends_on"], changed["runbook_url"], changed["kind"]) == (
        ["db"],
        None,
        "platform",
    )
    assert changed["runbook"] == "# api\nRestart it."  # left out: kept
    assert client.get(f"/api/v1/services/{api['id']}", headers=alice.headers).json() == changed


def test_bad_service_kinds_runbooks_and_dependencies(client: TestClient, admin: Person) -> None:
    api = client.post("/api/v1/services", json={"name": "api"}, headers=admin.headers).json()
    path = f"/api/v1/services/{api['id']}"
    itself = error_of(
        client.patch(path, json={"depends_on_ids": [api["id"]]}, headers=admin.headers),
        422,
        "invalid",
    )
    assert itself["message"] == "a service cannot depend on itself"
    unknown = error_of(
        client.patch(path, json={"depends_on_ids": [987654, 987653]}, headers=admin.headers),
        422,
        "invalid",
    )
    assert unknown == {
        "code": "invalid",
        "message": "unknown service ids: [987653, 987654]",
        "details": {"field": "depends_on_ids"},
    }
    assert (
        "kind"
        in error_of(
            client.post(
                "/api/v1/services", json={"name": "x", "kind": "vendor"}, headers=admin.headers
            ),
            422,
            "invalid",
        )["message"]
    )
    assert error_of(
        client.patch(path, json={"runbook_url": "ftp://x"}, headers=admin.headers), 422, "invalid"
    )["details"] == {"field": "runbook_url"}


def test_an_unknown_owner_team_is_422(client: TestClient, admin: Person) -> None:
    response = client.post(
        "/api/v1/services", json={"name": "api", "owner_team_id": 987654}, headers=admin.headers
    )
    assert error_of(response, 422, "invalid")["details"] == {"field": "owner_team_id"}


# --- jobs ------------------------------------------------------------------------------------


@pytest.fixture
def dead_job(session: Session) -> Job:
    job = Job(
        kind="test.failing",
        payload={"n": 1},
        state=DEAD,
        due_at=NOW,
        attempts=8,
        max_attempts=8,
        last_error="boom",
        created_at=NOW,
    )
    session.add(job)
    session.commit()
    return job


def test_jobs_are_listed_for_admins(
    client: TestClient, admin: Person, dead_job: Job, declare: Any
) -> None:
    ref = declare()["reference"]
    client.post(f"/api/v1/incidents/{ref}/updates", json={"message": "hi"}, headers=admin.headers)
    jobs = client.get("/api/v1/jobs", headers=admin.headers).json()
    assert {"test.failing", "incident.update_due"} <= {j["kind"] for j in jobs}
    dead = client.get("/api/v1/jobs", params={"state": "dead"}, headers=admin.headers).json()
    assert [(j["id"], j["last_error"], j["attempts"]) for j in dead] == [(dead_job.id, "boom", 8)]
    assert len(client.get("/api/v1/jobs", params={"limit": 1}, headers=admin.headers).json()) == 1


def test_a_dead_job_can_be_retried_once(client: TestClient, admin: Person, dead_job: Job) -> None:
    retried = client.post(f"/api/v1/jobs/{dead_job.id}/retry", headers=admin.headers)
    assert retried.status_code == 200, retried.text
    assert (retried.json()["state"], retried.json()["attempts"]) == ("pending", 0)
    again = client.post(f"/api/v1/jobs/{dead_job.id}/retry", headers=admin.headers)
    assert "pending" in error_of(again, 409, "conflict")["message"]
    error_of(client.post("/api/v1/jobs/987654/retry", headers=admin.headers), 404, "not_found")
