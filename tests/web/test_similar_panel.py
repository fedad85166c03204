"""The incident page's similar-incidents panel, before and after the index's first build."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_service
from tests.web.helpers import HTML, HX, log_in

from watchkeep.assist.keeper import SimilarityStore


def panel_of(page: str) -> str:
    return (
        '<section id="similar"'
        + page.split('<section id="similar"', 1)[1].split("</section>", 1)[0]
    )


def test_the_panel_reads_the_stored_index_as_the_worker_left_it(
    unindexed_client: TestClient, similarity: SimilarityStore, session: Session, alice: Person
) -> None:
    client = unindexed_client
    orders = make_service(session, "orders")
    incident = make_incident(
        session, alice, title="Kafka consumer group stuck", service_ids=[orders.id]
    )
    make_incident(session, alice, title="Kafka consumer group stuck again", service_ids=[orders.id])
    session.commit()
    log_in(client, alice)
    url = f"/incidents/{incident.reference}"

    page = client.get(url, headers=HTML)
    assert page.status_code == 200, page.text
    before = panel_of(page.text)  # a request never indexes: nothing is stored yet
    assert "Nothing similar" in before
    assert "every 2s" not in before

    similarity.refresh()
    ready = client.get(f"{url}/panels/similar", headers=HX).text
    assert "Kafka consumer group stuck again" in ready
    assert "being indexed" not in ready
    assert "every 2s" not in ready  # from now on it refreshes on the incident's own changes
    assert "incident-content-changed from:body" in ready
