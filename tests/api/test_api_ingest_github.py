"""GitHub's webhook, /ingest/github/{key}: signed deliveries are stored once, unsigned or
wrongly signed ones are refused with 401 and store nothing, and deliveries that are not
changes are accepted and said so."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import Person, make_service, make_source
from tests.factories.github import (
    DELIVERY,
    DEPLOYMENT_STATUS,
    MERGED_PR,
    PUSH,
    changed,
    deliver,
    sign,
)

from watchkeep.alert.models import AlertPayload, AlertSource, ChangeEvent


@pytest.fixture
def source(session: Session) -> AlertSource:
    made = make_source(session, kind="github", service_id=make_service(session, "checkout").id)
    session.commit()
    return made


def count(session: Session, model: type[Any]) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_signed_merged_pull_request_is_stored_as_a_change(
    client: TestClient, session: Session, source: AlertSource
) -> None:
    response = deliver(client, source, "pull_request", MERGED_PR)
    assert response.status_code == 202, response.text
    assert response.json() == {
        "status": "success",
        "event": "pull_request",
        "outcome": "stored",
        "message": "stored as github:Codertocat/Hello-World#2",
        "change": "github:Codertocat/Hello-World#2",
    }
    [change] = session.scalars(select(ChangeEvent)).all()
    assert (change.kind, change.source_id, change.service_id) == (
        "pull_request",
        source.id,
        source.service_id,
    )
    assert change.details["delivery"] == DELIVERY
    assert change.details["event"] == "pull_request"
    assert change.links[0]["href"] == "https://github.com/Codertocat/Hello-World/pull/2"
    [payload] = session.scalars(select(AlertPayload)).all()
    assert (payload.format, payload.id) == ("github", change.payload_id)
    assert payload.body == MERGED_PR


def test_the_same_change_delivered_twice_is_stored_once(
    client: TestClient, session: Session, source: AlertSource
) -> None:
    first = deliver(client, source, "deployment_status", DEPLOYMENT_STATUS)
    again = deliver(client, source, "deployment_status", DEPLOYMENT_STATUS)  # a redelivery
    other = deliver(client, source, "deployment_status", DEPLOYMENT_STATUS, delivery="other-id")
    assert first.status_code == 202
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    assert (other.status_code, other.json()["outcome"]) == (200, "duplicate")
    assert again.json()["change"] == first.json()["change"]
    assert count(session, ChangeEvent) == 1
    assert count(session, AlertPayload) == 1
    failed = changed(DEPLOYMENT_STATUS, deployment_status__state="failure")
    assert deliver(client, source, "deployment_status", failed).status_code == 202
    assert count(session, ChangeEvent) == 2


@pytest.mark.parametrize(
    ("signature", "said"),
    [
        (None, "X-Hub-Signature-256 is missing"),
        ("sha256=" + "0" * 64, "does not match the body"),
        ("sha1=7d38cdd689735b008b3c702edd92eea23791c5f6", "does not match the body"),
        ("", "X-Hub-Signature-256 is missing"),
    ],
)
def test_a_missing_or_wrong_signature_is_401_and_stores_nothing(
    client: TestClient, session: Session, source: AlertSource, signature: str | None, said: str
) -> None:
    response = deliver(client, source, "pull_request", MERGED_PR, signature=signature)
    assert response.status_code == 401, response.text
    error = response.json()["error"]
    assert error["code"] == "unauthorized" and said in error["message"]
    assert count(session, ChangeEvent) == 0 and count(session, AlertPayload) == 0


def test_a_body_changed_after_signing_is_refused(
    client: TestClient, session: Session, source: AlertSource
) -> None:
    raw = json.dumps(MERGED_PR).encode()
    tampered = raw.replace(b"Update the README", b"Delete the README")
    response = deliver(
        client,
        source,
        "pull_request",
        None,
        raw=tampered,
        signature=sign(source.signing_secret or "", raw),
    )
    assert response.status_code == 401
    assert count(session, ChangeEvent) == 0


def test_a_source_that_does_not_sign_cannot_take_github_deliveries(
    client: TestClient, session: Session
) -> None:
    plain = make_source(session, kind="generic")
    session.commit()
    assert plain.signing_secret is None
    response = deliver(client, plain, "pull_request", MERGED_PR, signature="sha256=" + "0" * 64)
    assert response.status_code == 401
    assert "create a source of kind github" in response.json()["error"]["message"]
    assert count(session, AlertPayload) == 0


def test_an_unknown_key_is_404(client: TestClient, source: AlertSource) -> None:
    response = client.post(
        "/ingest/github/" + "0" * 32,
        json=MERGED_PR,
        headers={"X-GitHub-Event": "pull_request", "X-Hub-Signature-256": "sha256=00"},
    )
    assert response.status_code == 404
    assert response.json()["error"]["details"] == {"field": "key"}


@pytest.mark.parametrize(
    ("event", "body", "said"),
    [
        ("ping", {"zen": "Keep it logically awesome.", "hook_id": 1}, "ping"),
        ("pull_request", changed(MERGED_PR, action="opened"), "pull request opened"),
        ("push", changed(PUSH, ref="refs/heads/feature"), "only a push to the default branch"),
        ("issues", {"action": "opened", "issue": {"number": 1}}, '"issues" events are not read'),
    ],
)
def test_events_that_are_not_changes_are_accepted_and_said_so(
    client: TestClient,
    session: Session,
    source: AlertSource,
    event: str,
    body: dict[str, Any],
    said: str,
) -> None:
    response = deliver(client, source, event, body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["event"], answer["outcome"], answer["change"]) == (event, "ignored", None)
    assert said in answer["message"]
    assert count(session, ChangeEvent) == 0
    assert count(session, AlertPayload) == 1  # kept, as every accepted request is


@pytest.mark.parametrize(
    ("kwargs", "said"),
    [
        ({"raw": b"{not json"}, "the body is not valid JSON"),
        (
            {"raw": b"payload=%7B%7D", "content_type": "application/x-www-form-urlencoded"},
            "set its content type to application/json",
        ),
        (
            {"raw": json.dumps(changed(MERGED_PR, pull_request__number=None)).encode()},
            "pull_request.number is required",
        ),
    ],
)
def test_an_unreadable_delivery_is_400_and_stores_nothing(
    client: TestClient, session: Session, source: AlertSource, kwargs: dict[str, Any], said: str
) -> None:
    response = deliver(client, source, "pull_request", None, **kwargs)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_payload"
    assert any(said in e for e in error["details"]["errors"]), error
    assert count(session, AlertPayload) == 0


def test_a_delivery_without_its_event_is_400(
    client: TestClient, session: Session, source: AlertSource
) -> None:
    raw = json.dumps(MERGED_PR).encode()
    response = client.post(
        f"/ingest/github/{source.integration_key}",
        content=raw,
        headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(source.signing_secret or "", raw),
        },
    )
    assert response.status_code == 400
    assert "X-GitHub-Event header is missing" in response.json()["error"]["message"]


def test_a_github_source_has_a_secret_shown_once_made_and_rotated_with_its_key(
    client: TestClient, session: Session, admin: Person
) -> None:
    made = client.post(
        "/api/v1/alert-sources", json={"name": "Repos", "kind": "github"}, headers=admin.headers
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert len(body["signing_secret"]) == 64
    assert body["endpoints"] == {
        "github": f"http://127.0.0.1:8000/ingest/github/{body['integration_key']}"
    }
    rotated = client.post(
        f"/api/v1/alert-sources/{body['id']}/rotate-key", headers=admin.headers
    ).json()
    assert rotated["signing_secret"] != body["signing_secret"]
    assert rotated["integration_key"] != body["integration_key"]
    source = session.get(AlertSource, body["id"])
    assert source is not None
    session.refresh(source)
    old_signature = sign(body["signing_secret"], json.dumps(MERGED_PR).encode())
    refused = deliver(client, source, "pull_request", MERGED_PR, signature=old_signature)
    assert refused.status_code == 401
    assert deliver(client, source, "pull_request", MERGED_PR).status_code == 202
    other = client.post(
        "/api/v1/alert-sources",
        json={"name": "Prom", "kind": "alertmanager"},
        headers=admin.headers,
    ).json()
    assert other["signing_secret"] is None


def test_the_endpoint_is_in_the_openapi_document(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/ingest/github/{key}"]["post"]
    assert set(operation["responses"]) == {
        "200",
        "202",
        "400",
        "401",
        "404",
        "409",
        "413",
        "422",
        "429",
    }
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert headers == {"x-github-event", "x-github-delivery", "x-hub-signature-256"}
