"""``GET /api/v1/audit`` and the audited configuration routes, over HTTP."""

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.factories import Person


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    return error


def audit(client: TestClient, who: Person, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/audit", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_an_admin_reads_what_was_configured(
    client: TestClient, admin: Person, alice: Person
) -> None:
    created = client.post(
        "/api/v1/services", json={"name": "checkout"}, headers=admin.headers
    ).json()
    client.patch(
        f"/api/v1/services/{created['id']}",
        json={"description": "Takes orders"},
        headers=admin.headers,
    )
    body = audit(client, admin, subject_type="service")
    assert set(body) == {"items", "limit", "offset", "has_more"}
    update, create = body["items"]
    assert (update["action"], create["action"]) == ("service:update", "service:create")
    assert update == {
        "id": update["id"],
        "occurred_at": update["occurred_at"],
        "actor_id": admin.user.id,
        "actor_name": "Ada Admin",
        "action": "service:update",
        "subject_type": "service",
        "subject_id": created["id"],
        "summary": "Service checkout changed: description",
        "changes": {"description": ["", "Takes orders"]},
    }
    assert create["changes"]["name"] == [None, "checkout"]
    assert update["occurred_at"] >= create["occurred_at"]


@pytest.mark.parametrize("who", ["alice", "viewer"])
def test_only_admins_read_the_log(
    client: TestClient, request: pytest.FixtureRequest, who: str
) -> None:
    person: Person = request.getfixturevalue(who)
    error = error_of(client.get("/api/v1/audit", headers=person.headers), 403, "forbidden")
    assert "admin" in error["message"]


def test_the_log_wants_a_caller(client: TestClient) -> None:
    error_of(client.get("/api/v1/audit"), 401, "unauthorized")


def test_filters_and_pages(client: TestClient, admin: Person) -> None:
    for name in ("a", "b", "c"):
        created = client.post("/api/v1/teams", json={"name": name}, headers=admin.headers)
        assert created.status_code == 201
    first = audit(client, admin, action="team:create", limit=2)
    assert [i["summary"] for i in first["items"]] == ["Team c created", "Team b created"]
    assert (first["limit"], first["offset"], first["has_more"]) == (2, 0, True)
    rest = audit(client, admin, action="team:create", limit=2, offset=2)
    assert [i["summary"] for i in rest["items"]] == ["Team a created"]
    assert rest["has_more"] is False
    assert audit(client, admin, action="team:update")["items"] == []
    defaults = audit(client, admin, subject_type="severity", limit=500)["items"]
    assert {i["actor_id"] for i in defaults} == {None}
    assert {i["actor_name"] for i in defaults} == {None}
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}):
        error_of(client.get("/api/v1/audit", params=bad, headers=admin.headers), 422, "invalid")


def test_the_audit_route_documents_its_errors(client: TestClient) -> None:
    route = client.get("/openapi.json").json()["paths"]["/api/v1/audit"]["get"]
    assert {"200", "401", "403", "422"} <= set(route["responses"])


def test_a_refused_change_writes_nothing(client: TestClient, admin: Person, alice: Person) -> None:
    before = audit(client, admin, limit=500)["items"]
    team = client.post("/api/v1/teams", json={"name": "SRE"}, headers=admin.headers).json()
    # The name would change first, then the members fail: the request rolls back as one.
    error_of(
        client.patch(
            f"/api/v1/teams/{team['id']}",
            json={"name": "Ops", "member_ids": [987654]},
            headers=admin.headers,
        ),
        422,
        "invalid",
    )
    error_of(
        client.post("/api/v1/teams", json={"name": "SRE"}, headers=admin.headers),
        409,
        "conflict",
    )
    error_of(
        client.post("/api/v1/teams", json={"name": "X"}, headers=alice.headers), 403, "forbidden"
    )
    after = audit(client, admin, limit=500)["items"]
    assert [i["action"] for i in after[: len(after) - len(before)]] == ["team:create"]
    teams = client.get("/api/v1/teams", headers=admin.headers).json()
    assert [t["name"] for t in teams] == ["SRE"]


def test_role_changes_are_admin_only_and_audited(
    client: TestClient, admin: Person, alice: Person
) -> None:
    url = f"/api/v1/users/{alice.user.id}/role"
    error_of(client.put(url, json={"role": "admin"}, headers=alice.headers), 403, "forbidden")
    changed = client.put(url, json={"role": "viewer"}, headers=admin.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "viewer"
    error_of(client.put(url, json={"role": "owner"}, headers=admin.headers), 422, "invalid")
    error_of(
        client.put("/api/v1/users/987654/role", json={"role": "viewer"}, headers=admin.headers),
        404,
        "not_found",
    )
    last = client.put(
        f"/api/v1/users/{admin.user.id}/role", json={"role": "viewer"}, headers=admin.headers
    )
    assert "last active admin" in error_of(last, 409, "conflict")["message"]
    [record] = audit(client, admin, action="user:role_change")["items"]
    assert (record["subject_id"], record["changes"]) == (
        alice.user.id,
        {"role": ["responder", "viewer"]},
    )
    # Alice's token now acts as a viewer.
    error_of(
        client.post(
            "/api/v1/incidents", json={"title": "x", "severity": "SEV2"}, headers=alice.headers
        ),
        403,
        "forbidden",
    )


def test_tokens_made_and_revoked_over_the_api_are_audited(
    client: TestClient, admin: Person, alice: Person
) -> None:
    made = client.post("/api/v1/tokens", json={"name": "laptop"}, headers=alice.headers).json()
    client.delete(f"/api/v1/tokens/{made['id']}", headers=alice.headers)
    items = audit(client, admin, subject_type="token", limit=2)["items"]
    assert [(i["action"], i["actor_id"], i["subject_id"]) for i in items] == [
        ("token:revoke", alice.user.id, made["id"]),
        ("token:create", alice.user.id, made["id"]),
    ]
    assert made["token"] not in str(items)


def test_filter_by_who(client: TestClient, admin: Person, alice: Person) -> None:
    client.post("/api/v1/teams", json={"name": "SRE"}, headers=admin.headers)
    mine = audit(client, admin, actor_id=admin.user.id, limit=500)["items"]
    assert mine and {i["actor_id"] for i in mine} == {admin.user.id}
    assert audit(client, admin, actor_id=alice.user.id + 1000)["items"] == []
    system = audit(client, admin, system="true", limit=500)["items"]
    assert system and {i["actor_id"] for i in system} == {None}
    for bad in ({"actor_id": 0}, {"actor_id": "x"}, {"system": "maybe"}):
        error_of(client.get("/api/v1/audit", params=bad, headers=admin.headers), 422, "invalid")
