"""Who may call what: every route wants a caller, private incidents stay hidden, CSRF."""

import re
from functools import cache
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_follow_up, make_incident

from watchkeep.app.factory import create_app
from watchkeep.auth import service as auth
from watchkeep.core.clock import utcnow
from watchkeep.core.settings import Settings
from watchkeep.incident import timeline

METHODS = ("get", "post", "put", "patch", "delete")


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], dict)
    return error


@cache
def _spec() -> dict[str, Any]:
    # Building the schema takes ~0.4 s; it does not depend on the database.
    spec: dict[str, Any] = create_app(Settings(database_url="sqlite://")).openapi()
    return spec


SENDERS = {
    ("post", "/ingest/alertmanager/{key}"),
    ("post", "/ingest/grafana/{key}"),
    ("post", "/ingest/generic/{key}"),
    ("get", "/ingest/heartbeat/{key}"),
    ("post", "/ingest/heartbeat/{key}"),
    ("post", "/ingest/check/{format}"),
    ("post", "/ingest/github/{key}"),
    ("post", "/v2/enqueue"),
    ("post", "/v2/change/enqueue"),
}
"""The senders' endpoints: outside ``/api/v1``, their credential is the source's key."""


def operations(_client: TestClient | None = None) -> list[tuple[str, str]]:
    """Every operation of the API (``/api/v1``)."""
    return [
        (method, path)
        for path, item in _spec()["paths"].items()
        for method in item
        if method in METHODS and path.startswith("/api/v1/")
    ]


def fill(path: str, values: dict[str, str] | None = None) -> str:
    values = {"ref": "INC-1", "role": "lead", **(values or {})}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "1"), path)


def call(client: TestClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
    if method in ("post", "put", "patch"):
        kwargs.setdefault("json", {})
    return client.request(method.upper(), url, **kwargs)


def test_the_api_is_described_by_openapi(client: TestClient) -> None:
    served = client.get("/openapi.json")
    assert served.status_code == 200
    assert served.json()["paths"] == _spec()["paths"]
    ops = operations()
    assert len(ops) >= 35
    assert ("post", "/api/v1/incidents") in ops
    outside = {
        (method, path)
        for path, item in _spec()["paths"].items()
        for method in item
        if method in METHODS and not path.startswith("/api/v1/")
    }
    assert outside == SENDERS


def test_every_route_rejects_an_unauthenticated_request(client: TestClient) -> None:
    failures = []
    for method, path in operations(client):
        response = call(client, method, fill(path))
        if response.status_code != 401:
            failures.append((method, path, response.status_code))
            continue
        error = error_of(response, 401, "unauthorized")
        assert error["details"] == {}
    assert failures == []


@pytest.mark.parametrize(
    "header",
    ["Bearer wk_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer ", "wk_token-without-scheme"],
)
def test_every_route_rejects_a_bad_authorization_header(client: TestClient, header: str) -> None:
    failures = []
    for method, path in operations(client):
        response = call(client, method, fill(path), headers={"Authorization": header})
        if response.status_code != 401:
            failures.append((method, path, response.status_code))
        else:
            error_of(response, 401, "unauthorized")
    assert failures == []


# --- private incidents: every incident route answers 404, as for a missing incident -----------

VALID_BODIES: dict[tuple[str, str], dict[str, Any] | None] = {
    ("get", "/api/v1/incidents/{ref}"): None,
    ("patch", "/api/v1/incidents/{ref}"): {"title": "mine now"},
    ("post", "/api/v1/incidents/{ref}/transition"): {"status": "fixing"},
    ("put", "/api/v1/incidents/{ref}/timestamps"): {"name": "impact_started_at", "value": None},
    ("post", "/api/v1/incidents/{ref}/participants"): {"user_id": 0},
    ("put", "/api/v1/incidents/{ref}/roles/{role}"): {"user_id": 0},
    ("delete", "/api/v1/incidents/{ref}/roles/{role}"): None,
    ("get", "/api/v1/incidents/{ref}/timeline"): None,
    ("post", "/api/v1/incidents/{ref}/timeline"): {"text": "peek"},
    ("patch", "/api/v1/incidents/{ref}/timeline/{entry_id}"): {"title": "changed"},
    ("get", "/api/v1/incidents/{ref}/updates"): None,
    ("post", "/api/v1/incidents/{ref}/updates"): {"message": "hello"},
    ("get", "/api/v1/incidents/{ref}/follow-ups"): None,
    ("post", "/api/v1/incidents/{ref}/follow-ups"): {"title": "do"},
    ("patch", "/api/v1/incidents/{ref}/follow-ups/{follow_up_id}"): {"title": "changed"},
    ("get", "/api/v1/incidents/{ref}/similar"): None,
    ("put", "/api/v1/incidents/{ref}/similar/{other_ref}/feedback"): {"verdict": "same_cause"},
    ("delete", "/api/v1/incidents/{ref}/similar/{other_ref}/feedback"): None,
    ("get", "/api/v1/incidents/{ref}/known-errors"): None,
    ("get", "/api/v1/incidents/{ref}/changes"): None,
    ("post", "/api/v1/incidents/{ref}/known-errors/{known_error_id}/dismiss"): None,
    ("get", "/api/v1/incidents/{ref}/post-incident"): None,
    ("post", "/api/v1/incidents/{ref}/post-incident/tasks/{task_id}/complete"): None,
    ("post", "/api/v1/incidents/{ref}/post-incident/tasks/{task_id}/skip"): {"reason": "no"},
    ("put", "/api/v1/incidents/{ref}/post-incident/tasks/{task_id}"): {"owner_id": None},
    ("get", "/api/v1/incidents/{ref}/postmortem"): None,
    ("post", "/api/v1/incidents/{ref}/postmortem"): None,
    ("put", "/api/v1/incidents/{ref}/postmortem/sections/{key}"): {"body": "mine"},
    ("post", "/api/v1/incidents/{ref}/postmortem/sections/{key}/proposal"): {"take": True},
    ("post", "/api/v1/incidents/{ref}/postmortem/sections/{key}/root-cause"): None,
    ("get", "/api/v1/incidents/{ref}/postmortem/versions"): None,
    ("get", "/api/v1/incidents/{ref}/postmortem/diff"): None,
    ("get", "/api/v1/incidents/{ref}/postmortem/export"): None,
    ("post", "/api/v1/incidents/{ref}/postmortem/draft"): None,
    ("post", "/api/v1/incidents/{ref}/investigations"): None,
    ("get", "/api/v1/incidents/{ref}/investigations/latest"): None,
    ("put", "/api/v1/incidents/{ref}/investigations/verdicts"): {
        "key": "change:CHG-1",
        "verdict": "confirmed",
    },
    ("delete", "/api/v1/incidents/{ref}/investigations/verdicts/{key}"): None,
}


def test_every_incident_route_is_in_the_privacy_check(client: TestClient) -> None:
    incident_routes = {
        (m, p) for m, p in operations(client) if p.startswith("/api/v1/incidents/{ref}")
    }
    assert incident_routes == set(VALID_BODIES), "add new incident routes to VALID_BODIES"


def test_a_private_incident_is_not_found_on_every_route_for_an_outsider(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    secret = make_incident(session, alice, title="Leaked keys", incident_type="Security")
    entry = timeline.add_note(
        session, incident=secret, actor=alice.actor, text="key id 42", now=utcnow()
    )
    follow_up = make_follow_up(session, alice, secret, title="Rotate")
    session.commit()
    ids = {"entry_id": str(entry.id), "follow_up_id": str(follow_up.id), "other_ref": "INC-1"}
    for (method, path), body in VALID_BODIES.items():
        if body is not None and "user_id" in body:
            body = {"user_id": bob.user.id}
        hidden = client.request(
            method.upper(),
            fill(path, {"ref": secret.reference, **ids}),
            json=body,
            headers=bob.headers,
        )
        missing = client.request(
            method.upper(),
            fill(path, {"ref": "INC-987654", **ids}),
            json=body,
            headers=bob.headers,
        )
        hidden_error = error_of(hidden, 404, "not_found")
        missing_error = error_of(missing, 404, "not_found")
        # The same answer as for an incident that does not exist: nothing leaks.
        assert hidden_error["message"].replace(secret.reference, "INC-?") == missing_error[
            "message"
        ].replace("INC-987654", "INC-?"), (method, path)
    # Nothing was changed by the attempts.
    got = client.get(f"/api/v1/incidents/{secret.reference}", headers=alice.headers).json()
    assert (got["title"], got["status"]) == ("Leaked keys", "investigating")
    assert {r["user"]["id"] for r in got["roles"]} == {alice.user.id}


def test_private_incidents_are_left_out_of_lists_for_outsiders(
    client: TestClient, session: Session, alice: Person, bob: Person, admin: Person
) -> None:
    secret = make_incident(session, alice, incident_type="Security")
    make_follow_up(session, alice, secret, title="Rotate keys")
    public = make_incident(session, alice)
    session.commit()

    def refs(person: Person) -> list[str]:
        body = client.get("/api/v1/incidents", headers=person.headers).json()
        return [i["reference"] for i in body["items"]]

    def follow_ups(person: Person) -> list[str]:
        return [f["title"] for f in client.get("/api/v1/follow-ups", headers=person.headers).json()]

    assert refs(bob) == [public.reference]
    assert follow_ups(bob) == []
    for insider in (alice, admin):
        assert refs(insider) == [public.reference, secret.reference]
        assert follow_ups(insider) == ["Rotate keys"]
        assert client.get(f"/api/v1/incidents/{secret.reference}", headers=insider.headers).json()[
            "private"
        ]


def test_an_invited_participant_sees_the_private_incident(
    client: TestClient, session: Session, alice: Person, viewer: Person
) -> None:
    secret = make_incident(session, alice, incident_type="Security")
    session.commit()
    url = f"/api/v1/incidents/{secret.reference}"
    error_of(client.get(url, headers=viewer.headers), 404, "not_found")
    invited = client.post(
        f"{url}/participants", json={"user_id": viewer.user.id}, headers=alice.headers
    )
    assert invited.status_code == 204
    assert invited.content == b""
    assert client.get(url, headers=viewer.headers).json()["reference"] == secret.reference


# --- role checks -----------------------------------------------------------------------------


def test_a_viewer_may_read_but_not_declare(
    client: TestClient, declare: Any, viewer: Person
) -> None:
    incident = declare()
    assert client.get("/api/v1/incidents", headers=viewer.headers).status_code == 200
    assert (
        client.get(f"/api/v1/incidents/{incident['reference']}", headers=viewer.headers).status_code
        == 200
    )
    error = error_of(
        client.post(
            "/api/v1/incidents", json={"title": "x", "severity": "SEV1"}, headers=viewer.headers
        ),
        403,
        "forbidden",
    )
    assert "responder" in error["message"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "/api/v1/incidents/{ref}", {"title": "x"}),
        ("post", "/api/v1/incidents/{ref}/transition", {"status": "fixing"}),
        ("post", "/api/v1/incidents/{ref}/timeline", {"text": "x"}),
        ("post", "/api/v1/incidents/{ref}/updates", {"message": "x"}),
        ("post", "/api/v1/incidents/{ref}/follow-ups", {"title": "x"}),
        ("put", "/api/v1/incidents/{ref}/roles/comms", {"user_id": 1}),
    ],
)
def test_a_viewer_cannot_change_an_incident(
    client: TestClient, declare: Any, viewer: Person, method: str, path: str, body: dict[str, Any]
) -> None:
    incident = declare()
    url = path.replace("{ref}", incident["reference"])
    error_of(
        client.request(method.upper(), url, json=body, headers=viewer.headers), 403, "forbidden"
    )


@pytest.mark.parametrize(
    ("path", "body", "key"),
    [
        ("/api/v1/services", {"name": "api"}, "name"),
        ("/api/v1/teams", {"name": "Payments"}, "name"),
        ("/api/v1/users", {"email": "x@example.com", "name": "X"}, "email"),
        ("/api/v1/severities", {"name": "SEV0", "rank": 1}, "name"),
        ("/api/v1/incident-types", {"name": "Fraud"}, "name"),
        ("/api/v1/custom-fields", {"name": "Region", "kind": "text"}, "name"),
        ("/api/v1/role-types", {"name": "Liaison"}, "name"),
    ],
)
def test_a_non_admin_cannot_configure(
    client: TestClient, alice: Person, path: str, body: dict[str, Any], key: str
) -> None:
    error = error_of(client.post(path, json=body, headers=alice.headers), 403, "forbidden")
    assert "admin" in error["message"]
    listed = client.get(path, headers=alice.headers).json()
    assert body[key] not in [item[key] for item in listed]


def test_only_admins_see_jobs(client: TestClient, alice: Person, admin: Person) -> None:
    error_of(client.get("/api/v1/jobs", headers=alice.headers), 403, "forbidden")
    error_of(client.post("/api/v1/jobs/1/retry", headers=alice.headers), 403, "forbidden")
    assert client.get("/api/v1/jobs", headers=admin.headers).status_code == 200


# --- cookie sessions and CSRF ----------------------------------------------------------------


@pytest.fixture
def cookie_client(client: TestClient, session: Session, alice: Person) -> tuple[TestClient, str]:
    web_session, secret = auth.start_web_session(session, now=utcnow(), user=alice.user, hours=1)
    session.commit()
    client.cookies.set("wk_session", secret)
    return client, web_session.csrf_token


def test_a_cookie_session_may_read_without_a_csrf_token(
    cookie_client: tuple[TestClient, str], alice: Person
) -> None:
    client, _ = cookie_client
    me = client.get("/api/v1/users/me")
    assert me.status_code == 200
    assert me.json()["id"] == alice.user.id


def test_a_cookie_post_without_the_csrf_token_is_forbidden(
    cookie_client: tuple[TestClient, str], session: Session
) -> None:
    client, _ = cookie_client
    body = {"title": "Via the browser", "severity": "SEV3"}
    error = error_of(client.post("/api/v1/incidents", json=body), 403, "forbidden")
    assert "CSRF" in error["message"]
    error_of(
        client.post("/api/v1/incidents", json=body, headers={"X-CSRF-Token": "c_wrong"}),
        403,
        "forbidden",
    )
    listed = client.get("/api/v1/incidents").json()
    assert listed["items"] == []


def test_a_cookie_post_with_the_csrf_token_is_accepted(
    cookie_client: tuple[TestClient, str], alice: Person
) -> None:
    client, csrf = cookie_client
    response = client.post(
        "/api/v1/incidents",
        json={"title": "Via the browser", "severity": "SEV3"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.text
    assert response.json()["reporter"]["id"] == alice.user.id


def test_an_unknown_session_cookie_is_unauthorized(client: TestClient) -> None:
    client.cookies.set("wk_session", "s_not-a-session")
    error_of(client.get("/api/v1/incidents"), 401, "unauthorized")
