from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import make_incident, make_person, make_service


def test_raise_a_problem_from_incidents_and_work_it(client: TestClient, session: Session) -> None:
    alice = make_person(session)
    db = make_service(session, "db")
    first = make_incident(session, alice, title="Replica lag", service_ids=[db.id])
    second = make_incident(session, alice, title="Replica lag again", service_ids=[db.id])
    session.commit()
    created = client.post(
        "/api/v1/problems/raise",
        json={"incidents": [first.reference, second.reference]},
        headers=alice.headers,
    )
    assert created.status_code == 201, created.text
    problem = created.json()
    assert problem["reference"].startswith("PRB-")
    assert [s["name"] for s in problem["services"]] == ["db"]
    assert problem["impact"]["incident_count"] == 2
    ref = problem["reference"]
    bad = client.post(
        f"{'/api/v1/problems/'}{ref}/transition", json={"state": "resolved"}, headers=alice.headers
    )
    assert bad.status_code == 409
    assert "investigating" in bad.json()["error"]["details"]["allowed"]
    client.put(
        f"/api/v1/problems/{ref}/root-cause",
        json={"statement": "WAL archiving stalls"},
        headers=alice.headers,
    )
    for state in ("investigating", "root_cause_identified"):
        moved = client.post(
            f"/api/v1/problems/{ref}/transition", json={"state": state}, headers=alice.headers
        )
        assert moved.status_code == 200, moved.text
    assert moved.json()["root_cause_identified_at"] is not None
    known = client.post(
        f"/api/v1/problems/{ref}/known-errors",
        json={
            "title": "Replica lag from WAL archiving",
            "symptoms": "replica lag grows",
            "workaround": ["Restart the archiver"],
        },
        headers=alice.headers,
    )
    assert known.status_code == 201, known.text
    action = client.post(
        f"/api/v1/problems/{ref}/follow-ups",
        json={"title": "Alert on archiver lag", "action_type": "detective"},
        headers=alice.headers,
    )
    assert action.status_code == 201, action.text
    detail = client.get(f"/api/v1/problems/{ref}", headers=alice.headers).json()
    assert [k["reference"] for k in detail["known_errors"]] == [known.json()["reference"]]
    assert detail["follow_ups"][0]["action_type"] == "detective"
    incident_timeline = client.get(
        f"/api/v1/incidents/{first.reference}/timeline", headers=alice.headers
    ).json()
    assert any(e["kind"] == "problem_linked" for e in incident_timeline)
