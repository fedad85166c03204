"""Ids and references the database cannot hold, or written in other digits, are refused
(404 where they name a resource, 422 where they are input), never a server error."""

import pytest
from fastapi.testclient import TestClient
from tests.factories import Person

MAX_ID = 2**53 - 1

PAST_32_BITS = 2**31
PAST_64_BITS = 2**63
SUPERSCRIPT_ONE = "%C2%B9"

MISSING = [
    f"/api/v1/incidents/{PAST_32_BITS}",
    f"/api/v1/incidents/INC-{PAST_32_BITS}",
    f"/api/v1/incidents/{PAST_64_BITS}",
    f"/api/v1/incidents/inc-{2**64}",
    f"/api/v1/incidents/{SUPERSCRIPT_ONE}",
    f"/api/v1/incidents/INC-{SUPERSCRIPT_ONE}",
    f"/api/v1/incidents/{MAX_ID}/timeline",
    f"/api/v1/problems/PRB-{PAST_32_BITS}",
    f"/api/v1/problems/{PAST_64_BITS}",
    f"/api/v1/problems/{SUPERSCRIPT_ONE}",
    f"/api/v1/known-errors/KE-{PAST_32_BITS}",
    f"/api/v1/known-errors/KE-{PAST_64_BITS}",
    f"/api/v1/services/{PAST_32_BITS}",
    f"/api/v1/services/{PAST_64_BITS}",
    f"/api/v1/services/{SUPERSCRIPT_ONE}",
    f"/api/v1/schedules/{PAST_32_BITS}",
    f"/api/v1/schedules/{PAST_64_BITS}",
    f"/api/v1/incidents/{PAST_64_BITS}/similar",
]


@pytest.mark.parametrize("path", MISSING)
def test_an_id_or_reference_nothing_can_have_is_not_found(
    client: TestClient, alice: Person, path: str
) -> None:
    response = client.get(path, headers=alice.headers)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/incidents?offset={PAST_64_BITS}",
        f"/api/v1/incidents?severity_id={PAST_64_BITS}",
        f"/api/v1/incidents?service_id={SUPERSCRIPT_ONE}",
        f"/api/v1/problems?service_id={PAST_64_BITS}",
        f"/api/v1/follow-ups?owner_id={PAST_64_BITS}",
        f"/api/v1/audit?offset={PAST_64_BITS}",
    ],
)
def test_an_id_or_offset_out_of_range_in_a_query_is_invalid(
    client: TestClient, admin: Person, path: str
) -> None:
    response = client.get(path, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid"


def test_a_large_offset_that_fits_finds_nothing(client: TestClient, alice: Person) -> None:
    response = client.get(f"/api/v1/incidents?offset={MAX_ID}", headers=alice.headers)
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"service_ids": [PAST_64_BITS]}, "service_ids"),
        ({"lead_id": PAST_64_BITS}, "lead_id"),
        ({"lead_id": MAX_ID + 1}, "lead_id"),
        ({"severity": PAST_64_BITS}, "severity"),
    ],
)
def test_an_id_out_of_range_in_a_body_is_invalid(
    client: TestClient, alice: Person, body: dict[str, object], field: str
) -> None:
    response = client.post(
        "/api/v1/incidents", json={"title": "t", "severity": "SEV2", **body}, headers=alice.headers
    )
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["message"]


@pytest.mark.parametrize("body", [{"service_ids": [PAST_32_BITS]}, {"lead_id": PAST_32_BITS}])
def test_an_id_past_32_bits_in_a_body_names_nothing(
    client: TestClient, alice: Person, body: dict[str, object]
) -> None:
    response = client.post(
        "/api/v1/incidents", json={"title": "t", "severity": "SEV2", **body}, headers=alice.headers
    )
    assert response.status_code in (404, 422), response.text
    assert client.get("/api/v1/incidents", headers=alice.headers).json()["items"] == []


@pytest.mark.parametrize("rank", [PAST_32_BITS, PAST_64_BITS])
def test_a_rank_past_its_column_is_invalid(client: TestClient, admin: Person, rank: int) -> None:
    response = client.post(
        "/api/v1/severities", json={"name": "SEV9", "rank": rank}, headers=admin.headers
    )
    assert response.status_code == 422, response.text
    assert "rank" in response.json()["error"]["message"]


def test_a_reference_to_merge_into_past_64_bits_is_not_found(
    client: TestClient, alice: Person, declare: object
) -> None:
    incident = declare(status="triage")  # type: ignore[operator]
    response = client.post(
        f"/api/v1/incidents/{incident['reference']}/transition",
        json={"status": "merged", "merged_into": f"INC-{PAST_64_BITS}"},
        headers=alice.headers,
    )
    assert response.status_code == 404, response.text
