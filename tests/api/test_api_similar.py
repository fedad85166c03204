"""/api/v1/incidents/{ref}/similar and /api/v1/similar: ranked answers with reasons, and no
private incident for those who may not see it."""

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_past_incident, make_service

from watchkeep.assist.keeper import SimilarityStore
from watchkeep.incident.models import Incident

LAG = (
    ("Kafka consumer lag on orders topic", "consumer group stuck, backlog growing"),
    ("Orders consumer group stuck", "kafka lag growing on orders"),
    ("Orders backlog: kafka consumers not consuming", "consumer lag alert fired"),
)
NOISE = (
    ("TLS certificate expired on the API gateway", "handshake failures for all clients"),
    ("Disk full on db-2", "postgres stopped accepting writes"),
    ("Login page slow for EU users", "CDN cache misses after a config push"),
)


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    return error


@pytest.fixture
def lag(session: Session, alice: Person) -> list[Incident]:
    orders, web = make_service(session, "orders"), make_service(session, "web")
    made = [
        make_past_incident(session, alice, title=title, summary=summary, service_ids=[orders.id])
        for title, summary in LAG
    ]
    for title, summary in NOISE:
        make_past_incident(session, alice, title=title, summary=summary, service_ids=[web.id])
    session.commit()
    return made


def refs(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["incident"]["reference"] for row in response.json()]


def test_similar_to_an_incident(client: TestClient, lag: list[Incident], viewer: Person) -> None:
    response = client.get(
        f"/api/v1/incidents/{lag[0].reference}/similar", params={"k": 3}, headers=viewer.headers
    )
    found = refs(response)
    assert lag[0].reference not in found
    assert set(found[:2]) == {lag[1].reference, lag[2].reference}
    top = response.json()[0]
    assert set(top) == {"incident", "score", "reasons", "weak", "verdict"}
    assert top["weak"] is False
    assert top["verdict"] is None
    assert 0 < top["score"] <= 1
    assert "same service orders" in top["reasons"]
    assert any(r.startswith("matched terms: ") for r in top["reasons"])
    assert top["incident"]["services"][0]["name"] == "orders"
    scores = [row["score"] for row in response.json()]
    assert scores == sorted(scores, reverse=True)
    one = client.get(
        f"/api/v1/incidents/{lag[0].reference}/similar", params={"k": 1}, headers=viewer.headers
    )
    assert len(one.json()) == 1


def test_similar_to_free_text(client: TestClient, lag: list[Incident], alice: Person) -> None:
    response = client.get("/api/v1/similar", params={"q": "kafka consumer stuck"},
                          headers=alice.headers)  # fmt: skip
    assert set(refs(response)[:3]) == {i.reference for i in lag}
    assert refs(client.get("/api/v1/similar", params={"q": "zebra giraffe"},
                           headers=alice.headers)) == []  # fmt: skip


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "q: Field required"),
        ({"q": "ab"}, "describe what you see in at least 3 characters"),
        ({"q": "kafka", "k": 0}, "k: Input should be greater than or equal to 1"),
        ({"q": "kafka", "k": 51}, "k: Input should be less than or equal to 50"),
    ],
)
def test_free_text_search_names_what_to_fix(
    client: TestClient, alice: Person, params: dict[str, Any], message: str
) -> None:
    response = client.get("/api/v1/similar", params=params, headers=alice.headers)
    assert error_of(response, 422, "invalid")["message"] == message


def test_similar_to_refuses_bad_k_and_unknown_incidents(
    client: TestClient, lag: list[Incident], alice: Person
) -> None:
    url = f"/api/v1/incidents/{lag[0].reference}/similar"
    for k in (0, 51):
        assert client.get(url, params={"k": k}, headers=alice.headers).status_code == 422
    missing = client.get("/api/v1/incidents/INC-987654/similar", headers=alice.headers)
    assert error_of(missing, 404, "not_found")["message"] == "incident INC-987654 does not exist"


def test_private_incidents_never_reach_outsiders(
    client: TestClient, session: Session, lag: list[Incident], alice: Person, bob: Person,
    admin: Person,
) -> None:  # fmt: skip
    secret = make_past_incident(
        session,
        alice,
        title="Kafka consumer group stuck on orders",
        summary="consumer lag growing, backlog",
        service_ids=[lag[0].services[0].id],
        private=True,
    )
    session.commit()
    asks = (
        ("/api/v1/similar", {"q": "kafka consumer group stuck", "k": 50}),
        (f"/api/v1/incidents/{lag[0].reference}/similar", {"k": 50}),
    )
    for url, params in asks:
        assert secret.reference not in refs(client.get(url, params=params, headers=bob.headers))
        for insider in (alice, admin):
            assert secret.reference in refs(client.get(url, params=params,
                                                       headers=insider.headers))  # fmt: skip
    hidden = client.get(f"/api/v1/incidents/{secret.reference}/similar", headers=bob.headers)
    assert error_of(hidden, 404, "not_found")["message"] == (
        f"incident {secret.reference} does not exist"
    )
    own = client.get(f"/api/v1/incidents/{secret.reference}/similar", headers=alice.headers)
    assert secret.reference not in refs(own)
    assert set(refs(own)) & {i.reference for i in lag}


def test_an_edited_incident_is_found_under_its_new_title(
    client: TestClient, lag: list[Incident], alice: Person
) -> None:
    ask = {"q": "replication slot filled"}
    assert refs(client.get("/api/v1/similar", params=ask, headers=alice.headers)) == []
    edited = client.patch(f"/api/v1/incidents/{lag[2].reference}",
                          json={"title": "Replication slot filled the disk"},
                          headers=alice.headers)  # fmt: skip
    assert edited.status_code == 200, edited.text
    found = refs(client.get("/api/v1/similar", params=ask, headers=alice.headers))
    assert found[:1] == [lag[2].reference]


def test_before_the_indexer_runs_the_answers_are_empty(
    unindexed_client: TestClient, similarity: SimilarityStore, lag: list[Incident], alice: Person
) -> None:
    """A request never indexes nor waits for the indexer: until the worker has indexed the
    incidents it answers as for a history with nothing alike, and with them once indexed."""
    client = unindexed_client
    url = f"/api/v1/incidents/{lag[0].reference}/similar"
    ask = {"q": "kafka consumer group stuck"}
    assert refs(client.get(url, headers=alice.headers)) == []
    assert refs(client.get("/api/v1/similar", params=ask, headers=alice.headers)) == []
    too_short = client.get("/api/v1/similar", params={"q": "ab"}, headers=alice.headers)
    assert error_of(too_short, 422, "invalid")  # the question is still checked
    missing = client.get("/api/v1/incidents/INC-987654/similar", headers=alice.headers)
    assert error_of(missing, 404, "not_found")

    similarity.refresh()
    assert lag[1].reference in refs(client.get(url, headers=alice.headers))
    assert lag[0].reference in refs(client.get("/api/v1/similar", params=ask,
                                               headers=alice.headers))  # fmt: skip
