"""The web UI over HTTP, on SQLite and PostgreSQL: login, CSRF, pages and htmx fragments."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import (
    Person,
    an_admin,
    make_follow_up,
    make_incident,
    make_person,
    make_service,
)
from tests.web.helpers import HTML, HX, PASSWORD, hx, log_in

from watchkeep.core.clock import utcnow
from watchkeep.followup import service as followups
from watchkeep.http.deps import SESSION_COOKIE
from watchkeep.incident import customfields, roles, timeline, updates
from watchkeep.incident import service as incidents
from watchkeep.incident.models import Incident
from watchkeep.incident.status import transition
from watchkeep.jobs import service as jobs
from watchkeep.jobs.models import DEAD, PENDING


def reloaded(session: Session, incident: Incident) -> Incident:
    """The incident as the database now has it (the app wrote through another session)."""
    session.expire_all()
    found = session.get(Incident, incident.id)
    assert found is not None
    return found


@pytest.fixture
def live(session: Session, alice: Person) -> Incident:
    incident = make_incident(session, alice, title="Checkout returns 502")
    session.commit()
    return incident


# ---------- login, logout, redirects ----------


def test_login_page_renders(client: TestClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert 'name="password"' in response.text


def test_a_wrong_password_shows_the_form_again_with_a_message(
    client: TestClient, alice: Person
) -> None:
    response = client.post("/login", data={"email": alice.user.email, "password": "nope"})
    assert response.status_code == 401
    assert "Wrong e-mail or password" in response.text
    assert SESSION_COOKIE not in response.cookies


def test_a_run_of_wrong_passwords_is_told_to_wait(client: TestClient, alice: Person) -> None:
    """Each failure is committed with its answer, so the run is counted across requests."""
    statuses = [
        client.post("/login", data={"email": alice.user.email, "password": "nope"}).status_code
        for _ in range(8)
    ]
    assert statuses == [401] * 6 + [429] * 2
    response = client.post("/login", data={"email": alice.user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 2
    assert "Too many failed logins; try again in" in response.text
    assert SESSION_COOKIE not in response.cookies


def test_the_right_password_sets_the_session_cookie_and_redirects(
    client: TestClient, alice: Person
) -> None:
    response = client.post(
        "/login",
        data={"email": alice.user.email, "password": PASSWORD, "next": "/incidents?q=x"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/incidents?q=x"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()


def test_login_never_redirects_off_site(client: TestClient, alice: Person) -> None:
    response = client.post(
        "/login",
        data={"email": alice.user.email, "password": PASSWORD, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_pages_send_strangers_to_the_login_page(client: TestClient) -> None:
    response = client.get("/incidents?q=db", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/incidents%3Fq%3Ddb"
    fragment = client.get("/", headers={**HX, "HX-Current-URL": "http://testserver/follow-ups"})
    assert fragment.status_code == 401
    assert fragment.headers["HX-Redirect"] == "/login?next=/follow-ups"


def test_the_login_page_passes_a_logged_in_user_on(client: TestClient, alice: Person) -> None:
    log_in(client, alice)
    response = client.get("/login?next=/follow-ups", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/follow-ups"


def test_logout_ends_the_session(client: TestClient, alice: Person) -> None:
    token = log_in(client, alice)
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    client.cookies.clear()
    assert client.get("/", follow_redirects=False).status_code == 303


# ---------- CSRF and roles ----------


def test_a_post_without_the_csrf_token_is_refused(
    client: TestClient, alice: Person, live: Incident
) -> None:
    log_in(client, alice)
    url = f"/incidents/{live.reference}/notes"
    assert client.post(url, data={"text": "hello"}, headers=HTML).status_code == 403
    wrong = client.post(url, data={"text": "hello", "csrf_token": "c_wrong"}, headers=HTML)
    assert wrong.status_code == 403
    assert "CSRF" in wrong.text


def test_the_csrf_token_works_as_form_field_and_as_header(
    client: TestClient, alice: Person, live: Incident
) -> None:
    token = log_in(client, alice)
    url = f"/incidents/{live.reference}/notes"
    as_field = client.post(url, data={"text": "one", "csrf_token": token}, follow_redirects=False)
    assert as_field.status_code == 303
    assert as_field.headers["location"] == f"/incidents/{live.reference}#timeline"
    as_header = client.post(url, data={"text": "two"}, headers=hx(token, "timeline"))
    assert as_header.status_code == 200


def test_viewers_may_look_but_not_change(
    client: TestClient, session: Session, live: Incident
) -> None:
    viewer = make_person(session, "viewer")
    session.commit()
    token = log_in(client, viewer)
    page = client.get(f"/incidents/{live.reference}", headers=HTML)
    assert page.status_code == 200
    assert "Change status" not in page.text
    refused = client.post(
        f"/incidents/{live.reference}/notes", data={"text": "x"}, headers=hx(token, "timeline")
    )
    assert refused.status_code == 403


# ---------- pages ----------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/incidents",
        "/incidents?category=live&severity=1&type=1&q=Checkout&from=2020-01-01&to=2100-01-01",
        "/incidents/new",
        "/follow-ups",
        "/follow-ups?status=completed",
        "/incident",
    ],
)
def test_every_page_renders(
    client: TestClient, session: Session, alice: Person, live: Incident, path: str
) -> None:
    make_service(session, "checkout-api")
    make_follow_up(session, alice, live, title="Add a canary")
    session.commit()
    log_in(client, alice)
    if path == "/incident":
        path = f"/incidents/{live.reference}"
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, response.text
    assert "<title>" in response.text


def test_the_incident_list_pages_and_filters(
    client: TestClient, session: Session, alice: Person
) -> None:
    for n in range(27):
        make_incident(session, alice, title=f"Disk full {n}")
    make_incident(session, alice, title="Certificate expired")
    session.commit()
    log_in(client, alice)
    first = client.get("/incidents", headers=HTML)
    assert "Older" in first.text
    second = client.get("/incidents?page=2", headers=HX)
    assert second.text.lstrip().startswith('<section id="results"')
    assert "Newer" in second.text
    found = client.get("/incidents?q=Certificate", headers=HTML)
    assert "Certificate expired" in found.text
    assert "Disk full" not in found.text
    bad = client.get("/incidents?from=yesterday", headers=HTML)
    assert bad.status_code == 422


def test_the_dashboard_shows_live_incidents_with_lead_and_overdue_badge(
    client: TestClient, session: Session, alice: Person, live: Incident
) -> None:
    live.next_update_at = datetime.now(UTC) - timedelta(minutes=5)
    done = make_incident(session, alice, title="Queue stuck")
    transition(session, incident=done, actor=alice.actor, status="resolved", now=utcnow())
    session.commit()
    log_in(client, alice)
    page = client.get("/", headers=HTML).text
    live_part, _, resolved_part = page.partition("Recently resolved")
    assert "Checkout returns 502" in live_part
    assert "Queue stuck" in resolved_part
    assert "Update overdue" in page
    assert "Alice Lead" in page
    for panel in ("live-incidents", "on-call-now", "recently-resolved"):  # each on its own
        url = f"/dashboard/panels/{panel}"
        assert f'hx-get="{url}" hx-trigger="every 30s"' in page
    fresh = client.get("/dashboard/panels/live-incidents", headers=HX).text
    assert fresh.lstrip().startswith('<div id="live-incidents"')
    assert "Checkout returns 502" in fresh
    assert "Queue stuck" not in fresh
    assert client.get("/dashboard/panels/nope", headers=HX).status_code == 404


def test_only_admins_see_jobs(client: TestClient, session: Session, alice: Person) -> None:
    admin = make_person(session, "admin")
    job = jobs.enqueue(session, kind="test.nothing", payload={"n": 1})
    job.state = DEAD
    job.last_error = "boom"
    session.commit()
    token = log_in(client, alice)
    assert client.get("/jobs", headers=HTML).status_code == 403
    assert 'href="/jobs"' not in client.get("/", headers=HTML).text
    token = log_in(client, admin)
    page = client.get("/jobs", headers=HTML)
    assert page.status_code == 200
    assert "boom" in page.text
    retried = client.post(f"/jobs/{job.id}/retry", headers=hx(token, "jobs"))
    assert retried.status_code == 200
    session.expire_all()
    assert jobs.get(session, job_id=job.id).state == PENDING
    again = client.post(f"/jobs/{job.id}/retry", headers=hx(token, "jobs"))
    assert again.status_code == 409
    assert 'hx-swap-oob="innerHTML:#jobs-error"' in again.text


# ---------- declaring ----------


def test_declaring_through_the_form(client: TestClient, session: Session, alice: Person) -> None:
    api = make_service(session, "api")
    db = make_service(session, "db")
    field = customfields.create_field(
        session,
        actor=an_admin(session),
        now=utcnow(),
        name="Impact",
        kind="single_select",
        options=["Some", "All"],
    )
    session.commit()
    token = log_in(client, alice)
    form = {
        "csrf_token": token,
        "title": "Login is slow",
        "summary": "p99 at 4s",
        "severity": "SEV3",
        "status": "triage",
        "service_ids": [str(api.id), str(db.id)],
        "private": "true",
        f"cf_{field.id}": "Some",
    }
    response = client.post("/incidents", data=form, follow_redirects=False)
    assert response.status_code == 303
    ref = response.headers["location"].rsplit("/", 1)[1]
    session.expire_all()
    incident = incidents.get(session, ref=ref, actor=alice.actor)
    assert (incident.title, incident.status, incident.private) == ("Login is slow", "triage", True)
    assert [s.name for s in incident.services] == ["api", "db"]
    assert customfields.values_of(session, incident_id=incident.id) == {"Impact": "Some"}
    via_htmx = client.post("/incidents", data=form, headers=hx(token, "declare"))
    assert via_htmx.status_code == 204
    assert via_htmx.headers["HX-Redirect"].startswith("/incidents/INC-")


def test_a_declare_error_shows_in_the_form(client: TestClient, alice: Person) -> None:
    token = log_in(client, alice)
    response = client.post(
        "/incidents", data={"title": " ", "severity": "SEV2"}, headers=hx(token, "declare")
    )
    assert response.status_code == 422
    assert 'hx-swap-oob="innerHTML:#declare-error"' in response.text
    assert "title must not be empty" in response.text


def test_required_custom_fields_are_marked_and_enforced(
    client: TestClient, session: Session, alice: Person
) -> None:
    customfields.create_field(
        session,
        actor=an_admin(session),
        now=utcnow(),
        name="Region",
        kind="text",
        required_at_declare=True,
    )
    session.commit()
    token = log_in(client, alice)
    form = client.get("/incidents/new", headers=HTML).text
    assert re.search(r"Region\s*<em class=\"req\">required</em>", form)
    response = client.post(
        "/incidents", data={"title": "x", "severity": "SEV2"}, headers=hx(token, "declare")
    )
    assert response.status_code == 422
    assert "Region" in response.text


# ---------- htmx controls on the incident page ----------


def test_changing_status_swaps_the_header_and_the_timeline(
    client: TestClient, session: Session, alice: Person, live: Incident
) -> None:
    token = log_in(client, alice)
    response = client.post(
        f"/incidents/{live.reference}/status",
        data={"status": "fixing"},
        headers=hx(token, "incident-header"),
    )
    assert response.status_code == 200
    body = response.text
    assert body.lstrip().startswith('<section id="incident-header"')
    assert (
        '<section id="timeline" class="panel" hx-target="this" hx-swap="outerHTML" '
        'hx-swap-oob="true">' in body
    )
    assert "Status changed from investigating to fixing" in body
    assert reloaded(session, live).status == "fixing"


def test_a_refused_transition_shows_inline_and_changes_nothing(
    client: TestClient, session: Session, alice: Person, live: Incident
) -> None:
    token = log_in(client, alice)
    response = client.post(
        f"/incidents/{live.reference}/status",
        data={"status": "closed"},
        headers=hx(token, "incident-header"),
    )
    assert response.status_code == 409
    assert 'hx-swap-oob="innerHTML:#incident-header-error"' in response.text
    assert "cannot move from investigating to closed" in response.text
    assert reloaded(session, live).status == "investigating"


def test_a_refused_plain_form_post_shows_the_error_page(
    client: TestClient, alice: Person, live: Incident
) -> None:
    token = log_in(client, alice)
    response = client.post(
        f"/incidents/{live.reference}/status",
        data={"status": "closed", "csrf_token": token},
        headers=HTML,
    )
    assert response.status_code == 409
    assert "<html" in response.text
    assert "Cannot move from investigating to closed" in response.text


def test_changing_severity(
    client: TestClient, session: Session, alice: Person, live: Incident
) -> None:
    token = log_in(client, alice)
    response = client.post(
        f"/incidents/{live.reference}/severity",
        data={"severity": "SEV1"},
        headers=hx(token, "incident-header"),
    )
    assert response.status_code == 200
    assert "Severity raised from SEV2 to SEV1" in response.text
    assert reloaded(session, live).severity.name == "SEV1"


def test_adding_a_note_and_pinning_it(
    client: TestClient, session: Session, alice: Person, live: Incident
) -> None:
    token = log_in(client, alice)
    url = f"/incidents/{live.reference}"
    added = client.post(
        f"{url}/notes", data={"text": "Rolled back v42\nno change"}, headers=hx(token, "timeline")
    )
    assert added.status_code == 200
    assert "Rolled back v42" in added.text
    note = next(e for e in timeline.list_entries(session, incident_id=live.id) if e.kind == "note")
    assert (note.title, note.description, note.pinned) == ("Rolled back v42", "no change", False)
    pinned = client.post(
        f"{url}/timeline/{note.id}/pin", data={"pinned": "true"}, headers=hx(token, "timeline")
    )
    assert pinned.status_code == 200
    assert "is-pinned" in pinned.text
    session.expire_all()
    assert timeline.get_entry(session, incident=live, entry_id=note.id).pinned
    client.post(
        f"{url}/timeline/{note.id}/pin", data={"pinned": "false"}, headers=hx(token, "timeline")
    )
    session.expire_all()
    assert not timeline.get_entry(session, incident=live, entry_id=note.id).pinned
    empty = client.post(f"{url}/notes", data={"text": "  "}, headers=hx(token, "timeline"))
    assert empty.status_code == 422
    assert "#timeline-error" in empty.text


def test_edited_entries_say_so(
    client: TestClient, session: Session, alice: Person, live: Incident
) -> None:
    note = timeline.add_note(
        session, incident=live, actor=alice.actor, text="Typo here", now=utcnow()
    )
    timeline.edit_entry(
        session, incident=live, entry_id=note.id, actor=alice.actor, title="Fixed", now=utcnow()
    )
    session.commit()
    log_in(client, alice)
    page = client.get(f"/incidents/{live.reference}", headers=HTML).text
    assert 'class="edited"' in page
    assert "Typo here" in page


def test_posting_a_status_update(
    client: TestClient, session: Session, alice: Person, live: Incident
) -> None:
    token = log_in(client, alice)
    response = client.post(
        f"/incidents/{live.reference}/updates",
        data={"message": "Fix deployed", "status": "monitoring", "next_update_in_minutes": "15"},
        headers=hx(token, "updates"),
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="updates"')
    assert "Fix deployed" in response.text
    incident = reloaded(session, live)
    assert incident.status == "monitoring"
    assert [u.message for u in updates.list_updates(session, incident_id=live.id)] == [
        "Fix deployed"
    ]
    assert incident.next_update_at is not None


def test_an_overdue_update_shows_a_banner(
    client: TestClient, session: Session, alice: Person, live: Incident
) -> None:
    live.next_update_at = datetime.now(UTC) - timedelta(minutes=1)
    session.commit()
    log_in(client, alice)
    assert "Update overdue" in client.get(f"/incidents/{live.reference}", headers=HTML).text


def test_follow_ups_are_added_completed_and_declined_with_a_reason(
    client: TestClient, session: Session, alice: Person, live: Incident
) -> None:
    token = log_in(client, alice)
    url = f"/incidents/{live.reference}/follow-ups"
    added = client.post(
        url,
        data={"title": "Alert on 502 rate", "owner_id": str(alice.user.id), "priority": "high"},
        headers=hx(token, "follow-ups"),
    )
    assert added.status_code == 200
    assert "Alert on 502 rate" in added.text
    client.post(url, data={"title": "Rewrite the proxy"}, headers=hx(token, "follow-ups"))
    first, second = followups.list_for_incident(session, incident_id=live.id)
    assert (first.owner_id, first.priority) == (alice.user.id, "high")
    done = client.post(
        f"{url}/{first.id}/status", data={"status": "completed"}, headers=hx(token, "follow-ups")
    )
    assert done.status_code == 200
    no_reason = client.post(
        f"{url}/{second.id}/status", data={"status": "not_doing"}, headers=hx(token, "follow-ups")
    )
    assert no_reason.status_code == 422
    assert "#follow-ups-error" in no_reason.text
    declined = client.post(
        f"{url}/{second.id}/status",
        data={"status": "not_doing", "not_doing_reason": "Too big for the gain"},
        headers=hx(token, "follow-ups"),
    )
    assert declined.status_code == 200
    session.expire_all()
    statuses = [f.status for f in followups.list_for_incident(session, incident_id=live.id)]
    assert statuses == ["completed", "not_doing"]
    listed = client.get("/follow-ups?status=not_doing", headers=HTML).text
    assert "Rewrite the proxy" in listed
    assert "Alert on 502 rate" not in listed


def test_assigning_and_unassigning_a_role(
    client: TestClient, session: Session, alice: Person, live: Incident
) -> None:
    bob = make_person(session, name="Bob Comms")
    session.commit()
    token = log_in(client, alice)
    url = f"/incidents/{live.reference}/roles/comms"
    response = client.post(url, data={"user_id": str(bob.user.id)}, headers=hx(token, "roles"))
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="roles"')
    assert "Bob Comms is now Communications lead" in response.text
    session.expire_all()
    assert roles.holder(session, incident_id=live.id, slug="comms").id == bob.user.id
    client.post(f"{url}/unassign", headers=hx(token, "roles"))
    session.expire_all()
    assert roles.holder(session, incident_id=live.id, slug="comms") is None
    again = client.post(f"{url}/unassign", headers=hx(token, "roles"))
    assert again.status_code == 404
    assert "#roles-error" in again.text


def test_editing_custom_fields_and_timestamps(
    client: TestClient, session: Session, alice: Person, live: Incident
) -> None:
    impact = customfields.create_field(
        session,
        actor=an_admin(session),
        now=utcnow(),
        name="Impact",
        kind="multi_select",
        options=["EU", "US"],
    )
    runbook = customfields.create_field(
        session, actor=an_admin(session), now=utcnow(), name="Runbook", kind="link"
    )
    session.commit()
    token = log_in(client, alice)
    url = f"/incidents/{live.reference}"
    saved = client.post(
        f"{url}/fields",
        data={f"cf_{impact.id}": ["US", "EU"], f"cf_{runbook.id}": "https://runbooks/x"},
        headers=hx(token, "fields"),
    )
    assert saved.status_code == 200
    assert customfields.values_of(session, incident_id=live.id) == {
        "Impact": ["EU", "US"],
        "Runbook": "https://runbooks/x",
    }
    bad = client.post(
        f"{url}/fields", data={f"cf_{runbook.id}": "not a url"}, headers=hx(token, "fields")
    )
    assert bad.status_code == 422
    assert "#fields-error" in bad.text
    assert customfields.values_of(session, incident_id=live.id)["Impact"] == ["EU", "US"]
    stamped = client.post(
        f"{url}/timestamps",
        data={"name": "impact_started_at", "value": "2024-05-01T10:30"},
        headers=hx(token, "timestamps"),
    )
    assert stamped.status_code == 200
    assert reloaded(session, live).impact_started_at == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)


def test_merged_incidents_link_both_ways(
    client: TestClient, session: Session, alice: Person, live: Incident
) -> None:
    duplicate = make_incident(session, alice, title="502s again", status="triage")
    session.commit()
    token = log_in(client, alice)
    response = client.post(
        f"/incidents/{duplicate.reference}/merge",
        data={"into": live.reference},
        headers=hx(token, "incident-header"),
    )
    assert response.status_code == 200
    assert f'Merged into <a href="/incidents/{live.reference}">' in response.text
    target = client.get(f"/incidents/{live.reference}", headers=HTML).text
    assert f'<a href="/incidents/{duplicate.reference}">{duplicate.reference}</a>' in target


def test_what_people_type_is_escaped(client: TestClient, session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, title="<script>alert(1)</script>")
    session.commit()
    log_in(client, alice)
    page = client.get(f"/incidents/{incident.reference}", headers=HTML).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---------- private incidents ----------


def test_private_incidents_stay_hidden_from_non_participants(
    client: TestClient, session: Session, alice: Person
) -> None:
    secret = make_incident(session, alice, title="Leaked credentials", private=True)
    bob = make_person(session)
    session.commit()
    log_in(client, bob)
    assert "Leaked credentials" not in client.get("/", headers=HTML).text
    assert "Leaked credentials" not in client.get("/incidents", headers=HTML).text
    hidden = client.get(f"/incidents/{secret.reference}", headers=HTML)
    assert hidden.status_code == 404
    assert "Leaked credentials" not in hidden.text
    log_in(client, alice)
    assert "Leaked credentials" in client.get("/", headers=HTML).text
    assert client.get(f"/incidents/{secret.reference}", headers=HTML).status_code == 200


def test_the_list_exports_what_the_user_may_see_as_csv(
    client: TestClient, session: Session
) -> None:
    owner = make_person(session)
    outsider = make_person(session)
    make_incident(session, owner, title="Shown to all")
    make_incident(session, owner, title="Owner only", private=True)
    session.commit()
    log_in(client, outsider)
    page = client.get("/incidents?q=Shown")
    assert 'href="/incidents/export.csv?q=Shown"' in page.text
    exported = client.get("/incidents/export.csv")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "Shown to all" in exported.text
    assert "Owner only" not in exported.text


def test_the_csv_export_keeps_a_formula_title_as_text(client: TestClient, session: Session) -> None:
    owner = make_person(session)
    make_incident(session, owner, title="=cmd|' /C calc'!A0")
    session.commit()
    log_in(client, owner)
    exported = client.get("/incidents/export.csv")
    assert "'=cmd|' /C calc'!A0" in exported.text
    assert ",=cmd" not in exported.text
