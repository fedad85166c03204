"""The admin pages of severities and incident types: list, create, edit; admins only."""

import json
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person, make_person
from tests.web.helpers import HTML, hx, log_in

from watchkeep.auth.models import AuditRecord
from watchkeep.incident.models import IncidentType, Severity


def announcement(response: object) -> str:
    text: str = json.loads(response.headers["HX-Trigger"])["wk-announce"]  # type: ignore[attr-defined]
    return text


def test_only_admins(client: TestClient, session: Session, alice: Person) -> None:
    token = log_in(client, alice)
    for url in ("/admin/severities", "/admin/incident-types"):
        assert client.get(url, headers=HTML).status_code == 403
        refused = client.post(url, data={"name": "X", "rank": "9"}, headers=hx(token, "config"))
        assert refused.status_code == 403
    assert session.scalar(select(Severity).where(Severity.name == "X")) is None


def test_severities_are_listed_created_and_edited(client: TestClient, session: Session) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    token = log_in(client, admin)
    page = unescape(client.get("/admin/severities", headers=HTML).text)
    assert "SEV1" in page and "15 min" in page and 'aria-current="page">Severities' in page
    made = client.post(
        "/admin/severities",
        data={"name": "SEV5", "rank": "5", "update_minutes": "", "description": "Cosmetic"},
        headers=hx(token, "config"),
    )
    assert made.status_code == 200, made.text
    assert announcement(made) == "Severity SEV5 created."
    session.expire_all()
    sev5 = session.scalars(select(Severity).where(Severity.name == "SEV5")).one()
    assert (sev5.rank, sev5.update_minutes, sev5.description) == (5, None, "Cosmetic")
    saved = client.post(
        f"/admin/severities/{sev5.id}",
        data={"name": "SEV5", "rank": "5", "update_minutes": "240", "description": "Cosmetic"},
        headers=hx(token, "config"),
    )
    assert announcement(saved) == "Severity SEV5 saved."
    session.expire_all()
    assert session.get(Severity, sev5.id).update_minutes == 240  # type: ignore[union-attr]
    record = session.scalars(
        select(AuditRecord).where(AuditRecord.action == "severity:update")
    ).one()
    assert record.changes == {"update_minutes": [None, 240]}


def test_bad_severities_are_refused_in_the_error_slot(client: TestClient, session: Session) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    token = log_in(client, admin)
    sev1 = session.scalars(select(Severity).where(Severity.name == "SEV1")).one()
    cases = [
        ("/admin/severities", {"name": "", "rank": "5"}, 422, "name"),
        ("/admin/severities", {"name": "S", "rank": "x"}, 422, "rank"),
        ("/admin/severities", {"name": "S", "rank": "-1"}, 422, "rank"),
        (
            "/admin/severities",
            {"name": "S", "rank": "5", "update_minutes": "99999"},
            422,
            "update_minutes",
        ),
        ("/admin/severities", {"name": "SEV2", "rank": "5"}, 409, "name"),
        (f"/admin/severities/{sev1.id}", {"name": "SEV2", "rank": "1"}, 409, "name"),
        ("/admin/severities", {"name": "S" * 51, "rank": "5"}, 422, "name"),
    ]
    for url, data, status, field in cases:
        refused = client.post(url, data=data, headers=hx(token, "config"))
        assert refused.status_code == status, (data, refused.text)
        assert 'hx-swap-oob="innerHTML:#config-error"' in refused.text
        assert f'data-error-for="{field}"' in refused.text, data
    assert (
        client.post(
            "/admin/severities/999999", data={"name": "Z", "rank": "1"}, headers=hx(token, "config")
        ).status_code
        == 404
    )
    session.expire_all()
    assert session.scalar(select(Severity).where(Severity.name == "S")) is None
    assert session.get(Severity, sev1.id).name == "SEV1"  # type: ignore[union-attr]


def test_incident_types_are_listed_created_and_edited(client: TestClient, session: Session) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    token = log_in(client, admin)
    assert "Security" in client.get("/admin/incident-types", headers=HTML).text
    made = client.post(
        "/admin/incident-types",
        data={"name": "Data loss", "rank": "4", "private_by_default": "true"},
        headers=hx(token, "config"),
    )
    assert announcement(made) == "Incident type Data loss created."
    session.expire_all()
    found = session.scalars(select(IncidentType).where(IncidentType.name == "Data loss")).one()
    assert found.private_by_default and found.rank == 4
    saved = client.post(
        f"/admin/incident-types/{found.id}",
        data={"name": "Data loss", "rank": "0", "description": "Lost writes"},
        headers=hx(token, "config"),
    )
    assert announcement(saved) == "Incident type Data loss saved."  # rank 0 is a rank
    session.expire_all()
    again = session.get(IncidentType, found.id)
    assert again is not None and not again.private_by_default
    assert again.description == "Lost writes" and again.rank == 0
    plain = client.post(
        "/admin/incident-types",
        data={"name": "Other", "rank": "9", "csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert plain.status_code == 303 and plain.headers["location"] == "/admin/incident-types"
