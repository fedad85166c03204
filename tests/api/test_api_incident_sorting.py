"""GET /incidents?sort=…: by declared time, severity, status, lead and duration, either
way, on SQLite and PostgreSQL, keeping the privacy filter and the pages."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_person

from watchkeep.incident import roles
from watchkeep.incident.status import transition

BASE = "/api/v1/incidents"
T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def refs(session: Session, alice: Person, bob: Person) -> dict[str, str]:
    """Four incidents alice may see, a day apart (a oldest), and one private one of bob's."""
    zed, amy, ben = (make_person(session, name=n) for n in ("Zed Lead", "amy Lead", "Ben Lead"))
    a = make_incident(session, alice, severity="SEV1", lead_id=zed.user.id, now=T0)
    transition(
        session, incident=a, actor=alice.actor, status="resolved", now=T0 + timedelta(hours=3)
    )
    b = make_incident(
        session, alice, severity="SEV3", lead_id=amy.user.id, now=T0 + timedelta(days=1)
    )
    transition(session, incident=b, actor=alice.actor, status="fixing", now=b.declared_at)
    c = make_incident(
        session,
        alice,
        severity="SEV2",
        lead_id=ben.user.id,
        status="triage",
        now=T0 + timedelta(days=2),
    )
    d = make_incident(session, alice, severity="SEV4", now=T0 + timedelta(days=3))
    roles.unassign(session, incident=d, role="lead", actor=alice.actor, now=d.declared_at)
    transition(
        session,
        incident=d,
        actor=alice.actor,
        status="resolved",
        now=d.declared_at + timedelta(minutes=10),
    )
    hidden = make_incident(session, bob, severity="SEV1", private=True, now=T0)
    session.commit()
    names = {"a": a, "b": b, "c": c, "d": d, "hidden": hidden}
    return {incident.reference: key for key, incident in names.items()}


def listed(client: TestClient, person: Person, refs: dict[str, str], query: str) -> str:
    response = client.get(f"{BASE}?{query}", headers=person.headers)
    assert response.status_code == 200, response.text
    return "".join(refs[item["reference"]] for item in response.json()["items"])


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", "dcba"),
        ("-declared", "dcba"),
        ("declared", "abcd"),
        ("severity", "acbd"),
        ("-severity", "dbca"),
        ("status", "cbda"),  # triage, fixing, then resolved (newest first among equals)
        ("-status", "dabc"),
        ("lead", "bcad"),  # amy, Ben, Zed whatever the case; no lead last
        ("-lead", "acbd"),
        ("duration", "dacb"),  # 10 min, 3 h, then the open ones (c declared later)
        ("-duration", "bcad"),
    ],
)
def test_the_list_sorts_either_way(
    client: TestClient, alice: Person, refs: dict[str, str], sort: str, order: str
) -> None:
    assert listed(client, alice, refs, f"sort={sort}" if sort else "") == order


def test_sorting_keeps_the_privacy_filter_and_pages(
    client: TestClient, alice: Person, bob: Person, refs: dict[str, str]
) -> None:
    assert listed(client, alice, refs, "sort=severity&limit=2") == "ac"
    assert listed(client, alice, refs, "sort=severity&limit=2&offset=2") == "bd"
    page = client.get(f"{BASE}?sort=severity&limit=2&offset=2", headers=alice.headers).json()
    assert page["has_more"] is False
    assert listed(client, bob, refs, "sort=severity&limit=1") == "hidden"
    assert listed(client, alice, refs, "sort=-lead&category=post_incident") == "ad"


def test_an_unknown_sort_is_refused(client: TestClient, alice: Person) -> None:
    response = client.get(f"{BASE}?sort=-title", headers=alice.headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"]["field"] == "sort"
    assert error["message"] == (
        "unknown sort '-title'; use one of declared, severity, status, lead, duration, with a "
        "leading - for descending"
    )
