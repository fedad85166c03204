"""/api/v1/incidents/{ref}/similar?state=past|live and the verdicts responders give on its
answers (PUT and DELETE /api/v1/incidents/{ref}/similar/{other_ref}/feedback)."""

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_past_incident, make_service

from watchkeep.assist.models import SimilarityFeedback
from watchkeep.incident.models import Incident

TITLE, SUMMARY = "Kafka consumer lag on orders topic", "consumer group stuck, backlog growing"


@pytest.fixture
def desk(session: Session, alice: Person) -> dict[str, Incident]:
    orders = make_service(session, "orders")
    about = {"title": TITLE, "summary": SUMMARY, "service_ids": [orders.id]}
    made = {
        "query": make_incident(session, alice, **about),
        "past": make_past_incident(session, alice, **about),
        "past2": make_past_incident(session, alice, **about),
        "live": make_incident(session, alice, status="fixing", **about),
        "toner": make_past_incident(session, alice, title="Printer out of toner"),
    }
    session.commit()
    return made


def refs(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["incident"]["reference"] for row in response.json()]


def stored(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SimilarityFeedback)) or 0


def test_past_by_default_live_on_request(
    client: TestClient, desk: dict[str, Incident], alice: Person
) -> None:
    url = f"/api/v1/incidents/{desk['query'].reference}/similar"
    past = {desk["past"].reference, desk["past2"].reference}
    assert set(refs(client.get(url, headers=alice.headers))) == past
    assert set(refs(client.get(url, params={"state": "past"}, headers=alice.headers))) == past
    live = refs(client.get(url, params={"state": "live"}, headers=alice.headers))
    assert live == [desk["live"].reference]
    text = client.get("/api/v1/similar", params={"q": "kafka consumer lag"}, headers=alice.headers)
    assert set(refs(text)) == past
    live_text = client.get(
        "/api/v1/similar", params={"q": "kafka consumer lag", "state": "live"},
        headers=alice.headers,
    )  # fmt: skip
    assert set(refs(live_text)) == {desk["query"].reference, desk["live"].reference}
    bad = client.get(url, params={"state": "open"}, headers=alice.headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid"


def test_verdicts_hide_pin_replace_and_withdraw_both_ways(
    client: TestClient, session: Session, desk: dict[str, Incident], alice: Person, bob: Person
) -> None:
    query, past, past2, toner = (desk[n].reference for n in ("query", "past", "past2", "toner"))
    url = f"/api/v1/incidents/{query}/similar"

    def feedback(ref: str, other: str) -> str:
        return f"/api/v1/incidents/{ref}/similar/{other}/feedback"

    put = client.put(feedback(query, past), json={"verdict": "not_similar"}, headers=alice.headers)
    assert put.status_code == 200, put.text
    body = put.json()
    assert {k: body[k] for k in ("incident", "other", "verdict", "actor_id")} == {
        "incident": query, "other": past, "verdict": "not_similar", "actor_id": alice.user.id,
    }  # fmt: skip
    assert refs(client.get(url, headers=alice.headers)) == [past2]
    other_side = client.get(
        f"/api/v1/incidents/{past}/similar", params={"state": "live"}, headers=alice.headers
    )
    assert query not in refs(other_side)

    # Given from the other incident's side, a new verdict replaces the old one.
    again = client.put(feedback(past, query), json={"verdict": "same_cause"}, headers=bob.headers)
    assert again.status_code == 200, again.text
    assert stored(session) == 1
    first = client.get(url, headers=alice.headers).json()[0]
    assert first["incident"]["reference"] == past
    assert first["verdict"] == "same_cause"
    assert first["reasons"][0] == "a responder marked it as the same cause"

    # Same cause puts even an incident that shares nothing first.
    pinned = client.put(feedback(query, toner), json={"verdict": "same_cause"},
                        headers=alice.headers)  # fmt: skip
    assert pinned.status_code == 200
    # Pinned ones among themselves: the better match first.
    assert refs(client.get(url, headers=alice.headers))[:2] == [past, toner]

    gone = client.delete(feedback(query, past), headers=alice.headers)
    assert gone.status_code == 204
    rows = client.get(url, headers=alice.headers).json()
    assert rows[0]["incident"]["reference"] == toner
    assert next(r for r in rows if r["incident"]["reference"] == past)["verdict"] is None
    twice = client.delete(feedback(query, past), headers=alice.headers)
    assert twice.status_code == 404
    assert twice.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [{"verdict": "maybe"}, {}, {"verdict": None}, {"verdict": "same_cause", "extra": 1},
     {"verdict": 1}],
)  # fmt: skip
def test_a_bad_verdict_is_refused_and_nothing_is_stored(
    client: TestClient, session: Session, desk: dict[str, Incident], alice: Person, body: object
) -> None:
    url = f"/api/v1/incidents/{desk['query'].reference}/similar/{desk['past'].reference}/feedback"
    response = client.put(url, json=body, headers=alice.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid"
    assert stored(session) == 0


def test_an_incident_is_not_compared_with_itself(
    client: TestClient, session: Session, desk: dict[str, Incident], alice: Person
) -> None:
    ref = desk["query"].reference
    response = client.put(
        f"/api/v1/incidents/{ref}/similar/{ref}/feedback", json={"verdict": "same_cause"},
        headers=alice.headers,
    )  # fmt: skip
    assert response.status_code == 422
    assert stored(session) == 0


def test_viewers_may_not_give_verdicts(
    client: TestClient, session: Session, desk: dict[str, Incident], viewer: Person
) -> None:
    url = f"/api/v1/incidents/{desk['query'].reference}/similar/{desk['past'].reference}/feedback"
    put = client.put(url, json={"verdict": "not_similar"}, headers=viewer.headers)
    assert put.status_code == 403
    assert put.json()["error"]["code"] == "forbidden"
    assert client.delete(url, headers=viewer.headers).status_code == 403
    assert stored(session) == 0


def test_a_private_incident_is_a_missing_one(
    client: TestClient, session: Session, desk: dict[str, Incident], alice: Person, bob: Person
) -> None:
    secret = make_past_incident(session, alice, title=TITLE, summary=SUMMARY, private=True)
    session.commit()
    query = desk["query"].reference
    for url in (
        f"/api/v1/incidents/{query}/similar/{secret.reference}/feedback",
        f"/api/v1/incidents/{secret.reference}/similar/{query}/feedback",
    ):
        put = client.put(url, json={"verdict": "same_cause"}, headers=bob.headers)
        assert put.status_code == 404
        assert put.json()["error"]["message"] == f"incident {secret.reference} does not exist"
        assert client.delete(url, headers=bob.headers).status_code == 404
    assert stored(session) == 0
    mine = client.put(
        f"/api/v1/incidents/{query}/similar/{secret.reference}/feedback",
        json={"verdict": "same_cause"}, headers=alice.headers,
    )  # fmt: skip
    assert mine.status_code == 200
    assert secret.reference not in refs(
        client.get(f"/api/v1/incidents/{query}/similar", headers=bob.headers)
    )
