"""/api/v1/known-errors*, /api/v1/problem-candidates* and /api/v1/incidents/{ref}/known-errors*.

Who may call them (401/403) is checked route by route in test_api_problems.py.
"""

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import (
    Person,
    make_incident,
    make_known_error,
    make_service,
    propose_problem,
)

from watchkeep.core.clock import utcnow
from watchkeep.incident.models import Incident, TimelineEntry
from watchkeep.problem.matching import record_match
from watchkeep.problem.models import (
    KnownError,
    KnownErrorMatch,
    Problem,
    ProblemCandidate,
    ProblemEvent,
    ProblemIncident,
)

KNOWN = "/api/v1/known-errors"
CANDIDATES = "/api/v1/problem-candidates"


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    return error


def stored(session: Session) -> dict[str, int]:
    session.expire_all()
    models = (
        Problem,
        ProblemEvent,
        ProblemIncident,
        ProblemCandidate,
        KnownError,
        KnownErrorMatch,
        TimelineEntry,
    )
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) or 0 for m in models}


def new_known(client: TestClient, who: Person, **body: Any) -> dict[str, Any]:
    body = {"title": "Consumer group stuck", "symptoms": "lag grows", "workaround": ["Restart"],
            **body}  # fmt: skip
    response = client.post(KNOWN, json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


# --- known errors ----------------------------------------------------------------------------


def test_create_read_and_update_a_known_error(client: TestClient, alice: Person) -> None:
    made = new_known(
        client,
        alice,
        title="Consumer group stuck",
        symptoms="lag grows on orders",
        workaround=["Restart the consumer group", "Check the lag drains"],
        fix_status="planned",
        fix_link="https://git.example.com/pr/7",
        alert_names=["KafkaLag"],
    )
    assert made["reference"] == f"KE-{made['reference'][3:]}"
    assert {k: made[k] for k in ("problem", "workaround", "fix_status", "fix_link", "alert_names",
                                 "active")} == {
        "problem": None,
        "workaround": ["Restart the consumer group", "Check the lag drains"],
        "fix_status": "planned",
        "fix_link": "https://git.example.com/pr/7",
        "alert_names": ["KafkaLag"],
        "active": True,
    }  # fmt: skip
    shown = client.get(f"{KNOWN}/{made['reference']}", headers=alice.headers)
    assert (shown.status_code, shown.json()) == (200, made)
    patched = client.patch(
        f"{KNOWN}/{made['reference']}",
        json={"fix_status": "released", "active": False, "workaround": ["Upgrade the client"]},
        headers=alice.headers,
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["fix_status"], body["active"], body["workaround"]) == (
        "released",
        False,
        ["Upgrade the client"],
    )
    assert body["title"] == "Consumer group stuck"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"title": ""}, "title: String should have at least 1 character"),
        ({"symptoms": ""}, "symptoms: String should have at least 1 character"),
        ({"workaround": []}, "workaround: List should have at least 1 item after validation, "
                             "not 0"),
        ({"workaround": [" "]}, "a known error needs at least one workaround step"),
        ({"symptoms": "  "}, "describe the symptoms so that it can be recognised"),
        ({"fix_status": "done"}, "fix_status must be one of none, planned, in_progress, released"),
        ({"fix_link": "not a url"}, "fix_link must be an http(s) URL"),
        ({"problem": "PRB-1"}, "problem: Extra inputs are not permitted"),
    ],
)  # fmt: skip
def test_create_refuses_bad_bodies_and_stores_nothing(
    client: TestClient, session: Session, alice: Person, body: dict[str, Any], message: str
) -> None:
    before = stored(session)
    full = {"title": "T", "symptoms": "s", "workaround": ["w"], **body}
    error = error_of(client.post(KNOWN, json=full, headers=alice.headers), 422, "invalid")
    assert error["message"] == message
    assert stored(session) == before


def test_a_failing_update_changes_nothing(
    client: TestClient, session: Session, alice: Person
) -> None:
    ref = new_known(client, alice)["reference"]
    response = client.patch(
        f"{KNOWN}/{ref}",
        json={"title": "Renamed", "symptoms": " "},
        headers=alice.headers,
    )
    assert error_of(response, 422, "invalid")["details"] == {"field": "symptoms"}
    assert client.get(f"{KNOWN}/{ref}", headers=alice.headers).json()["title"] == (
        "Consumer group stuck"
    )
    missing = client.patch(f"{KNOWN}/KE-987654", json={"title": "x"}, headers=alice.headers)
    assert error_of(missing, 404, "not_found")["message"] == "known error KE-987654 does not exist"
    unknown = client.get(f"{KNOWN}/KE-987654", headers=alice.headers)
    assert error_of(unknown, 404, "not_found")["message"] == "known error KE-987654 does not exist"
    wrong = client.get(f"{KNOWN}/PRB-1", headers=alice.headers)
    assert error_of(wrong, 404, "not_found")["message"] == (
        "'PRB-1' is not a known-error reference; use KE-<number>"
    )


def test_the_known_error_database_is_searchable(client: TestClient, alice: Person) -> None:
    stuck = new_known(client, alice, title="Consumer group stuck", symptoms="lag grows")
    cert = new_known(client, alice, title="Expired certificate", symptoms="TLS handshake fails")
    old = new_known(client, alice, title="Old consumer bug", symptoms="lag")
    client.patch(f"{KNOWN}/{old['reference']}", json={"active": False}, headers=alice.headers)

    def refs(**params: Any) -> list[str]:
        response = client.get(KNOWN, params=params, headers=alice.headers)
        assert response.status_code == 200, response.text
        return [k["reference"] for k in response.json()]

    assert refs() == [old["reference"], cert["reference"], stuck["reference"]]
    assert refs(q="consumer") == [old["reference"], stuck["reference"]]
    assert refs(q="handshake") == [cert["reference"]]
    assert refs(q="consumer", active="true") == [stuck["reference"]]
    assert refs(limit=1) == [old["reference"]]
    assert client.get(KNOWN, params={"limit": 0}, headers=alice.headers).status_code == 422


def test_viewers_can_read_the_known_error_database(
    client: TestClient, alice: Person, viewer: Person
) -> None:
    made = new_known(client, alice)
    assert client.get(KNOWN, headers=viewer.headers).json()[0]["reference"] == made["reference"]
    assert client.get(f"{KNOWN}/{made['reference']}", headers=viewer.headers).status_code == 200


# --- matches on incidents ----------------------------------------------------------------------


def matched(session: Session, alice: Person, **incident: Any) -> tuple[Incident, KnownError]:
    known = make_known_error(
        session,
        alice,
        title="Consumer group stuck",
        symptoms="lag grows",
        workaround=["Restart the consumer group", "Check the lag drains"],
        now=utcnow(),
    )
    found = make_incident(session, alice, **incident)
    record_match(
        session,
        incident=found,
        known=known,
        score=0.42,
        reasons=["same service orders"],
        now=utcnow(),
    )
    session.commit()
    return found, known


def test_an_incident_shows_its_matches_with_the_workaround(
    client: TestClient, session: Session, alice: Person, viewer: Person
) -> None:
    found, known = matched(session, alice)
    response = client.get(f"/api/v1/incidents/{found.reference}/known-errors",
                          headers=viewer.headers)  # fmt: skip
    assert response.status_code == 200, response.text
    [match] = response.json()
    assert match["known_error"]["reference"] == known.reference
    assert match["known_error"]["workaround"] == ["Restart the consumer group",
                                                  "Check the lag drains"]  # fmt: skip
    assert (match["score"], match["reasons"]) == (0.42, ["same service orders"])
    assert match["matched_at"]
    timeline = client.get(f"/api/v1/incidents/{found.reference}/timeline",
                          headers=viewer.headers).json()  # fmt: skip
    assert timeline[-1]["title"] == f"Matches {known.reference}: Restart the consumer group"


def test_dismissing_a_match(client: TestClient, session: Session, alice: Person) -> None:
    found, known = matched(session, alice)
    url = f"/api/v1/incidents/{found.reference}/known-errors"
    dismissed = client.post(f"{url}/{known.id}/dismiss", headers=alice.headers)
    assert (dismissed.status_code, dismissed.content) == (204, b"")
    assert client.get(url, headers=alice.headers).json() == []
    again = client.post(f"{url}/{known.id}/dismiss", headers=alice.headers)
    assert error_of(again, 409, "conflict")["message"] == (
        f"{known.reference} was already dismissed on {found.reference}"
    )
    unmatched = client.post(f"{url}/987654/dismiss", headers=alice.headers)
    assert error_of(unmatched, 404, "not_found")["message"] == (
        f"{found.reference} has no match with known error 987654"
    )
    timeline = client.get(f"/api/v1/incidents/{found.reference}/timeline",
                          headers=alice.headers).json()  # fmt: skip
    assert timeline[-1]["kind"] == "known_error_dismissed"


def test_a_private_incidents_matches_are_not_found_for_outsiders(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    found, known = matched(session, alice, private=True)
    before = stored(session)
    url = f"/api/v1/incidents/{found.reference}/known-errors"
    for response in (
        client.get(url, headers=bob.headers),
        client.post(f"{url}/{known.id}/dismiss", headers=bob.headers),
    ):
        assert error_of(response, 404, "not_found")["message"] == (
            f"incident {found.reference} does not exist"
        )
    assert stored(session) == before
    assert len(client.get(url, headers=alice.headers).json()) == 1


# --- problem candidates ------------------------------------------------------------------------


def propose(session: Session, incidents: list[Incident], title: str = "Recurring lag") -> int:
    made = propose_problem(
        session,
        incidents,
        title=title,
        evidence={"shared_services": ["orders"], "count": len(incidents), "pattern": "weekly"},
        score=0.61,
        now=utcnow(),
    )
    assert made is not None
    session.commit()
    return made.id


def test_candidates_are_listed_accepted_and_dismissed(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    orders = make_service(session, "orders")
    lag = [make_incident(session, alice, title=f"Lag {n}", service_ids=[orders.id])
           for n in range(3)]  # fmt: skip
    other = [make_incident(session, alice, title=f"Disk {n}") for n in range(3)]
    accept_id, dismiss_id = propose(session, lag), propose(session, other, "Recurring disk")

    listed = client.get(CANDIDATES, headers=bob.headers)
    assert listed.status_code == 200, listed.text
    by_id = {c["id"]: c for c in listed.json()}
    assert set(by_id) == {accept_id, dismiss_id}
    shown = by_id[accept_id]
    assert (shown["title"], shown["score"], shown["status"]) == ("Recurring lag", 0.61, "proposed")
    assert shown["evidence"] == {"shared_services": ["orders"], "count": 3, "pattern": "weekly"}
    assert [i["reference"] for i in shown["incidents"]] == [i.reference for i in lag]

    accepted = client.post(f"{CANDIDATES}/{accept_id}/accept", headers=bob.headers)
    assert accepted.status_code == 201, accepted.text
    problem = accepted.json()
    assert problem["title"] == "Recurring lag"
    assert [i["incident"]["reference"] for i in problem["incidents"]] == [i.reference for i in lag]
    assert {i["reason"] for i in problem["incidents"]} == {"proposed as recurring and accepted"}
    assert [s["name"] for s in problem["services"]] == ["orders"]

    dismissed = client.post(f"{CANDIDATES}/{dismiss_id}/dismiss", headers=bob.headers)
    assert dismissed.status_code == 200, dismissed.text
    assert {k: dismissed.json()[k] for k in ("id", "status")} == {
        "id": dismiss_id,
        "status": "dismissed",
    }
    assert client.get(CANDIDATES, headers=bob.headers).json() == []

    for action in ("accept", "dismiss"):
        for candidate_id, fate in ((accept_id, "accepted"), (dismiss_id, "dismissed")):
            again = client.post(f"{CANDIDATES}/{candidate_id}/{action}", headers=bob.headers)
            assert error_of(again, 409, "conflict")["message"] == (
                f"this proposal was already {fate}"
            )
    for action in ("accept", "dismiss"):
        missing = client.post(f"{CANDIDATES}/987654/{action}", headers=bob.headers)
        assert error_of(missing, 404, "not_found")["message"] == (
            "problem candidate 987654 does not exist"
        )


def test_a_failed_accept_stores_nothing(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    secrets = [make_incident(session, alice, title=f"Breach {n}", private=True) for n in range(3)]
    candidate_id = propose(session, secrets, "Recurring breach")
    before = stored(session)
    response = client.post(f"{CANDIDATES}/{candidate_id}/accept", headers=bob.headers)
    assert error_of(response, 404, "not_found")["message"] == (
        f"problem candidate {candidate_id} does not exist"
    )
    assert stored(session) == before
    assert client.get(CANDIDATES, headers=bob.headers).json() == []
    assert [c["id"] for c in client.get(CANDIDATES, headers=alice.headers).json()] == [candidate_id]


def test_candidates_show_outsiders_only_what_their_incidents_say(
    client: TestClient, session: Session, alice: Person, bob: Person, admin: Person
) -> None:
    secret = make_incident(session, alice, title="Leaked signing key", private=True)
    public = [make_incident(session, alice, title=f"Token errors {n}") for n in range(2)]
    propose(session, [secret, *public], "Recurring leaked signing key")
    [outside] = client.get(CANDIDATES, headers=bob.headers).json()
    assert (outside["title"], outside["evidence"]) == ("Token errors 0", {"count": 2})
    assert [i["reference"] for i in outside["incidents"]] == [p.reference for p in public]
    assert "leaked" not in str(outside).lower()
    for insider in (alice, admin):
        [inside] = client.get(CANDIDATES, headers=insider.headers).json()
        assert inside["title"] == "Recurring leaked signing key"
        assert len(inside["incidents"]) == 3


def test_candidates_are_listed_by_status(
    client: TestClient, session: Session, alice: Person
) -> None:
    incidents = [make_incident(session, alice) for _ in range(3)]
    candidate_id = propose(session, incidents)
    client.post(f"{CANDIDATES}/{candidate_id}/dismiss", headers=alice.headers)
    response = client.get(CANDIDATES, params={"status": "dismissed"}, headers=alice.headers)
    assert [c["id"] for c in response.json()] == [candidate_id]


def test_the_dismiss_reply_says_when(client: TestClient, session: Session, alice: Person) -> None:
    candidate_id = propose(session, [make_incident(session, alice) for _ in range(3)])
    reply = client.post(f"{CANDIDATES}/{candidate_id}/dismiss", headers=alice.headers).json()
    assert reply["decided_at"] is not None
