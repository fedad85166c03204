"""The changes attached to an incident, /api/v1/incidents/{ref}/changes: a GitHub deploy or a
PagerDuty change event on the incident's service reaches it through the worker, and a private
incident's changes look missing to those who may not see it."""

from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_service, make_source
from tests.factories.github import DEPLOYMENT_STATUS, changed, deliver

from watchkeep.alert.models import AlertSource
from watchkeep.app.components import worker_state
from watchkeep.app.tasks import build_registry
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings
from watchkeep.jobs.worker import Worker


@pytest.fixture
def source(session: Session) -> AlertSource:
    made = make_source(session, kind="github", service_id=make_service(session, "checkout").id)
    session.commit()
    return made


def run_jobs(database: Database, similarity: SimilarityStore) -> None:
    """What the worker does after the requests: every job due, a minute on."""
    later = utcnow() + timedelta(minutes=1)
    Worker(
        database,
        build_registry(),
        name="test",
        clock=lambda: later,
        state=worker_state(similarity=similarity, settings=Settings()),
    ).run_due()


def changes(client: TestClient, ref: str, person: Person) -> httpx.Response:
    return client.get(f"/api/v1/incidents/{ref}/changes", headers=person.headers)


def test_a_deploy_reaches_the_incidents_of_its_service_and_hides_with_a_private_one(
    client: TestClient,
    session: Session,
    database: Database,
    similarity: SimilarityStore,
    source: AlertSource,
    alice: Person,
    bob: Person,
) -> None:
    service_id = source.service_id
    assert service_id is not None
    public = make_incident(session, alice, service_ids=[service_id])
    secret = make_incident(session, alice, service_ids=[service_id], incident_type="Security")
    elsewhere = make_incident(session, alice, service_ids=[make_service(session).id])
    session.commit()
    deploy = changed(DEPLOYMENT_STATUS, deployment_status__created_at=utcnow().isoformat())
    assert deliver(client, source, "deployment_status", deploy).status_code == 202
    run_jobs(database, similarity)

    [attached] = changes(client, public.reference, bob).json()
    assert attached["kind"] == "deploy"
    assert attached["reference"] == "github:Codertocat/Hello-World:deployment/145988746:success"
    assert attached["summary"] == "Deployed Codertocat/Hello-World main (f95f852) to production"
    assert changes(client, elsewhere.reference, bob).json() == []
    assert [c["id"] for c in changes(client, secret.reference, alice).json()] == [attached["id"]]
    hidden, missing = changes(client, secret.reference, bob), changes(client, "INC-987654", bob)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"]["message"].replace(secret.reference, "INC-?") == missing.json()[
        "error"
    ]["message"].replace("INC-987654", "INC-?")
    timeline = client.get(f"/api/v1/incidents/{public.reference}/timeline", headers=bob.headers)
    entry = next(e for e in timeline.json() if e["kind"] == "change_attached")
    assert entry["title"] == "Deploy: " + attached["summary"]


def test_a_pagerduty_change_event_attaches_the_same_way(
    client: TestClient,
    session: Session,
    database: Database,
    similarity: SimilarityStore,
    alice: Person,
) -> None:
    service = make_service(session, "payments")
    source = make_source(session, kind="pagerduty", service_id=service.id)
    incident = make_incident(session, alice, service_ids=[service.id])
    session.commit()
    body = {
        "routing_key": source.integration_key,
        "payload": {"summary": "Feature flag new-checkout on", "source": "flags"},
    }
    assert client.post("/v2/change/enqueue", json=body).status_code == 202
    run_jobs(database, similarity)
    [attached] = changes(client, incident.reference, alice).json()
    assert (attached["kind"], attached["summary"]) == ("change", "Feature flag new-checkout on")
    assert attached["reference"] == f"CHG-{attached['id']}"
