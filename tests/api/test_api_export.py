import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident


def rows(client: TestClient, person: Person, **params: object) -> list[dict[str, str]]:
    response = client.get("/api/v1/incidents/export", params=params, headers=person.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_export_filters_like_the_list_and_keeps_private_incidents_private(
    client: TestClient, session: Session, alice: Person, bob: Person, admin: Person
) -> None:
    make_incident(session, alice, title="Public outage", severity="SEV1")
    make_incident(session, alice, title="Leaked keys", incident_type="Security")
    make_incident(session, alice, title="Minor blip", severity="SEV4", status="triage")
    session.commit()

    assert [r["title"] for r in rows(client, alice)] == [
        "Minor blip",
        "Leaked keys",
        "Public outage",
    ]
    assert [r["title"] for r in rows(client, bob)] == ["Minor blip", "Public outage"]
    assert len(rows(client, admin)) == 3
    live = rows(client, alice, category="live")
    assert {r["title"] for r in live} == {"Leaked keys", "Public outage"}
    assert live[-1]["severity"] == "SEV1"
    assert live[-1]["declared_at"].endswith("Z")


def test_export_needs_authentication(client: TestClient) -> None:
    assert client.get("/api/v1/incidents/export").status_code == 401


FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"]


def test_export_keeps_text_that_looks_like_a_formula_as_text(
    client: TestClient, session: Session, alice: Person
) -> None:
    for title in FORMULAS:
        make_incident(session, alice, title=title)
    session.commit()

    titles = {r["title"] for r in rows(client, alice)}

    assert titles == {"'" + title for title in FORMULAS}
