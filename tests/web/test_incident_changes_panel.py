"""The incident page's Changes panel: the change events attached to the incident, with their
kind, time, service and links."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_service, make_source
from tests.web.helpers import HTML, HX, log_in

from watchkeep.alert import attachments, changes
from watchkeep.alert.normalize import Change, Link
from watchkeep.core.clock import utcnow


def test_the_incident_page_shows_its_changes(
    client: TestClient, session: Session, alice: Person
) -> None:
    service = make_service(session, "checkout")
    source = make_source(session, kind="pagerduty", service_id=service.id)
    incident = make_incident(session, alice, service_ids=[service.id])
    now = utcnow()
    change = Change(
        "Deployed checkout v42",
        "ci",
        now - timedelta(minutes=20),
        links=(Link("https://ci.example.com/builds/42", "Build 42"),),
        kind="deploy",
    )
    stored, _ = changes.record(session, source=source, body={}, change=change, now=now)
    attachments.attach_change(session, change_id=stored.id, lookback=timedelta(hours=2), now=now)
    quiet = make_incident(session, alice)
    session.commit()
    log_in(client, alice)

    page = client.get(f"/incidents/{incident.reference}", headers=HTML)
    assert page.status_code == 200, page.text
    panel = page.text.split('<section id="changes"', 1)[1].split("</section>", 1)[0]
    assert "Deployed checkout v42" in panel and ">Deploy<" in panel
    assert 'href="https://ci.example.com/builds/42"' in panel
    assert stored.reference in panel
    assert "Deploy: Deployed checkout v42" in page.text  # on the timeline too
    url = f"/incidents/{quiet.reference}/panels/changes"
    refreshed = client.get(url, headers=HX).text
    assert "No deploys or other changes" in refreshed
    assert "every 60s" in refreshed
