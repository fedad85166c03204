"""What an action says it did: the ``wk-announce`` event of an htmx answer, the notice a
redirect leaves for the next page, and errors that name their form field."""

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident
from tests.web.helpers import HTML, hx, log_in

from watchkeep.http.announce import ANNOUNCE_EVENT, NOTICE_COOKIE, hx_trigger


def test_plain_events_stay_a_list_and_an_announcement_makes_json() -> None:
    assert hx_trigger(()) is None
    assert hx_trigger(["b", "a", "b"]) == "a, b"
    header = hx_trigger(["a"], "Übergabe an Zoë.")
    assert header is not None and header.isascii()  # header values are Latin-1
    assert json.loads(header) == {"a": None, ANNOUNCE_EVENT: "Übergabe an Zoë."}


def test_an_htmx_action_announces_what_it_did(
    client: TestClient, session: Session, alice: Person
) -> None:
    incident = make_incident(session, alice)
    session.commit()
    token = log_in(client, alice)
    response = client.post(
        f"/incidents/{incident.reference}/status",
        data={"status": "fixing"},
        headers=hx(token, "incident-header"),
    )
    assert response.status_code == 200, response.text
    assert json.loads(response.headers["HX-Trigger"]) == {
        ANNOUNCE_EVENT: "Status changed to Fixing."
    }


def test_a_refresh_announces_nothing(client: TestClient, session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    session.commit()
    token = log_in(client, alice)
    response = client.get(
        f"/incidents/{incident.reference}/panels/timeline", headers=hx(token, "timeline")
    )
    assert response.status_code == 200
    assert "HX-Trigger" not in response.headers


def test_a_redirect_leaves_a_notice_that_the_next_page_shows_once(
    client: TestClient, alice: Person
) -> None:
    token = log_in(client, alice)
    response = client.post(
        "/incidents",
        data={"csrf_token": token, "title": "Search is down", "severity": "SEV2"},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    reference = response.headers["location"].rsplit("/", 1)[1]
    assert NOTICE_COOKIE in response.cookies

    page = client.get(f"/incidents/{reference}", headers=HTML)
    notice = re.search(r'<p class="notice" data-notice="([^"]+)">', page.text)
    assert notice and notice.group(1) == f"{reference} declared: SEV2, investigating."
    assert NOTICE_COOKIE not in client.cookies  # the page took it

    again = client.get(f"/incidents/{reference}", headers=HTML)
    assert 'class="notice"' not in again.text


def test_an_error_names_the_field_it_is_about(client: TestClient, alice: Person) -> None:
    token = log_in(client, alice)
    response = client.post(
        "/incidents", data={"title": "  ", "severity": "SEV2"}, headers=hx(token, "declare")
    )
    assert response.status_code == 422
    assert 'hx-swap-oob="innerHTML:#declare-error"' in response.text
    assert 'id="declare-error-message" data-error-for="title"' in response.text
    assert NOTICE_COOKIE not in response.cookies
