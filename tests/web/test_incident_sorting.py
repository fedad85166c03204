"""The incident list page: a Lead column, and sorting by its column headers or the Sort
choice, which keep the filters; an unknown order is ignored."""

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_person
from tests.web.helpers import HTML, HX, log_in

from watchkeep.core.clock import utcnow


def references(page: str) -> list[str]:
    return re.findall(r'<a class="ref" href="/incidents/(INC-\d+)">', page)


def test_the_list_shows_leads_and_sorts_by_its_headers(
    client: TestClient, session: Session, alice: Person
) -> None:
    zoe = make_person(session, name="Zoe Lead")
    now = utcnow()
    major = make_incident(session, alice, severity="SEV1", title="Major", now=now - timedelta(2))
    minor = make_incident(
        session, alice, severity="SEV3", title="Minor", lead_id=zoe.user.id, now=now
    )
    session.commit()
    log_in(client, alice)

    page = client.get("/incidents", headers=HTML).text
    assert references(page) == [minor.reference, major.reference]  # newest first
    assert "Zoe Lead" in page and alice.user.name in page  # the Lead column
    declared = 'aria-sort="descending"><a class="sort-link" href="/incidents?sort=declared">'
    assert f'<th class="hide-sm" {declared}Declared' in page
    assert '<th><a class="sort-link" href="/incidents?sort=severity">Severity</a></th>' in page
    assert 'href="/incidents?sort=-duration">Duration' in page
    assert '<option value="-declared" selected>Newest first</option>' in page

    by_severity = client.get("/incidents?sort=severity&q=o&page=1", headers=HTML).text
    assert references(by_severity) == [major.reference, minor.reference]
    assert (
        '<th aria-sort="ascending"><a class="sort-link" href="/incidents?q=o&amp;sort=-severity">'
        in by_severity
    )  # asked again it reverses, and the filters stay
    assert 'href="/incidents?q=o&amp;sort=lead"' in by_severity  # the page is not kept
    assert '<option value="severity" selected>Most severe first</option>' in by_severity

    by_lead = client.get("/incidents?sort=-lead", headers=HX).text  # the results, for htmx
    assert references(by_lead) == [minor.reference, major.reference]  # Zoe before Alice
    assert 'aria-sort="descending"><a class="sort-link" href="/incidents?sort=lead">Lead' in by_lead


def test_an_unknown_order_is_ignored(client: TestClient, session: Session, alice: Person) -> None:
    make_incident(session, alice)
    session.commit()
    log_in(client, alice)
    response = client.get("/incidents?sort=title", headers=HTML)
    assert response.status_code == 200
    assert 'aria-sort="descending"><a class="sort-link" href="/incidents?sort=declared">' in (
        response.text
    )
