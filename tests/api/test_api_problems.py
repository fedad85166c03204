"""/api/v1/problems*: records, lifecycle, links, raise, RCA, known errors, actions, timeline.

Known errors, candidates and matches are in test_api_problems_2.py; similar incidents in
test_api_similar.py.
"""

import re
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_service, make_team

from watchkeep.app.factory import create_app
from watchkeep.core.settings import Settings
from watchkeep.followup.models import FollowUp
from watchkeep.incident.models import Incident, TimelineEntry
from watchkeep.problem.models import (
    ContributingFactor,
    KnownError,
    Problem,
    ProblemEvent,
    ProblemIncident,
    WhyStep,
)

BASE = "/api/v1/problems"
ROUTES = {
    ("get", "/api/v1/problems"),
    ("post", "/api/v1/problems"),
    ("post", "/api/v1/problems/raise"),
    ("get", "/api/v1/problems/{ref}"),
    ("patch", "/api/v1/problems/{ref}"),
    ("post", "/api/v1/problems/{ref}/transition"),
    ("get", "/api/v1/problems/{ref}/timeline"),
    ("post", "/api/v1/problems/{ref}/incidents"),
    ("delete", "/api/v1/problems/{ref}/incidents/{incident}"),
    ("put", "/api/v1/problems/{ref}/whys"),
    ("post", "/api/v1/problems/{ref}/factors"),
    ("delete", "/api/v1/problems/{ref}/factors/{factor_id}"),
    ("put", "/api/v1/problems/{ref}/root-cause"),
    ("post", "/api/v1/problems/{ref}/known-errors"),
    ("post", "/api/v1/problems/{ref}/follow-ups"),
    ("patch", "/api/v1/problems/{ref}/follow-ups/{follow_up_id}"),
    ("get", "/api/v1/known-errors"),
    ("post", "/api/v1/known-errors"),
    ("get", "/api/v1/known-errors/{ref}"),
    ("patch", "/api/v1/known-errors/{ref}"),
    ("get", "/api/v1/problem-candidates"),
    ("post", "/api/v1/problem-candidates/{candidate_id}/accept"),
    ("post", "/api/v1/problem-candidates/{candidate_id}/dismiss"),
    ("get", "/api/v1/incidents/{ref}/known-errors"),
    ("post", "/api/v1/incidents/{ref}/known-errors/{known_error_id}/dismiss"),
    ("get", "/api/v1/incidents/{ref}/similar"),
    ("get", "/api/v1/similar"),
}


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    return error


def stored(session: Session) -> dict[str, int]:
    session.expire_all()
    models = (
        Problem,
        ProblemEvent,
        ProblemIncident,
        WhyStep,
        ContributingFactor,
        KnownError,
        FollowUp,
        TimelineEntry,
    )
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) or 0 for m in models}


def create(client: TestClient, who: Person, **body: Any) -> dict[str, Any]:
    body.setdefault("title", "Replica lag")
    response = client.post(BASE, json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def incident(session: Session, who: Person, **kwargs: Any) -> Incident:
    made = make_incident(session, who, **kwargs)
    session.commit()
    return made


# --- who may call what ------------------------------------------------------------------------


def test_the_route_list_is_complete() -> None:
    spec = create_app(Settings(database_url="sqlite://")).openapi()
    ours = re.compile(r"^/api/v1/(problems|known-errors|problem-candidates|similar)|/similar$|"
                      r"/incidents/\{ref\}/known-errors")  # fmt: skip
    found = {
        (method, path)
        for path, item in spec["paths"].items()
        for method in item
        if ours.search(path) and method in ("get", "post", "put", "patch", "delete")
    }
    assert found == ROUTES


def fill(path: str) -> str:
    return (
        path.replace("{ref}", "PRB-1" if "/problems/" in path else "INC-1")
        .replace("{incident}", "INC-1")
        .replace("{factor_id}", "1")
        .replace("{follow_up_id}", "1")
        .replace("{candidate_id}", "1")
        .replace("{known_error_id}", "1")
        .replace("/known-errors/PRB-1", "/known-errors/KE-1")
    )


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES))
def test_every_route_wants_a_caller(client: TestClient, method: str, path: str) -> None:
    url = fill(path) + ("?q=kafka" if path.endswith("/similar") else "")
    kwargs: dict[str, Any] = {"json": {}} if method in ("post", "put", "patch") else {}
    response = client.request(method.upper(), url, **kwargs)
    error = error_of(response, 401, "unauthorized")
    assert "Bearer" in error["message"]


WRITES = sorted((m, p) for m, p in ROUTES if m != "get")


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_viewers_may_not_write(
    client: TestClient, session: Session, viewer: Person, alice: Person, method: str, path: str
) -> None:
    create(client, alice)
    incident(session, alice)
    before = stored(session)
    kwargs: dict[str, Any] = {"json": {}} if method in ("post", "put", "patch") else {}
    response = client.request(method.upper(), fill(path), headers=viewer.headers, **kwargs)
    error = error_of(response, 403, "forbidden")
    assert error["message"] == "this needs the responder role; you act as viewer"
    assert stored(session) == before


# --- create, read, list, change ---------------------------------------------------------------


def test_create_returns_the_whole_problem(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    db = make_service(session, "db")
    session.commit()
    body = create(
        client,
        alice,
        title="Replica lag",
        description="Replicas fall behind",
        priority="high",
        owner_id=bob.user.id,
        service_ids=[db.id],
    )
    assert re.fullmatch(r"PRB-[1-9][0-9]*", body["reference"])
    assert {k: body[k] for k in ("title", "description", "state", "priority", "root_cause")} == {
        "title": "Replica lag",
        "description": "Replicas fall behind",
        "state": "new",
        "priority": "high",
        "root_cause": "",
    }
    assert body["owner"] == {"id": bob.user.id, "name": "Bob"}
    assert body["team"] is None
    assert body["services"] == [{"id": db.id, "name": "db"}]
    assert body["allowed_next"] == ["canceled", "investigating"]
    assert (body["root_cause_identified_at"], body["resolved_at"], body["closed_at"]) == (
        None,
        None,
        None,
    )
    assert body["impact"] == {
        "incident_count": 0,
        "total_duration_seconds": 0.0,
        "severity_mix": {},
        "first_incident_at": None,
        "last_incident_at": None,
        "incidents_after_resolved": 0,
        "time_to_root_cause_seconds": None,
    }
    for empty in ("incidents", "whys", "factors", "known_errors", "follow_ups"):
        assert body[empty] == []
    shown = client.get(f"{BASE}/{body['reference']}", headers=bob.headers)
    assert shown.status_code == 200
    assert shown.json() == body
    by_number = client.get(f"{BASE}/{body['reference'][4:]}", headers=bob.headers)
    assert by_number.json()["id"] == body["id"]


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        ({"title": ""}, 422, "invalid", "title: String should have at least 1 character"),
        ({}, 422, "invalid", "title: Field required"),
        ({"title": "x", "state": "new"}, 422, "invalid", "state: Extra inputs are not permitted"),
        ({"title": "x", "priority": "p1"}, 422, "invalid",
         "priority must be one of urgent, high, medium, low"),
        ({"title": "x", "owner_id": 987654}, 422, "invalid", "owner 987654 does not exist"),
        ({"title": "x", "service_ids": [987654]}, 422, "invalid", "unknown service ids: [987654]"),
        ({"title": "x", "team_id": 987654}, 422, "invalid", "team 987654 does not exist"),
    ],
)  # fmt: skip
def test_create_refuses_bad_bodies_and_stores_nothing(
    client: TestClient,
    session: Session,
    alice: Person,
    body: dict[str, Any],
    status: int,
    code: str,
    message: str,
) -> None:
    before = stored(session)
    error = error_of(client.post(BASE, json=body, headers=alice.headers), status, code)
    assert error["message"] == message
    assert stored(session) == before


def test_unknown_problems_are_404_with_the_reference(client: TestClient, alice: Person) -> None:
    missing = error_of(client.get(f"{BASE}/PRB-987654", headers=alice.headers), 404, "not_found")
    assert missing["message"] == "problem PRB-987654 does not exist"
    wrong = error_of(client.get(f"{BASE}/INC-1", headers=alice.headers), 404, "not_found")
    assert wrong["message"] == "'INC-1' is not a problem reference; use PRB-<number>"
    patched = client.patch(f"{BASE}/PRB-987654", json={"title": "x"}, headers=alice.headers)
    assert error_of(patched, 404, "not_found")["message"] == "problem PRB-987654 does not exist"


def test_list_filters_and_pages(client: TestClient, session: Session, alice: Person) -> None:
    db = make_service(session, "db")
    session.commit()
    lag = create(client, alice, title="Replica lag", priority="high", service_ids=[db.id])
    tls = create(client, alice, title="TLS expiry", description="certs")
    pool = create(client, alice, title="Pool exhaustion")
    client.post(f"{BASE}/{tls['reference']}/transition", json={"state": "canceled"},
                headers=alice.headers)  # fmt: skip

    def refs(**params: Any) -> list[str]:
        response = client.get(BASE, params=params, headers=alice.headers)
        assert response.status_code == 200, response.text
        return [p["reference"] for p in response.json()["items"]]

    assert refs() == [tls["reference"], pool["reference"], lag["reference"]]
    assert refs(open="true") == [pool["reference"], lag["reference"]]
    assert refs(state=["canceled", "new"]) == [tls["reference"], pool["reference"],
                                               lag["reference"]]  # fmt: skip
    assert refs(priority="high") == [lag["reference"]]
    assert refs(service_id=db.id) == [lag["reference"]]
    assert refs(q="cert") == [tls["reference"]]
    page = client.get(BASE, params={"limit": 2}, headers=alice.headers).json()
    assert (len(page["items"]), page["limit"], page["offset"], page["has_more"]) == (2, 2, 0, True)
    assert set(page["items"][0]) == {
        "id", "reference", "title", "state", "priority", "owner", "team", "services",
        "created_at", "updated_at",
    }  # fmt: skip
    last = client.get(BASE, params={"limit": 2, "offset": 2}, headers=alice.headers).json()
    assert ([p["reference"] for p in last["items"]], last["has_more"]) == (
        [lag["reference"]],
        False,
    )
    bad = client.get(BASE, params={"state": "open"}, headers=alice.headers)
    assert "unknown problem state 'open'" in error_of(bad, 422, "invalid")["message"]
    bad_priority = client.get(BASE, params={"priority": "p1"}, headers=alice.headers)
    assert error_of(bad_priority, 422, "invalid")["details"] == {"field": "priority"}
    assert client.get(BASE, params={"limit": 0}, headers=alice.headers).status_code == 422


def test_patch_changes_fields_with_one_event_each(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    ref = create(client, alice)["reference"]
    response = client.patch(
        f"{BASE}/{ref}",
        json={"title": "Replica lag at night", "priority": "urgent", "owner_id": bob.user.id},
        headers=bob.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["title"], body["priority"]) == ("Replica lag at night", "urgent")
    shown = client.get(f"{BASE}/{ref}", headers=alice.headers).json()
    assert shown["owner"] == {"id": bob.user.id, "name": "Bob"}
    timeline = client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()
    assert [(e["kind"], e["payload"]) for e in timeline[1:]] == [
        ("title_changed", {"old": "Replica lag", "new": "Replica lag at night"}),
        ("priority_changed", {"old": "medium", "new": "urgent"}),
        ("owner_changed", {"old": None, "new": "Bob"}),
    ]
    assert {e["actor"]["name"] for e in timeline[1:]} == {"Bob"}


def test_the_patch_reply_shows_the_new_owner_and_team(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    team = make_team(session, "Storage")
    session.commit()
    ref = create(client, alice, owner_id=alice.user.id)["reference"]
    body = {"owner_id": bob.user.id, "team_id": team.id}
    reply = client.patch(f"{BASE}/{ref}", json=body, headers=alice.headers).json()
    shown = client.get(f"{BASE}/{ref}", headers=alice.headers).json()
    assert (shown["owner"]["name"], shown["team"]["name"]) == ("Bob", "Storage")
    assert (reply["owner"], reply["team"]) == (shown["owner"], shown["team"])


def test_a_failing_patch_stores_nothing(
    client: TestClient, session: Session, alice: Person
) -> None:
    ref = create(client, alice)["reference"]
    before = stored(session)
    response = client.patch(
        f"{BASE}/{ref}", json={"title": "Changed", "priority": "p0"}, headers=alice.headers
    )
    assert error_of(response, 422, "invalid")["details"] == {"field": "priority"}
    assert stored(session) == before
    assert client.get(f"{BASE}/{ref}", headers=alice.headers).json()["title"] == "Replica lag"
    extra = client.patch(f"{BASE}/{ref}", json={"state": "closed"}, headers=alice.headers)
    assert "state: Extra inputs are not permitted" in error_of(extra, 422, "invalid")["message"]


# --- lifecycle --------------------------------------------------------------------------------


def move(client: TestClient, who: Person, ref: str, state: str) -> httpx.Response:
    return client.post(f"{BASE}/{ref}/transition", json={"state": state}, headers=who.headers)


def test_transitions_move_stamp_and_refuse_with_the_allowed_states(
    client: TestClient, alice: Person
) -> None:
    ref = create(client, alice)["reference"]
    refused = error_of(move(client, alice, ref, "resolved"), 409, "invalid_transition")
    assert (
        refused["message"]
        == "cannot move from new to resolved; allowed next: canceled, investigating"
    )
    assert refused["details"] == {
        "current": "new",
        "target": "resolved",
        "allowed": ["canceled", "investigating"],
    }
    unknown = error_of(move(client, alice, ref, "done"), 422, "invalid")
    assert unknown["message"].startswith("state: Input should be 'new', 'investigating'")
    assert move(client, alice, ref, "investigating").json()["allowed_next"] == [
        "canceled",
        "known_error",
        "root_cause_identified",
    ]
    needs = error_of(move(client, alice, ref, "root_cause_identified"), 422, "invalid")
    assert needs == {
        "code": "invalid",
        "message": "write the root-cause statement before marking it identified",
        "details": {"field": "root_cause"},
    }
    statement = client.put(
        f"{BASE}/{ref}/root-cause", json={"statement": "WAL stalls"}, headers=alice.headers
    )
    assert statement.json()["root_cause"] == "WAL stalls"
    identified = move(client, alice, ref, "root_cause_identified").json()
    assert identified["root_cause_identified_at"] is not None
    for state in ("known_error", "fix_in_progress", "resolved"):
        assert move(client, alice, ref, state).status_code == 200
    resolved = client.get(f"{BASE}/{ref}", headers=alice.headers).json()
    assert resolved["resolved_at"] is not None
    reopened = move(client, alice, ref, "investigating").json()
    assert (reopened["state"], reopened["resolved_at"]) == ("investigating", None)
    for state in ("known_error", "resolved", "closed"):
        last = move(client, alice, ref, state)
    closed = last.json()
    assert (closed["state"], closed["allowed_next"]) == ("closed", [])
    assert closed["closed_at"] is not None
    final = error_of(move(client, alice, ref, "investigating"), 409, "invalid_transition")
    assert final["message"].endswith("allowed next: none")


# --- links, raise, impact, timeline privacy ------------------------------------------------------


def test_link_and_unlink_through_the_api(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    ref = create(client, alice)["reference"]
    first = incident(session, alice, title="Replica lag on db-2", severity="SEV1")
    linked = client.post(
        f"{BASE}/{ref}/incidents",
        json={"incident": first.reference, "reason": "same WAL stall"},
        headers=bob.headers,
    )
    assert linked.status_code == 201, linked.text
    [row] = linked.json()["incidents"]
    assert row["incident"]["reference"] == first.reference
    assert row["incident"]["severity"]["name"] == "SEV1"
    assert (row["linked_by"], row["reason"]) == (
        {"id": bob.user.id, "name": "Bob"},
        "same WAL stall",
    )
    assert linked.json()["impact"]["incident_count"] == 1
    assert linked.json()["impact"]["severity_mix"] == {"SEV1": 1}

    again = client.post(
        f"{BASE}/{ref}/incidents", json={"incident": first.reference}, headers=bob.headers
    )
    assert error_of(again, 409, "conflict")["message"] == (
        f"{first.reference} is already linked to {ref}"
    )
    missing = client.post(
        f"{BASE}/{ref}/incidents", json={"incident": "INC-987654"}, headers=bob.headers
    )
    assert error_of(missing, 404, "not_found")["message"] == "incident INC-987654 does not exist"
    no_body = client.post(f"{BASE}/{ref}/incidents", json={}, headers=bob.headers)
    assert error_of(no_body, 422, "invalid")["message"] == "incident: Field required"

    incident_timeline = client.get(
        f"/api/v1/incidents/{first.reference}/timeline", headers=alice.headers
    ).json()
    assert incident_timeline[-1]["kind"] == "problem_linked"
    assert incident_timeline[-1]["title"] == f"Linked to {ref}: Replica lag"

    unlinked = client.delete(f"{BASE}/{ref}/incidents/{first.reference}", headers=bob.headers)
    assert unlinked.status_code == 200, unlinked.text
    assert unlinked.json()["incidents"] == []
    gone = client.delete(f"{BASE}/{ref}/incidents/{first.reference}", headers=bob.headers)
    assert error_of(gone, 404, "not_found")["message"] == (
        f"{first.reference} is not linked to {ref}"
    )
    kinds = [e["kind"] for e in client.get(f"{BASE}/{ref}/timeline", headers=bob.headers).json()]
    assert kinds == ["created", "incident_linked", "incident_unlinked"]


def test_raise_from_incidents(client: TestClient, session: Session, alice: Person) -> None:
    db = make_service(session, "db")
    first = make_incident(session, alice, title="Replica lag", summary="Reads stale",
                          service_ids=[db.id])  # fmt: skip
    second = make_incident(session, alice, title="Replica lag again", service_ids=[db.id])
    secret = make_incident(session, alice, title="Leaked key", summary="in a repo", private=True)
    session.commit()
    response = client.post(
        f"{BASE}/raise",
        json={"incidents": [first.reference, second.reference, secret.reference],
              "priority": "high"},
        headers=alice.headers,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["title"], body["priority"], body["owner"]["name"]) == (
        "Replica lag",
        "high",
        "Alice",
    )
    assert [s["name"] for s in body["services"]] == ["db"]
    assert "Reads stale" in body["description"]
    assert "Leaked" not in body["description"] and "in a repo" not in body["description"]
    assert [i["incident"]["reference"] for i in body["incidents"]] == [
        first.reference,
        second.reference,
        secret.reference,
    ]
    titled = client.post(
        f"{BASE}/raise",
        json={"incidents": [first.reference], "title": "WAL"},
        headers=alice.headers,
    )
    assert titled.json()["title"] == "WAL"


def test_a_failing_raise_stores_nothing(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    public = incident(session, alice)
    secret = incident(session, alice, private=True)
    before = stored(session)
    hidden = client.post(
        f"{BASE}/raise",
        json={"incidents": [public.reference, secret.reference]},
        headers=bob.headers,
    )
    assert error_of(hidden, 404, "not_found")["message"] == (
        f"incident {secret.reference} does not exist"
    )
    empty = client.post(f"{BASE}/raise", json={"incidents": []}, headers=alice.headers)
    assert error_of(empty, 422, "invalid")["message"].startswith("incidents: List should have")
    bad_priority = client.post(
        f"{BASE}/raise", json={"incidents": [public.reference], "priority": "p0"},
        headers=alice.headers,
    )  # fmt: skip
    assert error_of(bad_priority, 422, "invalid")["details"] == {"field": "priority"}
    assert stored(session) == before


def test_private_incidents_stay_out_of_the_problem_for_outsiders(
    client: TestClient, session: Session, alice: Person, bob: Person, admin: Person
) -> None:
    public = incident(session, alice, title="Token errors", severity="SEV2")
    secret = incident(session, alice, title="Leaked signing key", severity="SEV1", private=True)
    ref = create(client, alice, title="Key rotation")["reference"]
    for linked in (public, secret):
        response = client.post(
            f"{BASE}/{ref}/incidents",
            json={"incident": linked.reference, "reason": f"why {linked.reference}"},
            headers=alice.headers,
        )
        assert response.status_code == 201, response.text
    client.delete(f"{BASE}/{ref}/incidents/{secret.reference}", headers=alice.headers)
    client.post(f"{BASE}/{ref}/incidents", json={"incident": secret.reference},
                headers=alice.headers)  # fmt: skip

    outsider = client.get(f"{BASE}/{ref}", headers=bob.headers).json()
    assert [i["incident"]["reference"] for i in outsider["incidents"]] == [public.reference]
    assert outsider["impact"]["incident_count"] == 1
    assert outsider["impact"]["severity_mix"] == {"SEV2": 1}
    timeline = client.get(f"{BASE}/{ref}/timeline", headers=bob.headers).json()
    assert [e["kind"] for e in timeline] == ["created", "incident_linked"]
    assert secret.reference not in str(timeline)
    assert str(secret.id) not in [str(e["payload"].get("incident_id")) for e in timeline]

    for insider in (alice, admin):
        inside = client.get(f"{BASE}/{ref}", headers=insider.headers).json()
        assert inside["impact"]["incident_count"] == 2
        assert inside["impact"]["severity_mix"] == {"SEV1": 1, "SEV2": 1}
        kinds = [e["kind"] for e in
                 client.get(f"{BASE}/{ref}/timeline", headers=insider.headers).json()]  # fmt: skip
        assert kinds == ["created"] + ["incident_linked"] * 2 + [
            "incident_unlinked",
            "incident_linked",
        ]
    bob_unlinks = client.delete(f"{BASE}/{ref}/incidents/{secret.reference}", headers=bob.headers)
    assert error_of(bob_unlinks, 404, "not_found")["message"] == (
        f"incident {secret.reference} does not exist"
    )


# --- RCA, known errors, actions ---------------------------------------------------------------


def test_whys_factors_and_root_cause(client: TestClient, session: Session, alice: Person) -> None:
    ref = create(client, alice)["reference"]
    whys = client.put(
        f"{BASE}/{ref}/whys",
        json={"steps": [{"question": "Why lag?", "answer": "WAL stalls"},
                        {"question": "Why stall?", "answer": "Disk full"}]},
        headers=alice.headers,
    )  # fmt: skip
    assert whys.status_code == 200, whys.text
    assert whys.json()["whys"] == [
        {"position": 1, "question": "Why lag?", "answer": "WAL stalls"},
        {"position": 2, "question": "Why stall?", "answer": "Disk full"},
    ]
    half = client.put(f"{BASE}/{ref}/whys", json={"steps": [{"question": "Why?", "answer": ""}]},
                      headers=alice.headers)  # fmt: skip
    assert error_of(half, 422, "invalid")["message"] == (
        "steps.0.answer: String should have at least 1 character"
    )
    blank = client.put(f"{BASE}/{ref}/whys", json={"steps": [{"question": "Why?", "answer": " "}]},
                       headers=alice.headers)  # fmt: skip
    assert (
        error_of(blank, 422, "invalid")["message"] == "step 1 needs both a question and an answer"
    )
    too_long = client.put(f"{BASE}/{ref}/whys",
                          json={"steps": [{"question": "q", "answer": "a"}] * 11},
                          headers=alice.headers)  # fmt: skip
    assert error_of(too_long, 422, "invalid")["message"] == "a whys chain has at most 10 steps"

    factor = client.post(
        f"{BASE}/{ref}/factors",
        json={"category": "technology", "description": "No disk alert"},
        headers=alice.headers,
    )
    assert factor.status_code == 201, factor.text
    [added] = factor.json()["factors"]
    assert (added["category"], added["description"]) == ("technology", "No disk alert")
    wrong = client.post(f"{BASE}/{ref}/factors", json={"category": "luck", "description": "x"},
                        headers=alice.headers)  # fmt: skip
    assert error_of(wrong, 422, "invalid")["message"].startswith("category must be one of people,")
    removed = client.delete(f"{BASE}/{ref}/factors/{added['id']}", headers=alice.headers)
    assert (removed.status_code, removed.json()["factors"]) == (200, [])
    again = client.delete(f"{BASE}/{ref}/factors/{added['id']}", headers=alice.headers)
    assert error_of(again, 404, "not_found")["message"] == (
        f"contributing factor {added['id']} does not exist on {ref}"
    )

    for statement in ("WAL stalls", "Disk fills up"):
        client.put(f"{BASE}/{ref}/root-cause", json={"statement": statement},
                   headers=alice.headers)  # fmt: skip
    no_statement = client.put(f"{BASE}/{ref}/root-cause", json={}, headers=alice.headers)
    assert error_of(no_statement, 422, "invalid")["message"] == "statement: Field required"
    timeline = client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()
    history = [(e["payload"]["old"], e["payload"]["new"]) for e in timeline
               if e["kind"] == "root_cause_changed"]  # fmt: skip
    assert history == [("", "WAL stalls"), ("WAL stalls", "Disk fills up")]
    assert [e["kind"] for e in timeline].count("whys_changed") == 1
    assert [e["kind"] for e in timeline].count("factor_added") == 1
    assert [e["kind"] for e in timeline].count("factor_removed") == 1


def test_known_errors_recorded_on_a_problem(
    client: TestClient, session: Session, alice: Person
) -> None:
    ref = create(client, alice)["reference"]
    body = {"title": "WAL stall", "symptoms": "replica lag", "workaround": ["Restart archiver"]}
    before = stored(session)
    bad_link = client.post(f"{BASE}/{ref}/known-errors", json={**body, "fix_link": "file:///x"},
                           headers=alice.headers)  # fmt: skip
    assert error_of(bad_link, 422, "invalid")["message"] == "fix_link must be an http(s) URL"
    no_steps = client.post(f"{BASE}/{ref}/known-errors", json={**body, "workaround": []},
                           headers=alice.headers)  # fmt: skip
    assert error_of(no_steps, 422, "invalid")["message"].startswith("workaround: List should have")
    assert stored(session) == before
    made = client.post(f"{BASE}/{ref}/known-errors", json=body, headers=alice.headers)
    assert made.status_code == 201, made.text
    known = made.json()
    assert re.fullmatch(r"KE-[1-9][0-9]*", known["reference"])
    assert (known["problem"], known["workaround"], known["fix_status"], known["active"]) == (
        ref,
        ["Restart archiver"],
        "none",
        True,
    )
    problem = client.get(f"{BASE}/{ref}", headers=alice.headers).json()
    assert [k["reference"] for k in problem["known_errors"]] == [known["reference"]]
    missing = client.post(f"{BASE}/PRB-987654/known-errors", json=body, headers=alice.headers)
    assert error_of(missing, 404, "not_found")["message"] == "problem PRB-987654 does not exist"


def test_actions_on_a_problem_are_follow_ups(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    ref = create(client, alice)["reference"]
    public = incident(session, alice)
    client.post(f"/api/v1/incidents/{public.reference}/follow-ups", json={"title": "Page fix"},
                headers=alice.headers)  # fmt: skip
    made = client.post(
        f"{BASE}/{ref}/follow-ups",
        json={"title": "Alert on archiver lag", "action_type": "detective",
              "owner_id": bob.user.id, "priority": "high"},
        headers=alice.headers,
    )  # fmt: skip
    assert made.status_code == 201, made.text
    action = made.json()
    problem_id = client.get(f"{BASE}/{ref}", headers=alice.headers).json()["id"]
    assert (action["incident"], action["problem_id"], action["action_type"]) == (
        None,
        problem_id,
        "detective",
    )
    assert (action["owner"]["name"], action["priority"], action["status"]) == (
        "Bob",
        "high",
        "outstanding",
    )
    wrong = client.post(f"{BASE}/{ref}/follow-ups", json={"title": "x", "action_type": "punitive"},
                        headers=alice.headers)  # fmt: skip
    assert error_of(wrong, 422, "invalid")["details"] == {"field": "action_type"}

    done = client.patch(f"{BASE}/{ref}/follow-ups/{action['id']}", json={"status": "completed"},
                        headers=bob.headers)  # fmt: skip
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    assert done.json()["completed_at"] is not None
    reasonless = client.patch(f"{BASE}/{ref}/follow-ups/{action['id']}",
                              json={"status": "not_doing"}, headers=bob.headers)  # fmt: skip
    assert error_of(reasonless, 422, "invalid")["details"] == {"field": "not_doing_reason"}
    other = client.patch(f"{BASE}/{ref}/follow-ups/987654", json={"title": "x"},
                         headers=bob.headers)  # fmt: skip
    assert error_of(other, 404, "not_found")["message"] == "follow-up 987654 does not exist"

    everything = client.get("/api/v1/follow-ups", headers=bob.headers).json()
    assert {(f["incident"], f["problem_id"]) for f in everything} == {
        (public.reference, None),
        (None, problem_id),
    }
    detective = client.get("/api/v1/follow-ups", params={"action_type": "detective"},
                           headers=bob.headers).json()  # fmt: skip
    assert [f["id"] for f in detective] == [action["id"]]
    detail = client.get(f"{BASE}/{ref}", headers=alice.headers).json()
    assert [f["id"] for f in detail["follow_ups"]] == [action["id"]]
    kinds = [e["kind"] for e in client.get(f"{BASE}/{ref}/timeline", headers=alice.headers).json()]
    assert kinds[-2:] == ["follow_up_created", "follow_up_status"]
