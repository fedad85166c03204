"""The admin pages of alert sources, alert routes and escalation policies: admins only;
create, edit, rotate a key (the old one stops working), the sender's configuration with the
real address and key, a bad matcher refused at its field, policies with levels in words."""

import json
from html import unescape
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_person, make_route, make_schedule, make_source, rotation
from tests.factories.escalation import level, make_policy
from tests.web.helpers import HTML, hx, log_in

from watchkeep.alert import routing, sources
from watchkeep.escalation import policies
from watchkeep.escalation.models import EscalationPolicy
from watchkeep.incident import severities

BASE_URL = "http://127.0.0.1:8000"  # the test app's settings


def announcement(response: Any) -> str:
    text: str = json.loads(response.headers["HX-Trigger"])["wk-announce"]
    return text


def admin_token(client: TestClient, session: Session) -> tuple[Person, str]:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    return admin, log_in(client, admin)


def enqueue(client: TestClient, key: str) -> int:
    event = {
        "routing_key": key,
        "event_action": "trigger",
        "dedup_key": "disk-03",
        "payload": {"summary": "Disk at 99%", "source": "db-3", "severity": "critical"},
    }
    return client.post("/v2/enqueue", json=event).status_code


def test_only_admins(client: TestClient, session: Session, alice: Person) -> None:
    source = make_source(session)
    policy = make_policy(session, level(("user", alice.user.id)))
    session.commit()
    token = log_in(client, alice)
    for url in (
        "/admin/alert-sources",
        f"/admin/alert-sources/{source.id}",
        "/admin/alert-routes",
        "/admin/escalation-policies",
        "/admin/escalation-policies/new",
        f"/admin/escalation-policies/{policy.id}",
    ):
        assert client.get(url, headers=HTML).status_code == 403, url
    for url, data in (
        ("/admin/alert-sources", {"name": "X", "kind": "generic"}),
        (f"/admin/alert-sources/{source.id}/rotate-key", {}),
        ("/admin/alert-routes", {"name": "X"}),
        ("/admin/escalation-policies", {"name": "X"}),
        (f"/admin/escalation-policies/{policy.id}/delete", {}),
    ):
        assert client.post(url, data=data, headers=hx(token, "x")).status_code == 403, url
    session.expire_all()
    assert [s.name for s in sources.list_sources(session)] == [source.name]
    assert session.get(EscalationPolicy, policy.id) is not None


def test_a_source_is_created_edited_and_its_key_rotated(
    client: TestClient, session: Session
) -> None:
    _, token = admin_token(client, session)
    empty = unescape(client.get("/admin/alert-sources", headers=HTML).text)
    assert "No alert sources yet." in empty and 'aria-current="page">Alert sources' in empty
    made = client.post(
        "/admin/alert-sources",
        data={"name": "Prometheus", "kind": "alertmanager", "description": "prod"},
        headers=hx(token, "new-source"),
    )
    assert made.status_code == 204, made.text
    session.expire_all()
    [source] = sources.list_sources(session)
    assert made.headers["HX-Redirect"] == f"/admin/alert-sources/{source.id}"
    page = unescape(client.get(made.headers["HX-Redirect"], headers=HTML).text)
    assert "Alert source Prometheus created" in page  # the notice, shown once
    old_key = source.integration_key
    assert enqueue(client, old_key) == 202

    listed = unescape(client.get("/admin/alert-sources", headers=HTML).text)
    assert "Prometheus" in listed and "Prometheus Alertmanager" in listed
    assert "Never" not in listed  # the event just sent is its last

    saved = client.post(
        f"/admin/alert-sources/{source.id}",
        data={"name": "Prometheus prod", "description": "", "enabled": "true"},
        headers=hx(token, "source"),
    )
    assert saved.status_code == 200, saved.text
    assert announcement(saved) == "Alert source Prometheus prod saved."

    rotated = client.post(
        f"/admin/alert-sources/{source.id}/rotate-key", headers=hx(token, "source")
    )
    assert rotated.status_code == 200, rotated.text
    assert announcement(rotated).startswith("Key of Prometheus prod rotated")
    session.expire_all()
    new_key = sources.get(session, source_id=source.id).integration_key
    assert new_key != old_key and new_key in rotated.text and old_key not in rotated.text
    assert enqueue(client, old_key) == 400
    assert enqueue(client, new_key) == 202


def test_the_sender_configuration_has_the_key_and_the_address(
    client: TestClient, session: Session
) -> None:
    alertmanager = make_source(session, name="AM")
    pagerduty = make_source(session, kind="pagerduty", name="PD")
    heartbeat = make_source(session, kind="heartbeat", name="Backup")
    _, _token = admin_token(client, session)

    page = unescape(client.get(f"/admin/alert-sources/{alertmanager.id}", headers=HTML).text)
    key = alertmanager.integration_key
    assert f"url: {BASE_URL}/ingest/alertmanager/{key}" in page
    assert "webhook_configs:" in page and "send_resolved: true" in page
    assert f"routing_key: {key}" in page and f"url: {BASE_URL}/v2/enqueue" in page
    assert f"{BASE_URL}/ingest/grafana/{key}" in page
    assert f"curl -X POST {BASE_URL}/ingest/generic/{key}" in page
    assert 'data-copy="snippet-alertmanager"' in page and 'id="snippet-alertmanager"' in page
    # The kind's own instructions come first.
    assert page.index("webhook_configs") < page.index("Grafana webhook contact point")

    page = unescape(client.get(f"/admin/alert-sources/{pagerduty.id}", headers=HTML).text)
    assert page.index("PagerDuty Events API v2 URL") < page.index("webhook_configs")
    assert pagerduty.integration_key in page and f"{BASE_URL}/v2/enqueue" in page

    page = unescape(client.get(f"/admin/alert-sources/{heartbeat.id}", headers=HTML).text)
    ping = f"{BASE_URL}/ingest/heartbeat/{heartbeat.integration_key}"
    assert f"curl -fsS --retry 3 {ping}" in page and "webhook_configs" not in page
    assert 'name="heartbeat_minutes" data-field="heartbeat_seconds" value="5"' in page


def test_a_heartbeat_source_needs_its_period(client: TestClient, session: Session) -> None:
    _, token = admin_token(client, session)
    refused = client.post(
        "/admin/alert-sources",
        data={"name": "Nightly", "kind": "heartbeat"},
        headers=hx(token, "new-source"),
    )
    assert refused.status_code == 422
    assert 'data-error-for="heartbeat_seconds"' in refused.text
    made = client.post(
        "/admin/alert-sources",
        data={
            "name": "Nightly",
            "kind": "heartbeat",
            "heartbeat_minutes": "60",
            "grace_minutes": "5",
        },
        headers=hx(token, "new-source"),
    )
    assert made.status_code == 204, made.text
    session.expire_all()
    [nightly] = sources.list_sources(session)
    assert (nightly.heartbeat_seconds, nightly.grace_seconds) == (3600, 300)


def test_a_source_loses_its_policy_when_none_is_chosen(
    client: TestClient, session: Session, alice: Person
) -> None:
    policy = make_policy(session, level(("user", alice.user.id)), name="Day")
    source = make_source(session, escalation_policy_id=policy.id)
    _, token = admin_token(client, session)
    saved = client.post(
        f"/admin/alert-sources/{source.id}",
        data={"name": source.name, "escalation_policy_id": "", "enabled": "true"},
        headers=hx(token, "source"),
    )
    assert saved.status_code == 200, saved.text
    session.expire_all()
    assert sources.get(session, source_id=source.id).escalation_policy_id is None


def route_form(**fields: Any) -> dict[str, Any]:
    return {"name": "Route", "urgency": "high", "group_minutes": "60", **fields}


def test_routes_are_created_in_order_moved_edited_and_deleted(
    client: TestClient, session: Session, alice: Person
) -> None:
    source = make_source(session, name="AM")
    policy = make_policy(session, level(("user", alice.user.id)), name="Primary policy")
    _, token = admin_token(client, session)
    assert "No routes yet" in client.get("/admin/alert-routes", headers=HTML).text

    made = client.post(
        "/admin/alert-routes",
        data=route_form(
            name="Critical pages",
            source_ids=[str(source.id)],
            matchers='team="db"\r\n\r\nenv=~"prod|staging"\r\n',
            severities=["critical", "error"],
            escalation_policy_id=str(policy.id),
            declare_incident="true",
            group_by="alertname, cluster",
            group_minutes="30",
        ),
        headers=hx(token, "routes"),
    )
    assert made.status_code == 200, made.text
    assert announcement(made) == "Route Critical pages created."
    text = unescape(made.text)
    assert 'team="db", env=~"prod|staging"' in text and "Primary policy" in text
    assert "declares an incident" in text and "by alertname, cluster for 30 min" in text
    session.expire_all()
    [first] = routing.list_routes(session)
    assert first.source_ids == [source.id] and first.severities == ["critical", "error"]
    assert first.matchers == ['team="db"', 'env=~"prod|staging"']
    assert (first.declare_incident, first.group_by, first.escalation_policy_id) == (
        True,
        ["alertname", "cluster"],
        policy.id,
    )

    second = client.post(
        "/admin/alert-routes",
        data=route_form(name="Low noise", urgency="low"),
        headers=hx(token, "routes"),
    )
    assert announcement(second) == "Route Low noise created."
    session.expire_all()
    assert [r.name for r in routing.list_routes(session)] == ["Critical pages", "Low noise"]
    low = routing.list_routes(session)[1]

    moved = client.post(
        f"/admin/alert-routes/{low.id}/move", data={"direction": "up"}, headers=hx(token, "routes")
    )
    assert announcement(moved) == "Route Low noise moved to place 1."
    session.expire_all()
    assert [r.name for r in routing.list_routes(session)] == ["Low noise", "Critical pages"]

    saved = client.post(
        f"/admin/alert-routes/{first.id}",
        data=route_form(name="Critical pages", matchers="", escalation_policy_id=""),
        headers=hx(token, "routes"),
    )
    assert announcement(saved) == "Route Critical pages saved."
    session.expire_all()
    edited = routing.get(session, route_id=first.id)
    assert (edited.matchers, edited.source_ids, edited.escalation_policy_id) == ([], [], None)
    assert not edited.declare_incident

    gone = client.post(f"/admin/alert-routes/{low.id}/delete", headers=hx(token, "routes"))
    assert announcement(gone) == "Route Low noise deleted."
    session.expire_all()
    assert [r.name for r in routing.list_routes(session)] == ["Critical pages"]


def test_a_bad_matcher_is_shown_at_its_field(client: TestClient, session: Session) -> None:
    route = make_route(session, name="Existing")
    _, token = admin_token(client, session)
    for url in ("/admin/alert-routes", f"/admin/alert-routes/{route.id}"):
        refused = client.post(
            url, data=route_form(matchers='job=~"("'), headers=hx(token, "routes")
        )
        assert refused.status_code == 422, refused.text
        assert 'hx-swap-oob="innerHTML:#routes-error"' in refused.text
        assert 'data-error-for="matchers"' in refused.text
    session.expire_all()
    assert [r.name for r in routing.list_routes(session)] == ["Existing"]


def test_the_severity_map_chooses_incident_severities(client: TestClient, session: Session) -> None:
    _, token = admin_token(client, session)
    page = client.get("/admin/alert-routes", headers=HTML).text
    assert 'name="severity_map_critical"' in page
    top = severities.list_severities(session)[0]
    made = client.post(
        "/admin/alert-routes",
        data=route_form(declare_incident="true", severity_map_critical=str(top.id)),
        headers=hx(token, "routes"),
    )
    assert made.status_code == 200, made.text
    session.expire_all()
    [route] = routing.list_routes(session)
    assert route.severity_map == {"critical": top.id}


def policy_form(**fields: Any) -> dict[str, Any]:
    rows: dict[str, Any] = {f"level-{i}-minutes": "" for i in range(3)}
    return {"name": "Database", "repeat": "0", "ack_mode": "first", **rows, **fields}


def test_a_policy_is_created_with_levels_and_shown_in_words(
    client: TestClient, session: Session
) -> None:
    sam = make_person(session, name="Sam")
    admin, token = admin_token(client, session)
    schedule = make_schedule(session, admin, rotation(sam), name="Primary")
    session.commit()
    form = client.get("/admin/escalation-policies/new", headers=HTML).text
    assert form.count("Minutes to acknowledge") == 3

    made = client.post(
        "/admin/escalation-policies",
        data=policy_form(
            **{
                "level-0-minutes": "5",
                "level-0-schedules": [str(schedule.id)],
                "level-2-minutes": "10",
                "level-2-users": [str(sam.user.id)],
                "repeat": "2",
            }
        ),
        headers=hx(token, "policy-form"),
    )
    assert made.status_code == 204, made.text
    assert made.headers["HX-Redirect"] == "/admin/escalation-policies"
    listed = unescape(client.get("/admin/escalation-policies", headers=HTML).text)
    assert "Escalation policy Database created." in listed
    assert "Level 1 (5 min): schedule Primary; Level 2 (10 min): Sam; then 2 more rounds" in listed
    session.expire_all()
    [policy] = policies.list_policies(session)
    assert policy.levels == [
        level(("schedule", schedule.id), minutes=5),
        level(("user", sam.user.id), minutes=10),
    ]

    page = client.get(f"/admin/escalation-policies/{policy.id}", headers=HTML).text
    assert page.count("Minutes to acknowledge") == 4  # two levels and two empty rows
    saved = client.post(
        f"/admin/escalation-policies/{policy.id}",
        data=policy_form(
            name="Database",
            ack_mode="all",
            **{"level-0-minutes": "15", "level-0-users": [str(sam.user.id)]},
        ),
        headers=hx(token, "policy-form"),
    )
    assert saved.status_code == 204, saved.text
    listed = unescape(client.get("/admin/escalation-policies", headers=HTML).text)
    assert "Level 1 (15 min): Sam; everyone paged must acknowledge" in listed

    gone = client.post(f"/admin/escalation-policies/{policy.id}/delete", headers=hx(token, "x"))
    assert gone.status_code == 204
    assert (
        "No escalation policies yet." in client.get("/admin/escalation-policies", headers=HTML).text
    )


def test_a_policy_level_without_minutes_or_anyone_is_refused(
    client: TestClient, session: Session
) -> None:
    sam = make_person(session, name="Sam")
    _, token = admin_token(client, session)
    for data in (
        policy_form(**{"level-0-users": [str(sam.user.id)]}),
        policy_form(**{"level-0-minutes": "5"}),
        policy_form(),
    ):
        refused = client.post(
            "/admin/escalation-policies", data=data, headers=hx(token, "policy-form")
        )
        assert refused.status_code == 422, refused.text
        assert 'data-error-for="levels"' in refused.text
    session.expire_all()
    assert policies.list_policies(session) == []


def test_policies_can_be_chosen_for_sources_and_routes(
    client: TestClient, session: Session, alice: Person
) -> None:
    policy = make_policy(session, level(("user", alice.user.id)), name="Night shift")
    make_source(session, name="AM", escalation_policy_id=policy.id)
    _, _token = admin_token(client, session)
    listed = client.get("/admin/alert-sources", headers=HTML).text
    assert "Night shift" in listed
    routes = client.get("/admin/alert-routes", headers=HTML).text
    assert f'<option value="{policy.id}" >Night shift</option>' in routes
