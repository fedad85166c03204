"""Alerts in the web UI, on SQLite and PostgreSQL: the live list with its filters, pages and
buttons, an alert's page (why it was handled so, its raw events, its escalation and
deliveries), and the incident page's alerts."""

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_schedule, make_source
from tests.factories.alert import make_route
from tests.factories.escalation import level, make_policy
from tests.web.helpers import HTML, HX, hx, log_in

from watchkeep.alert import alerts, ingest, silences
from watchkeep.alert.models import Alert, AlertSource
from watchkeep.alert.normalize import Signal
from watchkeep.core.clock import utcnow
from watchkeep.escalation import pages, runs
from watchkeep.escalation.models import EscalationRun
from watchkeep.incident.models import Incident
from watchkeep.notify import deliveries


def fire(
    session: Session,
    source: AlertSource,
    key: str,
    title: str = "Disk full",
    body: object = None,
    **fields: Any,
) -> Alert:
    signal = Signal(action="trigger", dedup_key=key, title=title, **fields)
    [outcome] = ingest.accept(
        session,
        source=source,
        format="generic",
        body=body if body is not None else {"title": title},
        signals=[signal],
        now=utcnow(),
    )
    assert outcome.alert_id is not None
    alert = session.get(Alert, outcome.alert_id)
    assert alert is not None
    return alert


def fresh(session: Session, alert: Alert) -> Alert:
    session.expire_all()
    return alerts.get(session, alert_id=alert.id)


@pytest.fixture
def source(session: Session) -> AlertSource:
    found = make_source(session, "generic", name="prometheus-eu")
    session.commit()
    return found


def row_of(page: str, alert: Alert) -> str:
    found = re.search(rf'<tr id="alert-{alert.id}">(.*?)</tr>', page, re.S)
    assert found, f"no row for {alert.reference}"
    return found.group(1)


# ---------- the list ----------


def test_the_list_shows_open_alerts_newest_first_and_filters(
    client: TestClient, session: Session, alice: Person, source: AlertSource
) -> None:
    other = make_source(session, "generic", name="grafana-us")
    disk = fire(session, source, "disk", "Disk full", severity="critical")
    cpu = fire(session, other, "cpu", "CPU hot", severity="warning")
    old = fire(session, source, "old", "Old news")
    alerts.resolve(session, alert_id=old.id, actor=alice.actor, now=utcnow())
    session.commit()
    log_in(client, alice)

    page = client.get("/alerts", headers=HTML).text
    assert 'aria-current="page">Alerts</a>' in page
    assert page.index(cpu.reference) < page.index(disk.reference)  # newest first
    assert old.reference not in page  # open ones by default
    row = row_of(page, disk)
    for text in ("Disk full", "Firing", "Critical", "High", "prometheus-eu", "Acknowledge"):
        assert text in row
    assert 'hx-trigger="every 10s"' in page

    resolved = client.get("/alerts?status=resolved", headers=HX)
    assert resolved.text.lstrip().startswith('<section id="alert-results"')
    assert old.reference in resolved.text and disk.reference not in resolved.text
    assert 'hx-get="/alerts?status=resolved"' in resolved.text  # the refresh keeps the filter

    everything = client.get("/alerts?status=", headers=HX).text
    assert all(a.reference in everything for a in (disk, cpu, old))
    by_source = client.get(f"/alerts?status=&source={other.id}", headers=HX).text
    assert cpu.reference in by_source and disk.reference not in by_source

    assert client.get("/alerts?status=bogus", headers=HTML).status_code == 422


def test_the_list_pages_on_with_older(
    client: TestClient, session: Session, alice: Person, source: AlertSource
) -> None:
    made = [fire(session, source, f"k{i}", f"Alert number {i}") for i in range(52)]
    session.commit()
    log_in(client, alice)
    first = client.get("/alerts", headers=HTML).text
    assert made[-1].reference in first and made[2].reference in first
    assert f"{made[1].reference}<" not in first and f"{made[0].reference}<" not in first
    older = re.search(r'href="/alerts\?([^"]*before_id=\d+[^"]*)"', first)
    assert older, "no Older link"
    second = client.get(f"/alerts?{older.group(1).replace('&amp;', '&')}", headers=HTML).text
    assert f"{made[1].reference}<" in second and f"{made[0].reference}<" in second
    assert f"{made[2].reference}<" not in second
    assert "Older" not in second and "Newest" in second


def test_acknowledge_and_resolve_from_the_list_redraw_the_row(
    client: TestClient, session: Session, alice: Person, source: AlertSource
) -> None:
    alert = fire(session, source, "disk")
    session.commit()
    token = log_in(client, alice)

    response = client.post(
        f"/alerts/{alert.id}/acknowledge",
        data={"view": "row"},
        headers=hx(token, f"alert-{alert.id}"),
    )
    assert response.status_code == 200, response.text
    assert response.text.lstrip().startswith(f'<tr id="alert-{alert.id}">')
    assert "Acknowledged" in response.text
    assert json.loads(response.headers["HX-Trigger"])["wk-announce"] == (
        f"{alert.reference} acknowledged."
    )
    assert fresh(session, alert).status == "acknowledged"
    assert fresh(session, alert).acknowledged_by_id == alice.user.id

    response = client.post(
        f"/alerts/{alert.id}/resolve", data={"view": "row"}, headers=hx(token, f"alert-{alert.id}")
    )
    assert (
        json.loads(response.headers["HX-Trigger"])["wk-announce"] == f"{alert.reference} resolved."
    )
    assert "/acknowledge" not in response.text and "/resolve" not in response.text
    assert fresh(session, alert).status == "resolved"

    # A plain form post goes back to the list, which says what happened.
    again = fire(session, source, "disk")
    session.commit()
    plain = client.post(
        f"/alerts/{again.id}/acknowledge",
        data={"view": "row", "csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert plain.status_code == 303 and plain.headers["location"] == "/alerts"
    assert f"{again.reference} acknowledged." in client.get("/alerts", headers=HTML).text


def test_a_resolved_alert_cannot_be_acknowledged(
    client: TestClient, session: Session, alice: Person, source: AlertSource
) -> None:
    alert = fire(session, source, "disk")
    alerts.resolve(session, alert_id=alert.id, actor=alice.actor, now=utcnow())
    session.commit()
    token = log_in(client, alice)
    response = client.post(
        f"/alerts/{alert.id}/acknowledge",
        data={"view": "row"},
        headers=hx(token, f"alert-{alert.id}"),
    )
    assert response.status_code == 409
    assert f'hx-swap-oob="innerHTML:#alert-{alert.id}-error"' in response.text


def test_a_viewer_reads_alerts_but_may_not_act(
    client: TestClient, session: Session, viewer: Person, source: AlertSource
) -> None:
    alert = fire(session, source, "disk")
    session.commit()
    token = log_in(client, viewer)
    page = client.get("/alerts", headers=HTML).text
    assert alert.reference in page and "/acknowledge" not in page
    detail = client.get(f"/alerts/{alert.id}", headers=HTML).text
    assert "/acknowledge" not in detail and "/resolve" not in detail
    response = client.post(
        f"/alerts/{alert.id}/acknowledge",
        data={"view": "row"},
        headers=hx(token, f"alert-{alert.id}"),
    )
    assert response.status_code == 403
    assert fresh(session, alert).status == "firing"


def test_the_list_wants_a_login(client: TestClient) -> None:
    response = client.get("/alerts", headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


# ---------- one alert ----------


def test_the_alert_page_shows_labels_the_route_and_the_raw_payload(
    client: TestClient, session: Session, alice: Person, source: AlertSource
) -> None:
    make_route(session, name="Database pages", matchers=['team="db"'], urgency="low")
    alert = fire(
        session,
        source,
        "disk",
        "Disk full on db-1",
        body={"title": "Disk full on db-1", "note": "<b>90%</b>"},
        description="The data volume is at 98%.",
        severity="error",
        labels={"team": "db", "host": "db-1"},
        annotations={"runbook": "Grow the volume"},
    )
    session.commit()
    log_in(client, alice)
    page = client.get(f"/alerts/{alert.id}", headers=HTML).text
    assert f"{alert.reference}</span> Disk full on db-1" in page
    assert "The data volume is at 98%." in page
    assert "<dt>team</dt><dd>db</dd>" in page and "<dt>host</dt><dd>db-1</dd>" in page
    assert "<dt>runbook</dt><dd>Grow the volume</dd>" in page
    assert "Matched the route <strong>Database pages</strong>" in page
    assert "low urgency" in page
    # The raw payload, pretty and escaped, in a disclosure.
    assert '<details class="payload">' in page
    assert "&#34;note&#34;: &#34;&lt;b&gt;90%&lt;/b&gt;&#34;" in page or (
        '"note": "&lt;b&gt;90%&lt;/b&gt;"' in page
    )
    assert "Trigger" in page and "Opened" in page
    assert 'id="escalation"' in page and 'id="deliveries"' in page
    assert client.get("/alerts/999999", headers=HTML).status_code == 404


def test_the_alert_page_says_no_route_matched_and_why_paging_was_suppressed(
    client: TestClient, session: Session, alice: Person, source: AlertSource
) -> None:
    silence = silences.create(
        session,
        actor=alice.actor,
        now=utcnow(),
        ends_at=utcnow() + timedelta(hours=2),
        matchers_text=['host="db-1"'],
        comment="Replacing the disk",
    )
    alert = fire(session, source, "disk", labels={"host": "db-1"})
    session.commit()
    log_in(client, alice)
    page = client.get(f"/alerts/{alert.id}", headers=HTML).text
    assert "No route matched: high urgency" in page
    assert f"silence {silence.id}</a> until" in page
    assert "(Replacing the disk)" in page
    assert "Paging was suppressed." in page
    assert "Not escalated: the alert is silenced." in page
    listed = client.get("/alerts", headers=HTML).text
    assert "Silenced" in row_of(listed, alert)


def test_the_escalation_and_deliveries_panels(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    empty = make_schedule(session, alice, name="Nights")  # no layer: nobody on call
    policy = make_policy(
        session,
        level(("user", alice.user.id), ("schedule", empty.id), minutes=5),
        level(("user", bob.user.id), minutes=10),
        name="Database escalation",
    )
    source = make_source(session, "generic", escalation_policy_id=policy.id)
    alert = fire(session, source, "disk")
    run = runs.start(session, alert_id=alert.id, now=utcnow())
    assert isinstance(run, EscalationRun)

    for paged in pages.pages_of_alert(session, alert_id=alert.id):
        deliveries.plan_page(session, page_id=paged.id, now=utcnow())
    session.commit()
    token = log_in(client, alice)
    html = client.get(f"/alerts/{alert.id}", headers=HTML).text
    escalation = html[html.index('id="escalation"') : html.index('id="deliveries"')]
    assert "Database escalation" in escalation
    assert "Active" in escalation and "Level</dt><dd>1 of 2" in escalation
    assert "Next step" in escalation
    assert "paged Alice" in escalation
    assert f"Nobody on call on schedule {empty.id}." in escalation
    assert "Not acknowledged" in escalation
    deliveries_part = html[html.index('id="deliveries"') :]
    assert "email to" in deliveries_part and alice.user.email in deliveries_part
    assert "Pending" in deliveries_part

    # Acknowledging from the page redraws its header, events and escalation.
    response = client.post(
        f"/alerts/{alert.id}/acknowledge", data={"view": "page"}, headers=hx(token, "alert-header")
    )
    assert response.status_code == 200, response.text
    assert response.text.lstrip().startswith('<section id="alert-header"')
    assert 'id="escalation"' in response.text and 'id="alert-events"' in response.text
    assert "Acknowledged" in response.text
    assert json.loads(response.headers["HX-Trigger"])["wk-announce"] == (
        f"{alert.reference} acknowledged."
    )
    # The panels refresh on their own.
    fragment = client.get(f"/alerts/{alert.id}/panels/escalation", headers=HX).text
    assert "Acknowledged" in fragment and 'hx-trigger="every 30s"' in fragment
    assert client.get(f"/alerts/{alert.id}/panels/nothing", headers=HX).status_code == 404


# ---------- the incident page ----------


def test_the_incident_page_lists_its_alerts(
    client: TestClient, session: Session, alice: Person, source: AlertSource
) -> None:
    incident: Incident = make_incident(session, alice, title="Database down")
    quiet: Incident = make_incident(session, alice, title="Nothing alerting")
    alert = fire(session, source, "disk", "Disk full on db-1")
    alert.incident_id = incident.id
    session.commit()
    log_in(client, alice)
    page = client.get(f"/incidents/{incident.reference}", headers=HTML).text
    assert 'id="incident-alerts"' in page
    panel = page[page.index('id="incident-alerts"') :]
    assert f'href="/alerts/{alert.id}"' in panel and "Disk full on db-1" in panel
    assert "Firing" in panel and "Not escalated" in panel
    other = client.get(f"/incidents/{quiet.reference}", headers=HTML).text
    assert 'id="incident-alerts"' not in other
    # The alert's page links back to its incident.
    detail = client.get(f"/alerts/{alert.id}", headers=HTML).text
    assert f'href="/incidents/{incident.reference}"' in detail
