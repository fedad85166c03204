"""POST /api/v1/import: admins only, a dry run, every problem listed with 422, a larger body
limit than the other routes, and imported incidents that the API shows like any other."""

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.factories import Person
from tests.factories.history import history

from watchkeep.app.factory import create_app
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings

IMPORT = "/api/v1/import"


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_an_admin_imports_and_the_api_shows_it(
    client: TestClient, admin: Person, alice: Person
) -> None:
    document = history()
    summary = ok(client.post(IMPORT, json=document, headers=admin.headers))
    assert summary["dry_run"] is False
    assert summary["counts"]["incidents"] == {"created": 3, "unchanged": 0, "skipped": 0}
    reference = next(i["reference"] for i in summary["incidents"] if i["ref"] == "PD-100")
    incident = client.get(f"/api/v1/incidents/{reference}", headers=alice.headers).json()
    assert (incident["external_ref"], incident["status"], incident["severity"]["name"]) == (
        "PD-100",
        "resolved",
        "SEV1",
    )
    assert incident["root_cause"].startswith("Deploy 4411")
    assert {r["role"] for r in incident["roles"]} == {"lead", "reporter", "comms", "scribe"}
    entries = client.get(f"/api/v1/incidents/{reference}/timeline", headers=alice.headers).json()
    assert entries[1]["kind"] == "declared" and entries[1]["actor"]["name"] == "Nadia Okafor"
    services = {s["name"]: s for s in client.get("/api/v1/services", headers=alice.headers).json()}
    assert services["checkout-api"]["depends_on"] == ["orders-db", "payments-gateway"]
    similar = client.get(
        "/api/v1/similar", params={"q": "checkout 502 card retries gateway"}, headers=alice.headers
    ).json()
    assert similar[0]["incident"]["reference"] == reference
    again = ok(client.post(IMPORT, json=document, headers=admin.headers))
    assert again["counts"]["incidents"] == {"created": 0, "unchanged": 3, "skipped": 0}


def test_only_admins_import(client: TestClient, alice: Person, viewer: Person) -> None:
    for who in (alice, viewer):
        response = client.post(IMPORT, json=history(), headers=who.headers)
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden"
    assert client.post(IMPORT, json=history()).status_code == 401
    assert client.get("/api/v1/incidents", headers=alice.headers).json()["items"] == []


def test_a_dry_run_writes_nothing(client: TestClient, admin: Person) -> None:
    summary = ok(
        client.post(IMPORT, params={"dry_run": "true"}, json=history(), headers=admin.headers)
    )
    assert summary["dry_run"] is True
    assert summary["counts"]["services"]["created"] == 4
    assert [i["reference"] for i in summary["incidents"]] == [None, None, None]
    assert client.get("/api/v1/incidents", headers=admin.headers).json()["items"] == []
    assert client.get("/api/v1/services", headers=admin.headers).json() == []


def test_every_problem_is_listed_with_422(client: TestClient, admin: Person) -> None:
    document = history()
    document["incidents"][0]["severity"] = "SEV9"
    document["incidents"][1]["services"] = ["nowhere"]
    response = client.post(IMPORT, json=document, headers=admin.headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["details"]["count"] == 2
    assert [e["record"] for e in error["details"]["errors"]] == [
        'incidents[0] (ref "PD-100")',
        'incidents[1] (ref "PD-101")',
    ]
    assert error["details"]["errors"][0]["loc"] == ["incidents", 0, "severity"]
    assert 'incidents[0] (ref "PD-100").severity: no severity named "SEV9"' in error["message"]
    assert client.get("/api/v1/services", headers=admin.headers).json() == []


def test_a_body_of_the_wrong_shape_names_its_records(client: TestClient, admin: Person) -> None:
    document = history()
    document["incidents"][2]["declared_at"] = "last tuesday"
    document["incidents"][0]["timeline"][2]["payload"] = {"too": "investigating"}
    document["extra"] = []
    response = client.post(IMPORT, json=document, headers=admin.headers)
    assert response.status_code == 422, response.text
    lines = response.json()["error"]["message"].split("\n")[1:]
    assert lines == [
        "- the file.extra: unknown field (see docs/import.md for the fields)",
        '- incidents[0] (ref "PD-100").timeline[2].payload.to: required',
        '- incidents[0] (ref "PD-100").timeline[2].payload.too: unknown field (see '
        "docs/import.md for the fields)",
        '- incidents[2] (ref "PD-102").declared_at: Value error, must be an ISO 8601 date and '
        "time, such as 2024-05-01T14:30:00Z",
    ]
    broken = client.post(
        IMPORT, content=b"{not json", headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert broken.status_code == 422


@pytest.fixture
def small_bodies(database: Database, similarity: SimilarityStore) -> Iterator[TestClient]:
    """The app with a 2 KB body limit, and a 200 KB one for imports."""
    settings = Settings(database_url=database.url, max_body_bytes=2_000, import_max_bytes=200_000)
    with TestClient(create_app(settings, db=database, similarity=similarity)) as test_client:
        yield test_client


def test_imports_have_a_larger_body_limit_of_their_own(
    small_bodies: TestClient, admin: Person
) -> None:
    body = json.dumps(history())
    assert 2_000 < len(body) < 200_000
    headers = {**admin.headers, "Content-Type": "application/json"}
    assert small_bodies.post(IMPORT, content=body, headers=headers).status_code == 200
    elsewhere = small_bodies.post("/api/v1/incidents", content=body, headers=headers)
    assert elsewhere.status_code == 413
    padded = json.dumps({**history(), "users": [{"name": "x" * 200, "email": "a@b"}] * 1200})
    refused = small_bodies.post(IMPORT, content=padded, headers=headers)
    assert refused.status_code == 413
    assert refused.json()["error"]["message"] == "the request body is larger than 200000 bytes"
