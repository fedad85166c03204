"""A merged incident takes no more changes; roles go to people who can act; the follow-ups
page links a problem's actions to their problem."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_action, make_incident, make_person, make_problem
from tests.web.helpers import HTML, hx, log_in

from watchkeep.core.clock import utcnow
from watchkeep.incident.models import Incident
from watchkeep.incident.status import merge


@pytest.fixture
def merged(session: Session, alice: Person) -> tuple[Incident, Incident]:
    target = make_incident(session, alice, title="Checkout is down")
    duplicate = make_incident(session, alice, title="Payments fail", status="triage")
    merge(session, incident=duplicate, actor=alice.actor, into=target.reference, now=utcnow())
    session.commit()
    return duplicate, target


def test_a_merged_incident_shows_no_editing_controls(
    client: TestClient, merged: tuple[Incident, Incident], alice: Person
) -> None:
    duplicate, target = merged
    log_in(client, alice)
    page = client.get(f"/incidents/{duplicate.reference}", headers=HTML).text
    assert f'Merged into <a href="/incidents/{target.reference}">' in page
    for control in ('id="note-text"', 'id="update-message"', 'id="severity-select"', "/pin"):
        assert control not in page
    assert 'action="/incidents/' + duplicate.reference + '/fields"' not in page
    live = client.get(f"/incidents/{target.reference}", headers=HTML).text
    assert 'id="note-text"' in live


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("notes", {"text": "Still happening"}),
        ("severity", {"severity": "SEV1"}),
        ("updates", {"message": "Looking"}),
        ("follow-ups", {"title": "Add alerts"}),
        ("edit", {"title": "New title", "summary": ""}),
    ],
)
def test_the_server_refuses_changes_to_a_merged_incident(
    client: TestClient,
    merged: tuple[Incident, Incident],
    alice: Person,
    path: str,
    data: dict[str, str],
) -> None:
    duplicate, target = merged
    token = log_in(client, alice)
    response = client.post(
        f"/incidents/{duplicate.reference}/{path}", data=data, headers=hx(token, "timeline")
    )
    assert response.status_code == 409, response.text
    assert f"{duplicate.reference} is merged into {target.reference}" in response.text


def test_the_api_refuses_changes_to_a_merged_incident(
    client: TestClient, merged: tuple[Incident, Incident], alice: Person
) -> None:
    duplicate, target = merged
    response = client.patch(
        f"/api/v1/incidents/{duplicate.reference}", json={"title": "x"}, headers=alice.headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        f"{duplicate.reference} is merged into {target.reference} and can no longer be "
        f"changed; make the change on {target.reference}"
    )


def test_role_dropdowns_offer_only_people_who_can_act(
    client: TestClient, session: Session, alice: Person
) -> None:
    incident = make_incident(session, alice)
    viewer = make_person(session, "viewer", name="Vic Viewer")
    admin = make_person(session, "admin", name="Ada Admin")
    session.commit()
    token = log_in(client, alice)
    page = client.get(f"/incidents/{incident.reference}", headers=HTML).text
    roles = page[page.index('id="roles"') : page.index("</section>", page.index('id="roles"'))]
    assert "Ada Admin" in roles
    assert "Vic Viewer" not in roles
    refused = client.post(
        f"/incidents/{incident.reference}/roles/comms",
        data={"user_id": str(viewer.user.id)},
        headers=hx(token, "roles"),
    )
    assert refused.status_code == 422
    assert "Vic Viewer is a viewer and cannot hold a role" in refused.text
    given = client.post(
        f"/incidents/{incident.reference}/roles/comms",
        data={"user_id": str(admin.user.id)},
        headers=hx(token, "roles"),
    )
    assert given.status_code == 200


def test_the_follow_ups_page_links_a_problem_action_to_its_problem(
    client: TestClient, session: Session, alice: Person
) -> None:
    problem = make_problem(session, alice, title="Proxy resets connections")
    make_action(session, alice, problem, title="Upgrade the proxy")
    session.commit()
    log_in(client, alice)
    page = client.get("/follow-ups", headers=HTML).text
    assert f'<a class="ref" href="/problems/{problem.reference}#actions">' in page
    assert "Proxy resets connections" in page
    assert "Problem #" not in page
