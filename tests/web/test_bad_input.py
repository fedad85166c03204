"""Bad input through the web UI: the page says what is wrong and names the field, and
nothing is stored."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import Person
from tests.web.helpers import HTML, hx, log_in

from watchkeep.incident.models import Incident

PAST_64_BITS = 2**63


def incident_count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Incident)) or 0


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"title": "disk\x00full"}, "title"),
        ({"summary": "\x00"}, "summary"),
        ({"title": "x" * 301}, "title"),
        ({"summary": "x" * 20_001}, "summary"),
        ({"service_ids": str(PAST_64_BITS)}, "service_ids"),
    ],
)
def test_a_bad_declare_form_names_its_field_and_stores_nothing(
    client: TestClient, session: Session, alice: Person, form: dict[str, str], field: str
) -> None:
    token = log_in(client, alice)
    before = incident_count(session)
    data = {"title": "Disk full", "severity": "SEV2", **form}
    response = client.post("/incidents", data=data, headers=hx(token, "declare"))
    assert response.status_code == 422, response.text[:300]
    assert f'data-error-for="{field}"' in response.text
    assert incident_count(session) == before


@pytest.mark.parametrize(
    "path",
    [
        f"/incidents/INC-{PAST_64_BITS}",
        "/incidents/INC-%C2%B9",
        f"/schedules/{PAST_64_BITS}",
        "/schedules/%C2%B9",
        f"/problems/PRB-{2**31}",
    ],
)
def test_a_page_of_an_impossible_id_is_not_found(
    client: TestClient, alice: Person, path: str
) -> None:
    log_in(client, alice)
    assert client.get(path, headers=HTML).status_code == 404


@pytest.mark.parametrize("path", ["/incidents", "/problems"])
def test_a_page_number_past_any_list_is_refused(
    client: TestClient, alice: Person, path: str
) -> None:
    log_in(client, alice)
    response = client.get(f"{path}?page={PAST_64_BITS}", headers=HTML)
    assert response.status_code == 422
    assert client.get(f"{path}?page=1000000", headers=HTML).status_code == 200


def test_a_nul_in_the_search_box_is_refused(client: TestClient, alice: Person) -> None:
    log_in(client, alice)
    response = client.get("/incidents?q=a%00b", headers=HTML)
    assert response.status_code == 422
    assert "NUL" in response.text
