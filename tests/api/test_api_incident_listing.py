"""GET /incidents: filters, text search and pagination, newest first."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_service

from watchkeep.core.clock import utcnow
from watchkeep.incident.models import Incident
from watchkeep.incident.severities import get_severity, get_type
from watchkeep.incident.status import transition

BASE = "/api/v1/incidents"
T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    return error


@pytest.fixture
def catalog(session: Session, alice: Person) -> dict[str, Incident]:
    """Five incidents a day apart (a oldest, e newest) with different attributes."""
    api, db = make_service(session, name="api"), make_service(session, name="db")
    made = {
        "a": make_incident(
            session,
            alice,
            title="Login broken",
            severity="SEV1",
            service_ids=[api.id],
            now=T0,
        ),
        "b": make_incident(
            session,
            alice,
            title="Slow search",
            summary="Elasticsearch heap",
            severity="SEV3",
            service_ids=[db.id],
            now=T0 + timedelta(days=1),
        ),
        "c": make_incident(
            session,
            alice,
            title="Phishing mail",
            severity="SEV2",
            incident_type="Security",
            private=False,
            status="triage",
            now=T0 + timedelta(days=2),
        ),
        "d": make_incident(
            session,
            alice,
            title="Checkout errors",
            severity="SEV1",
            incident_type="Customer-facing",
            service_ids=[api.id, db.id],
            now=T0 + timedelta(days=3),
        ),
        "e": make_incident(
            session, alice, title="Disk full", severity="SEV4", now=T0 + timedelta(days=4)
        ),
    }
    transition(session, incident=made["b"], actor=alice.actor, status="resolved", now=utcnow())
    transition(session, incident=made["e"], actor=alice.actor, status="resolved", now=utcnow())
    transition(session, incident=made["e"], actor=alice.actor, status="closed", now=utcnow())
    session.commit()
    return made


def titles(client: TestClient, person: Person, **params: Any) -> list[str]:
    response = client.get(BASE, params=params, headers=person.headers)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def test_all_incidents_newest_first(
    client: TestClient, alice: Person, catalog: dict[str, Incident]
) -> None:
    response = client.get(BASE, headers=alice.headers)
    body = response.json()
    assert [i["title"] for i in body["items"]] == [
        "Disk full",
        "Checkout errors",
        "Phishing mail",
        "Slow search",
        "Login broken",
    ]
    assert (body["limit"], body["offset"], body["has_more"]) == (50, 0, False)
    first = body["items"][1]
    assert set(first) == {
        "id",
        "reference",
        "title",
        "status",
        "category",
        "severity",
        "type",
        "services",
        "private",
        "declared_at",
        "resolved_at",
        "next_update_at",
    }
    assert first["reference"] == catalog["d"].reference
    assert [s["name"] for s in first["services"]] == ["api", "db"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "investigating"}, ["Checkout errors", "Login broken"]),
        ({"status": ["triage", "closed"]}, ["Disk full", "Phishing mail"]),
        ({"category": "live"}, ["Checkout errors", "Login broken"]),
        ({"category": "post_incident"}, ["Slow search"]),
        ({"category": ["closed", "triage"]}, ["Disk full", "Phishing mail"]),
        ({"category": "live", "status": "resolved"}, []),
        ({"category": "post_incident", "status": ["resolved", "investigating"]}, ["Slow search"]),
        ({"q": "checkout"}, ["Checkout errors"]),
        ({"q": "ELASTIC"}, ["Slow search"]),
        ({"q": "nothing like this"}, []),
    ],
)
def test_status_category_and_text_filters(
    client: TestClient,
    alice: Person,
    catalog: dict[str, Incident],
    params: dict[str, Any],
    expected: list[str],
) -> None:
    assert titles(client, alice, **params) == expected


def test_severity_type_and_service_filters(
    client: TestClient, session: Session, alice: Person, catalog: dict[str, Incident]
) -> None:
    sev1, sev3 = get_severity(session, ref="SEV1").id, get_severity(session, ref="SEV3").id
    security = get_type(session, ref="Security").id
    default = get_type(session, ref="Default").id
    api = catalog["a"].services[0].id
    db = catalog["b"].services[0].id
    assert titles(client, alice, severity_id=sev1) == ["Checkout errors", "Login broken"]
    assert titles(client, alice, severity_id=[sev1, sev3]) == [
        "Checkout errors",
        "Slow search",
        "Login broken",
    ]
    assert titles(client, alice, type_id=security) == ["Phishing mail"]
    assert titles(client, alice, type_id=default) == ["Disk full", "Slow search", "Login broken"]
    assert titles(client, alice, service_id=api) == ["Checkout errors", "Login broken"]
    assert titles(client, alice, service_id=[api, db]) == [
        "Checkout errors",
        "Slow search",
        "Login broken",
    ]
    assert titles(client, alice, service_id=db, severity_id=sev1) == ["Checkout errors"]


def test_declared_time_window_is_half_open(
    client: TestClient, alice: Person, catalog: dict[str, Incident]
) -> None:
    day = lambda n: (T0 + timedelta(days=n)).isoformat()  # noqa: E731
    assert titles(client, alice, declared_from=day(1), declared_to=day(3)) == [
        "Phishing mail",
        "Slow search",
    ]
    assert titles(client, alice, declared_from=day(3)) == ["Disk full", "Checkout errors"]
    assert titles(client, alice, declared_to=day(1)) == ["Login broken"]
    # Any offset names the same instant.
    local = (T0 + timedelta(days=4)).astimezone(timezone(timedelta(hours=-5))).isoformat()
    assert titles(client, alice, declared_from=local) == ["Disk full"]


def test_a_time_without_offset_is_read_as_utc(
    client: TestClient, alice: Person, catalog: dict[str, Incident]
) -> None:
    assert titles(client, alice, declared_from="2026-01-14T12:00:00") == ["Disk full"]


def test_text_search_takes_wildcards_literally(
    client: TestClient, session: Session, alice: Person, catalog: dict[str, Incident]
) -> None:
    make_incident(session, alice, title="Error rate at 100%")
    session.commit()
    assert titles(client, alice, q="100%") == ["Error rate at 100%"]
    assert titles(client, alice, q="%") == ["Error rate at 100%"]
    assert titles(client, alice, q="_") == []


def test_pagination(client: TestClient, alice: Person, catalog: dict[str, Incident]) -> None:
    pages = []
    offset = 0
    while True:
        body = client.get(BASE, params={"limit": 2, "offset": offset}, headers=alice.headers).json()
        assert (body["limit"], body["offset"]) == (2, offset)
        pages.append(([i["title"] for i in body["items"]], body["has_more"]))
        if not body["has_more"]:
            break
        offset += 2
    assert pages == [
        (["Disk full", "Checkout errors"], True),
        (["Phishing mail", "Slow search"], True),
        (["Login broken"], False),
    ]
    exact = client.get(BASE, params={"limit": 5}, headers=alice.headers).json()
    assert (len(exact["items"]), exact["has_more"]) == (5, False)
    beyond = client.get(BASE, params={"offset": 10}, headers=alice.headers).json()
    assert (beyond["items"], beyond["has_more"]) == ([], False)
    filtered = client.get(
        BASE, params={"category": "live", "limit": 1}, headers=alice.headers
    ).json()
    assert ([i["title"] for i in filtered["items"]], filtered["has_more"]) == (
        ["Checkout errors"],
        True,
    )


def test_same_time_incidents_page_stably(
    client: TestClient, session: Session, alice: Person
) -> None:
    made = [make_incident(session, alice, title=f"n{i}", now=T0) for i in range(4)]
    session.commit()
    seen = []
    for offset in range(4):
        body = client.get(BASE, params={"limit": 1, "offset": offset}, headers=alice.headers)
        seen += [i["title"] for i in body.json()["items"]]
    assert seen == [m.title for m in reversed(made)]


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"offset": -1}, "offset"),
        ({"status": "exploded"}, "status"),
        ({"category": "maybe"}, "category"),
        ({"severity_id": "high"}, "severity_id"),
        ({"declared_from": "yesterday"}, "declared_from"),
    ],
)
def test_bad_filters_are_422_naming_the_parameter(
    client: TestClient, alice: Person, params: dict[str, Any], needle: str
) -> None:
    error = error_of(client.get(BASE, params=params, headers=alice.headers), 422, "invalid")
    assert needle in error["message"] or error["details"].get("field") == needle
