"""Deactivating, reactivating and resetting the password of users through the API."""

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.factories import PASSWORD, Person


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    return error


def test_deactivate_and_reactivate(client: TestClient, admin: Person, alice: Person) -> None:
    off = client.post(f"/api/v1/users/{alice.user.id}/deactivate", headers=admin.headers)
    assert off.status_code == 200, off.text
    assert off.json()["is_active"] is False
    error_of(client.get("/api/v1/users/me", headers=alice.headers), 401, "unauthorized")
    on = client.post(f"/api/v1/users/{alice.user.id}/reactivate", headers=admin.headers)
    assert on.status_code == 200 and on.json()["is_active"] is True
    assert client.get("/api/v1/users/me", headers=alice.headers).status_code == 200
    actions = [
        r["action"]
        for r in client.get("/api/v1/audit?subject_type=user", headers=admin.headers).json()[
            "items"
        ]
    ]
    assert actions[:2] == ["user:reactivate", "user:deactivate"]


def test_an_admin_cannot_deactivate_themselves(client: TestClient, admin: Person) -> None:
    error = error_of(
        client.post(f"/api/v1/users/{admin.user.id}/deactivate", headers=admin.headers),
        409,
        "conflict",
    )
    assert "yourself" in error["message"]
    assert client.get("/api/v1/users/me", headers=admin.headers).json()["is_active"] is True


def test_a_password_reset(client: TestClient, admin: Person, alice: Person) -> None:
    url = f"/api/v1/users/{alice.user.id}/password"
    done = client.post(url, json={"password": "a whole new one"}, headers=admin.headers)
    assert done.status_code == 200, done.text
    assert "password" not in done.json()
    login = client.post(
        "/login",
        data={"email": alice.user.email, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert login.status_code == 401
    login = client.post(
        "/login",
        data={"email": alice.user.email, "password": "a whole new one", "next": "/"},
        follow_redirects=False,
    )
    assert login.status_code == 303


@pytest.mark.parametrize(
    "body",
    [{}, {"password": "short"}, {"password": 12345678}, {"password": "x" * 1001}],
)
def test_bad_passwords_are_422_and_store_nothing(
    client: TestClient, admin: Person, alice: Person, body: dict[str, Any]
) -> None:
    url = f"/api/v1/users/{alice.user.id}/password"
    error = error_of(client.post(url, json=body, headers=admin.headers), 422, "invalid")
    assert "password" in error["message"]
    assert (
        client.get("/api/v1/audit?action=user:set_password", headers=admin.headers).json()["items"]
        == []
    )


@pytest.mark.parametrize("verb", ["deactivate", "reactivate", "password"])
def test_only_admins(
    client: TestClient, admin: Person, alice: Person, viewer: Person, verb: str
) -> None:
    url = f"/api/v1/users/{admin.user.id}/{verb}"
    body = {"password": "long enough"}
    for person in (alice, viewer):
        error_of(client.post(url, json=body, headers=person.headers), 403, "forbidden")
    error_of(client.post(url, json=body), 401, "unauthorized")
    missing = client.post(f"/api/v1/users/999999/{verb}", json=body, headers=admin.headers)
    error_of(missing, 404, "not_found")
    error_of(
        # not an id: no route has that path
        client.post(f"/api/v1/users/abc/{verb}", json=body, headers=admin.headers),
        404,
        "not_found",
    )


def test_the_new_routes_declare_their_errors(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for verb in ("deactivate", "reactivate", "password"):
        declared = paths[f"/api/v1/users/{{user_id}}/{verb}"]["post"]["responses"]
        assert {"401", "403", "404", "409", "422"} <= set(declared), verb


def test_your_own_profile_and_password(client: TestClient, viewer: Person) -> None:
    changed = client.patch(
        "/api/v1/users/me", json={"timezone": "America/New_York"}, headers=viewer.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["timezone"] == "America/New_York"
    assert changed.json()["name"] == "Vera Viewer"
    for body in ({"timezone": "Mars/Base"}, {"name": ""}, {"role": "admin"}):
        error_of(
            client.patch("/api/v1/users/me", json=body, headers=viewer.headers), 422, "invalid"
        )
    me = client.get("/api/v1/users/me", headers=viewer.headers).json()
    assert (me["role"], me["timezone"]) == ("viewer", "America/New_York")

    error_of(client.patch("/api/v1/users/me", json={"name": "X"}), 401, "unauthorized")
    url = "/api/v1/users/me/password"
    wrong = {"current_password": "not it", "new_password": "long enough"}
    error = error_of(client.post(url, json=wrong, headers=viewer.headers), 422, "invalid")
    assert error["details"]["field"] == "current_password"
    right = {"current_password": PASSWORD, "new_password": "long enough"}
    assert client.post(url, json=right, headers=viewer.headers).status_code == 200
    login = client.post(
        "/login",
        data={"email": viewer.user.email, "password": "long enough", "next": "/"},
        follow_redirects=False,
    )
    assert login.status_code == 303
