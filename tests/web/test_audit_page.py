"""The audit log page: admins only, linked from the header, filtered, paged, htmx fragments."""

from datetime import timedelta
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_person
from tests.web.helpers import HTML, HX, log_in

from watchkeep.auth import service as auth
from watchkeep.auth.web.audit import AUDIT_PAGE_SIZE
from watchkeep.catalog import service as catalog
from watchkeep.core.clock import utcnow


def test_only_admins_see_the_audit_log(client: TestClient, session: Session, alice: Person) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    log_in(client, alice)
    assert client.get("/admin/audit", headers=HTML).status_code == 403
    assert 'href="/admin/users"' not in client.get("/", headers=HTML).text
    log_in(client, admin)
    assert 'href="/admin/users"' in client.get("/", headers=HTML).text


def test_a_browser_without_a_session_goes_to_the_login_page(client: TestClient) -> None:
    response = client.get("/admin/audit", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/audit"


def test_the_page_shows_who_changed_what(
    client: TestClient, session: Session, alice: Person
) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    service = catalog.create_service(
        session, actor=admin.actor, now=utcnow(), name="checkout", description="Orders"
    )
    catalog.update_service(
        session, actor=admin.actor, now=utcnow(), service_id=service.id, description="Payments"
    )
    auth.change_role(session, actor=admin.actor, now=utcnow(), user_id=alice.user.id, role="viewer")
    session.commit()
    log_in(client, admin)
    page = client.get("/admin/audit", headers=HTML)
    assert page.status_code == 200
    text = unescape(page.text)
    assert 'aria-current="page">Audit log' in text
    for shown in (
        "service:update",
        "Service checkout changed: description",
        "Orders",
        "→ Payments",
        "user:role_change",
        "responder → viewer",
        "Ada Admin",
        "System",  # the defaults made at install
    ):
        assert shown in text, shown
    table = text[text.index('<section id="results"') :]  # after the filters' options
    assert table.index("user:role_change") < table.index("service:update")  # newest first
    assert table.index("service:update") < table.index("service:create")


def test_filters_and_fragments(client: TestClient, session: Session) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    catalog.create_team(session, actor=admin.actor, now=utcnow(), name="SRE")
    catalog.create_service(session, actor=admin.actor, now=utcnow(), name="checkout")
    session.commit()
    log_in(client, admin)
    page = client.get("/admin/audit?subject_type=team", headers=HTML).text
    assert "Team SRE created" in page
    assert "Service checkout created" not in page
    assert '<option value="team" selected>' in page
    assert '<option value="service:create"' in page
    fragment = client.get("/admin/audit?action=service:create", headers=HX).text
    assert fragment.lstrip().startswith('<section id="results"')
    assert "Service checkout created" in fragment
    assert "Team SRE created" not in fragment
    empty = client.get("/admin/audit?action=team:update", headers=HX).text
    assert "No audit records match these filters." in empty


def test_pages_of_fifty(client: TestClient, session: Session) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    later = utcnow() + timedelta(days=1)  # after the fixtures' own records
    for n in range(AUDIT_PAGE_SIZE + 1):
        catalog.create_service(
            session, actor=admin.actor, now=later + timedelta(seconds=n), name=f"svc-{n:03}"
        )
    session.commit()
    log_in(client, admin)
    first = client.get("/admin/audit?subject_type=service", headers=HTML).text
    assert "svc-050" in first
    assert "svc-000" not in first
    assert 'href="?subject_type=service&amp;page=2"' in first
    second = client.get("/admin/audit?subject_type=service&page=2", headers=HTML).text
    assert "svc-000" in second
    assert "Older →" not in second


def test_the_log_is_filtered_by_who_made_the_change(client: TestClient, session: Session) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    other = make_person(session, "admin", "Otto Other")
    catalog.create_team(session, actor=admin.actor, now=utcnow(), name="SRE")
    catalog.create_team(session, actor=other.actor, now=utcnow(), name="DBA")
    session.commit()
    log_in(client, admin)
    page = client.get(f"/admin/audit?who={other.user.id}", headers=HTML).text
    assert "Team DBA created" in page and "Team SRE created" not in page
    assert f'<option value="{other.user.id}" selected>Otto Other</option>' in page
    system = unescape(client.get("/admin/audit?who=system&subject_type=severity", headers=HX).text)
    assert "System" in system and "Ada Admin" not in system
    bad = client.get("/admin/audit?who=someone", headers=HTML)
    assert bad.status_code == 422
