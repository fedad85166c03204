"""The webhook senders' endpoints: Alertmanager (version 4), Grafana alerting and the generic
source. What each accepts is stored and deduplicated by PagerDuty's rules; whatever they
refuse, they say what to fix and store nothing."""

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import Person, make_source

from watchkeep.alert import heartbeats
from watchkeep.alert.models import Alert, AlertEvent, AlertPayload

GO_ZERO_TIME = "0001-01-01T00:00:00Z"

FIRING_ALERT: dict[str, Any] = {
    "status": "firing",
    "labels": {
        "alertname": "HighLatency",
        "job": "checkout",
        "instance": "checkout-1:8080",
        "severity": "critical",
    },
    "annotations": {
        "summary": "p99 latency above 2s on checkout-1",
        "description": "The 99th percentile of request latency has been above 2s for 5m.",
        "runbook_url": "https://runbooks.example.com/high-latency",
    },
    "startsAt": "2026-12-01T10:00:00.123456789Z",
    "endsAt": GO_ZERO_TIME,
    "generatorURL": "http://prometheus.example.com:9090/graph?g0.expr=latency_p99+%3E+2",
    "fingerprint": "b1e5c4f2a7d90e31",
}

RESOLVED_ALERT: dict[str, Any] = {
    "status": "resolved",
    "labels": {
        "alertname": "HighLatency",
        "job": "checkout",
        "instance": "checkout-2:8080",
        "severity": "critical",
    },
    "annotations": {"summary": "p99 latency above 2s on checkout-2"},
    "startsAt": "2026-12-01T09:00:00.5Z",
    "endsAt": "2026-12-01T09:40:00.987654321Z",
    "generatorURL": "http://prometheus.example.com:9090/graph?g0.expr=latency_p99+%3E+2",
    "fingerprint": "0c9a8e7d6f5b4a32",
}


def alertmanager_group(*alerts: dict[str, Any], status: str = "firing") -> dict[str, Any]:
    """A notification as Alertmanager 0.27 sends it to a webhook receiver."""
    return {
        "version": "4",
        "groupKey": '{}/{severity="critical"}:{alertname="HighLatency"}',
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "watchkeep",
        "groupLabels": {"alertname": "HighLatency"},
        "commonLabels": {"alertname": "HighLatency", "job": "checkout", "severity": "critical"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example.com:9093",
        "alerts": [copy.deepcopy(alert) for alert in alerts],
    }


def resolved(alert: dict[str, Any], ends_at: str = "2026-12-01T10:30:00Z") -> dict[str, Any]:
    return copy.deepcopy(alert) | {"status": "resolved", "endsAt": ends_at}


GRAFANA_FIRING: dict[str, Any] = {
    "status": "firing",
    "labels": {
        "alertname": "High CPU",
        "grafana_folder": "Infra",
        "instance": "web-1",
        "severity": "warning",
    },
    "annotations": {"summary": "CPU above 90% on web-1", "description": "For 10 minutes."},
    "startsAt": "2026-12-01T12:00:00+02:00",
    "endsAt": GO_ZERO_TIME,
    "generatorURL": "https://grafana.example.com/alerting/grafana/abc123/view?orgId=1",
    "fingerprint": "57c6d9296de2ad39",
    "silenceURL": "https://grafana.example.com/alerting/silence/new?alertmanager=grafana",
    "dashboardURL": "https://grafana.example.com/d/dash1?orgId=1",
    "panelURL": "https://grafana.example.com/d/dash1?orgId=1&viewPanel=2",
    "values": {"B": 95.2, "C": 1},
    "valueString": "[ var='B' labels={instance=web-1} value=95.2 ], [ var='C' value=1 ]",
}

GRAFANA_RESOLVED: dict[str, Any] = {
    "status": "resolved",
    "labels": {"alertname": "High CPU", "grafana_folder": "Infra", "instance": "web-2"},
    "annotations": {},
    "startsAt": "2026-12-01T09:00:00Z",
    "endsAt": "2026-12-01T09:30:00Z",
    "generatorURL": "",
    "fingerprint": "9f1e2d3c4b5a6978",
    "silenceURL": "",
    "dashboardURL": "",
    "panelURL": "",
    "values": None,
    "valueString": "",
}


def grafana_notification(*alerts: dict[str, Any], status: str = "firing") -> dict[str, Any]:
    """A notification of Grafana's unified alerting webhook contact point."""
    return {
        "receiver": "watchkeep",
        "status": status,
        "orgId": 1,
        "alerts": [copy.deepcopy(alert) for alert in alerts],
        "groupLabels": {"alertname": "High CPU"},
        "commonLabels": {"alertname": "High CPU", "grafana_folder": "Infra"},
        "commonAnnotations": {},
        "externalURL": "https://grafana.example.com/",
        "version": "1",
        "groupKey": '{}:{alertname="High CPU"}',
        "truncatedAlerts": 0,
        "title": "[FIRING:1, RESOLVED:1] High CPU (Infra)",
        "state": "alerting",
        "message": "**Firing**\n\nValue: B=95.2, C=1\nLabels:\n - alertname = High CPU\n",
    }


def count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def stored_nothing(session: Session) -> bool:
    session.expire_all()
    return (count(session, AlertPayload), count(session, Alert), count(session, AlertEvent)) == (
        0,
        0,
        0,
    )


def alerts(session: Session) -> list[Alert]:
    session.expire_all()
    return list(session.scalars(select(Alert).order_by(Alert.id)))


@pytest.fixture
def key(session: Session) -> str:
    source = make_source(session, kind="alertmanager")
    session.commit()
    return source.integration_key


def post(client: TestClient, format: str, key: str, body: Any) -> Any:
    """Send ``body`` as JSON (``None`` too: as ``null``)."""
    return client.post(
        f"/ingest/{format}/{key}",
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )


def accepted(client: TestClient, format: str, key: str, body: Any) -> list[dict[str, Any]]:
    response = post(client, format, key, body)
    assert response.status_code == 202, response.text
    answer = response.json()
    assert answer["status"] == "success"
    outcomes: list[dict[str, Any]] = answer["alerts"]
    return outcomes


# ---------------------------------------------------------------------------------------
# Alertmanager
# ---------------------------------------------------------------------------------------


def test_an_alertmanager_group_stores_the_firing_alert_and_drops_the_resolved_one(
    client: TestClient, session: Session, key: str
) -> None:
    outcomes = accepted(
        client, "alertmanager", key, alertmanager_group(FIRING_ALERT, RESOLVED_ALERT)
    )
    [alert] = alerts(session)
    assert outcomes == [
        {"dedup_key": "b1e5c4f2a7d90e31", "outcome": "opened", "alert": f"ALR-{alert.id}"},
        {"dedup_key": "0c9a8e7d6f5b4a32", "outcome": "dropped", "alert": None},
    ]
    assert alert.status == "firing"
    assert alert.dedup_key == "b1e5c4f2a7d90e31"
    assert alert.title == "p99 latency above 2s on checkout-1"
    assert alert.description.startswith("The 99th percentile")
    assert alert.severity == "critical"
    assert alert.labels == FIRING_ALERT["labels"]
    assert alert.annotations == FIRING_ALERT["annotations"]
    assert alert.starts_at == datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=UTC)
    assert alert.ends_at is None  # Go's zero time is "no end yet"
    assert alert.source_url == FIRING_ALERT["generatorURL"]
    assert alert.group_key == '{}/{severity="critical"}:{alertname="HighLatency"}'
    hrefs = {link["href"] for link in alert.links}
    assert FIRING_ALERT["generatorURL"] in hrefs
    assert "https://runbooks.example.com/high-latency" in hrefs
    assert alert.event_count == 1
    [payload] = session.scalars(select(AlertPayload)).all()
    assert payload.format == "alertmanager"
    assert payload.body == alertmanager_group(FIRING_ALERT, RESOLVED_ALERT)
    events = session.scalars(select(AlertEvent).order_by(AlertEvent.id)).all()
    assert [(e.outcome, e.alert_id, e.payload_id) for e in events] == [
        ("opened", alert.id, payload.id),
        ("dropped", None, payload.id),
    ]


def test_alertmanager_repeats_resolves_and_fires_again(
    client: TestClient, session: Session, key: str
) -> None:
    group = alertmanager_group(FIRING_ALERT)
    [first] = accepted(client, "alertmanager", key, group)
    [again] = accepted(client, "alertmanager", key, group)
    assert again["outcome"] == "updated" and again["alert"] == first["alert"]
    [alert] = alerts(session)
    assert (alert.status, alert.event_count) == ("firing", 2)

    [done] = accepted(
        client,
        "alertmanager",
        key,
        alertmanager_group(resolved(FIRING_ALERT), status="resolved"),
    )
    assert (done["outcome"], done["alert"]) == ("resolved", first["alert"])
    [alert] = alerts(session)
    assert alert.status == "resolved" and alert.resolved_at is not None
    assert alert.resolved_by_id is None

    # Resolving it again changes nothing, and opens nothing.
    [twice] = accepted(
        client, "alertmanager", key, alertmanager_group(resolved(FIRING_ALERT), status="resolved")
    )
    assert twice["outcome"] == "dropped"

    [later] = accepted(client, "alertmanager", key, group)
    assert later["outcome"] == "opened" and later["alert"] != first["alert"]
    old, new = alerts(session)
    assert (old.status, new.status) == ("resolved", "firing")
    assert old.dedup_key == new.dedup_key == "b1e5c4f2a7d90e31"
    assert new.event_count == 1


def test_alerts_without_a_fingerprint_are_keyed_by_their_labels(
    client: TestClient, session: Session, key: str
) -> None:
    unprinted = {k: v for k, v in FIRING_ALERT.items() if k != "fingerprint"}
    [first] = accepted(client, "alertmanager", key, alertmanager_group(unprinted))
    reordered = unprinted | {"labels": dict(reversed(list(unprinted["labels"].items())))}
    [second] = accepted(client, "alertmanager", key, alertmanager_group(reordered))
    assert second["dedup_key"] == first["dedup_key"]
    assert second["outcome"] == "updated"
    other = unprinted | {"labels": unprinted["labels"] | {"instance": "checkout-3:8080"}}
    [third] = accepted(client, "alertmanager", key, alertmanager_group(other))
    assert third["outcome"] == "opened" and third["dedup_key"] != first["dedup_key"]


def test_the_same_fingerprint_from_two_sources_is_two_alerts(
    client: TestClient, session: Session, key: str
) -> None:
    other = make_source(session, kind="alertmanager")
    session.commit()
    [one] = accepted(client, "alertmanager", key, alertmanager_group(FIRING_ALERT))
    [two] = accepted(
        client, "alertmanager", other.integration_key, alertmanager_group(FIRING_ALERT)
    )
    assert one["outcome"] == two["outcome"] == "opened"
    assert one["alert"] != two["alert"]


# ---------------------------------------------------------------------------------------
# Grafana
# ---------------------------------------------------------------------------------------


def test_a_grafana_notification_stores_the_firing_alert_with_its_links(
    client: TestClient, session: Session, key: str
) -> None:
    outcomes = accepted(
        client, "grafana", key, grafana_notification(GRAFANA_FIRING, GRAFANA_RESOLVED)
    )
    [alert] = alerts(session)
    assert outcomes == [
        {"dedup_key": "57c6d9296de2ad39", "outcome": "opened", "alert": f"ALR-{alert.id}"},
        {"dedup_key": "9f1e2d3c4b5a6978", "outcome": "dropped", "alert": None},
    ]
    assert alert.title == "CPU above 90% on web-1"
    assert alert.description == "For 10 minutes."
    assert alert.severity == "warning"
    assert alert.labels == GRAFANA_FIRING["labels"]
    assert alert.starts_at == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert alert.ends_at is None
    hrefs = {link["href"] for link in alert.links}
    assert {
        GRAFANA_FIRING["generatorURL"],
        GRAFANA_FIRING["dashboardURL"],
        GRAFANA_FIRING["panelURL"],
    } <= hrefs
    assert alert.details["value_string"] == GRAFANA_FIRING["valueString"]
    assert alert.details["org_id"] == 1
    [payload] = session.scalars(select(AlertPayload)).all()
    assert payload.format == "grafana" and payload.body["title"].startswith("[FIRING:1")


def test_grafana_repeats_resolves_and_fires_again(
    client: TestClient, session: Session, key: str
) -> None:
    notification = grafana_notification(GRAFANA_FIRING)
    [first] = accepted(client, "grafana", key, notification)
    [again] = accepted(client, "grafana", key, notification)
    assert (again["outcome"], again["alert"]) == ("updated", first["alert"])
    [alert] = alerts(session)
    assert alert.event_count == 2
    [done] = accepted(
        client, "grafana", key, grafana_notification(resolved(GRAFANA_FIRING), status="resolved")
    )
    assert (done["outcome"], done["alert"]) == ("resolved", first["alert"])
    [later] = accepted(client, "grafana", key, notification)
    assert later["outcome"] == "opened" and later["alert"] != first["alert"]
    assert [a.status for a in alerts(session)] == ["resolved", "firing"]


# ---------------------------------------------------------------------------------------
# Generic
# ---------------------------------------------------------------------------------------


def test_a_generic_alert_is_stored(client: TestClient, session: Session, key: str) -> None:
    body = {
        "title": "Nightly backup failed",
        "description": "pg_dump exited with 1",
        "labels": {"job": "backup", "severity": "warn"},
        "source_url": "https://ci.example.com/jobs/backup/381",
    }
    [outcome] = accepted(client, "generic", key, body)
    [alert] = alerts(session)
    assert outcome == {
        "dedup_key": alert.dedup_key,
        "outcome": "opened",
        "alert": f"ALR-{alert.id}",
    }
    assert (alert.title, alert.description) == ("Nightly backup failed", "pg_dump exited with 1")
    assert alert.severity == "warning"
    assert alert.labels == {"job": "backup", "severity": "warn"}
    assert alert.source_url == "https://ci.example.com/jobs/backup/381"
    assert {"href": "https://ci.example.com/jobs/backup/381", "text": "Source"} in alert.links
    [payload] = session.scalars(select(AlertPayload)).all()
    assert payload.format == "generic" and payload.body == body


def test_a_generic_derived_key_is_stable(client: TestClient, session: Session, key: str) -> None:
    body = {"title": "Disk full", "labels": {"host": "db-1", "mount": "/var"}}
    [first] = accepted(client, "generic", key, body)
    reordered = {"labels": {"mount": "/var", "host": "db-1"}, "title": "Disk full"}
    [second] = accepted(client, "generic", key, reordered)
    assert (second["dedup_key"], second["outcome"]) == (first["dedup_key"], "updated")
    [other_host] = accepted(client, "generic", key, body | {"labels": {"host": "db-2"}})
    [other_title] = accepted(client, "generic", key, body | {"title": "Disk almost full"})
    keys = {first["dedup_key"], other_host["dedup_key"], other_title["dedup_key"]}
    assert len(keys) == 3
    assert [a.event_count for a in alerts(session)] == [2, 1, 1]


def test_a_generic_list_acknowledges_and_resolves_by_key(
    client: TestClient, session: Session, key: str
) -> None:
    outcomes = accepted(
        client,
        "generic",
        key,
        {
            "alerts": [
                {"title": "Queue backlog", "dedup_key": "queue-1"},
                {"title": "Queue backlog", "dedup_key": "queue-2", "status": "firing"},
            ]
        },
    )
    assert [o["outcome"] for o in outcomes] == ["opened", "opened"]
    outcomes = accepted(
        client,
        "generic",
        key,
        {
            "alerts": [
                {"title": "Queue backlog", "dedup_key": "queue-1", "status": "acknowledged"},
                {"title": "Queue backlog", "dedup_key": "queue-2", "status": "RESOLVED"},
                {"title": "Queue backlog", "dedup_key": "queue-3", "status": "resolved"},
            ]
        },
    )
    assert [o["outcome"] for o in outcomes] == ["acknowledged", "resolved", "dropped"]
    one, two = alerts(session)
    assert (one.dedup_key, one.status) == ("queue-1", "acknowledged")
    assert one.acknowledged_at is not None and one.acknowledged_by_id is None
    assert (two.dedup_key, two.status) == ("queue-2", "resolved")
    # A trigger on an acknowledged key adds to it and leaves it acknowledged.
    [again] = accepted(client, "generic", key, {"title": "Queue backlog", "dedup_key": "queue-1"})
    assert again["outcome"] == "updated"
    one, _ = alerts(session)
    assert (one.status, one.event_count) == ("acknowledged", 2)


# ---------------------------------------------------------------------------------------
# What is refused stores nothing
# ---------------------------------------------------------------------------------------

FORMATS = ("alertmanager", "grafana", "generic")


def valid(format: str) -> dict[str, Any]:
    if format == "alertmanager":
        return alertmanager_group(FIRING_ALERT)
    if format == "grafana":
        return grafana_notification(GRAFANA_FIRING)
    return {"title": "Disk full", "labels": {"host": "db-1"}}


def first_alert(format: str, body: dict[str, Any]) -> dict[str, Any]:
    """The alert object of ``body`` that a sender's mistake is put into."""
    alert: dict[str, Any] = body if format == "generic" else body["alerts"][0]
    return alert


def nul_refused(response: Any, where: str, what: str = "NUL") -> None:
    """A NUL or an unpaired surrogate is refused (before any route reads the body) with 422
    naming where it was."""
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"]
    assert where in message and what in message, message


def refused(response: Any, *named: str) -> str:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_payload"
    message: str = error["message"]
    for words in named:
        assert words in message, message
    return message


@pytest.mark.parametrize("format", FORMATS)
def test_a_body_that_is_not_json_is_refused(
    client: TestClient, session: Session, key: str, format: str
) -> None:
    response = client.post(
        f"/ingest/{format}/{key}",
        content=b'{"alerts": [',
        headers={"Content-Type": "application/json"},
    )
    refused(response, "not valid JSON")
    assert stored_nothing(session)


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize(("body", "kind"), [([], "a list"), ("firing", "a string"), (None, "null")])
def test_a_body_that_is_not_an_object_is_refused(
    client: TestClient, session: Session, key: str, format: str, body: Any, kind: str
) -> None:
    refused(post(client, format, key, body), "must be a JSON object", kind)
    assert stored_nothing(session)


@pytest.mark.parametrize("version", ["3", 4, None])
def test_alertmanager_wants_version_4(
    client: TestClient, session: Session, key: str, version: Any
) -> None:
    body = alertmanager_group(FIRING_ALERT)
    if version is None:
        del body["version"]
    else:
        body["version"] = version
    refused(post(client, "alertmanager", key, body), "version", '"4"')
    assert stored_nothing(session)


@pytest.mark.parametrize("format", ["alertmanager", "grafana"])
@pytest.mark.parametrize("field", ["status", "labels"])
def test_an_alert_without_status_or_labels_is_refused(
    client: TestClient, session: Session, key: str, format: str, field: str
) -> None:
    body = valid(format)
    del first_alert(format, body)[field]
    refused(post(client, format, key, body), f"alerts[0].{field}", "required")
    assert stored_nothing(session)


@pytest.mark.parametrize("format", ["alertmanager", "grafana"])
def test_an_unknown_alert_status_is_refused(
    client: TestClient, session: Session, key: str, format: str
) -> None:
    body = valid(format)
    first_alert(format, body)["status"] = "pending"
    refused(post(client, format, key, body), "alerts[0].status", '"firing"', '"pending"')
    assert stored_nothing(session)


@pytest.mark.parametrize("format", ["alertmanager", "grafana"])
def test_a_group_without_alerts_is_refused(
    client: TestClient, session: Session, key: str, format: str
) -> None:
    body = valid(format)
    del body["alerts"]
    refused(post(client, format, key, body), "alerts", "required")
    assert stored_nothing(session)


def test_a_generic_alert_without_a_title_is_refused(
    client: TestClient, session: Session, key: str
) -> None:
    refused(post(client, "generic", key, {"status": "firing"}), "title", "required")
    refused(post(client, "generic", key, {"title": "   "}), "title", "empty")
    refused(post(client, "generic", key, {"title": "x", "status": "exploded"}), "status")
    assert stored_nothing(session)


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("value", [503, True, None, ["a"]])
def test_a_label_value_that_is_not_a_string_is_refused(
    client: TestClient, session: Session, key: str, format: str, value: Any
) -> None:
    body = valid(format)
    first_alert(format, body)["labels"]["code"] = value
    where = "labels.code" if format == "generic" else "alerts[0].labels.code"
    refused(post(client, format, key, body), where, "must be a string")
    assert stored_nothing(session)


@pytest.mark.parametrize("format", FORMATS)
def test_a_nul_in_a_read_field_is_refused(
    client: TestClient, session: Session, key: str, format: str
) -> None:
    body = valid(format)
    first_alert(format, body)["labels"]["host"] = "db-1\u0000"
    nul_refused(post(client, format, key, body), "labels.host")
    assert stored_nothing(session)


@pytest.mark.parametrize(
    ("format", "where"),
    [
        ("alertmanager", "groupLabels"),
        ("alertmanager", "commonAnnotations"),
        ("grafana", "message"),
        ("grafana", "commonLabels"),
    ],
)
@pytest.mark.parametrize("bad", ["\u0000", "\ud800", "\udfff"])
def test_an_unstorable_text_anywhere_in_the_body_is_refused(
    client: TestClient, session: Session, key: str, format: str, where: str, bad: str
) -> None:
    """The body is stored as it came, so a NUL or a lone surrogate in a field that nothing
    reads must be refused too (PostgreSQL cannot store either), not fail as a 500."""
    body = valid(format)
    if isinstance(body[where], dict):
        body[where]["extra"] = f"x{bad}y"
    else:
        body[where] = f"x{bad}y"
    response = post(client, format, key, body)
    nul_refused(response, where, "NUL" if bad == "\u0000" else "surrogate")
    assert stored_nothing(session)


def test_a_lone_surrogate_in_a_label_is_refused(
    client: TestClient, session: Session, key: str
) -> None:
    body = valid("alertmanager")
    body["alerts"][0]["labels"]["host"] = "db-\ud83d"
    nul_refused(post(client, "alertmanager", key, body), "alerts[0].labels.host", "surrogate")
    assert stored_nothing(session)


@pytest.mark.parametrize("path", ["/v2/enqueue", "/v2/change/enqueue"])
def test_a_pagerduty_event_with_a_lone_surrogate_in_an_unread_field_is_refused(
    client: TestClient, session: Session, key: str, path: str
) -> None:
    body = {
        "routing_key": key,
        "event_action": "trigger",
        "payload": {
            "summary": "Disk full",
            "source": "db-1",
            "severity": "error",
            "extra": "x\ud800y",
        },
    }
    response = client.post(
        path, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    nul_refused(response, "payload.extra", "surrogate")
    assert stored_nothing(session)


def test_an_unknown_generic_field_is_refused(
    client: TestClient, session: Session, key: str
) -> None:
    message = refused(
        post(client, "generic", key, {"titel": "Disk full", "title": "Disk full"}), '"titel"'
    )
    assert "title" in message.split("the fields are", 1)[1]
    refused(
        post(client, "generic", key, {"alerts": [{"title": "x", "priority": "P1"}]}),
        "alerts[0]",
        '"priority"',
    )
    refused(post(client, "generic", key, {"alerts": [], "title": "x"}), '"title"')
    assert stored_nothing(session)


@pytest.mark.parametrize("format", ["alertmanager", "grafana", "generic"])
def test_one_bad_alert_refuses_the_whole_batch(
    client: TestClient, session: Session, key: str, format: str
) -> None:
    if format == "generic":
        body: dict[str, Any] = {"alerts": [{"title": "fine"}, {"title": "also fine"}, {"title": 7}]}
        where = "alerts[2].title"
    else:
        body = valid(format)
        broken = copy.deepcopy(body["alerts"][0]) | {"fingerprint": "other", "startsAt": "soon"}
        body["alerts"].append(broken)
        where = "alerts[1].startsAt"
    refused(post(client, format, key, body), where)
    assert stored_nothing(session)


def test_every_problem_is_listed_at_once(client: TestClient, session: Session, key: str) -> None:
    body = alertmanager_group(FIRING_ALERT, RESOLVED_ALERT)
    del body["alerts"][0]["status"]
    body["alerts"][1]["labels"]["severity"] = 1
    response = post(client, "alertmanager", key, body)
    refused(response, "alerts[0].status", "alerts[1].labels.severity")
    assert len(response.json()["error"]["details"]["errors"]) == 2
    assert stored_nothing(session)


@pytest.mark.parametrize("format", FORMATS)
def test_a_10_mb_body_is_413(client: TestClient, session: Session, key: str, format: str) -> None:
    body = valid(format)
    first_alert(format, body)["description" if format == "generic" else "valueString"] = "x" * (
        10 * 1024 * 1024
    )
    response = post(client, format, key, body)
    assert response.status_code == 413, response.text[:300]
    assert response.json()["error"]["code"] == "too_large"
    assert "larger than" in response.json()["error"]["message"]
    assert stored_nothing(session)


# ---------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------


def not_found(response: Any) -> None:
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("format", FORMATS)
def test_an_unknown_key_is_404(client: TestClient, session: Session, key: str, format: str) -> None:
    not_found(post(client, format, "0" * 32, valid(format)))
    not_found(post(client, format, key.upper(), valid(format)))
    assert stored_nothing(session)


def test_a_disabled_source_is_404_until_enabled_again(
    client: TestClient, session: Session, admin: Person, key: str
) -> None:
    [source] = client.get("/api/v1/alert-sources", headers=admin.headers).json()
    off = client.patch(
        f"/api/v1/alert-sources/{source['id']}", json={"enabled": False}, headers=admin.headers
    )
    assert off.status_code == 200 and off.json()["enabled"] is False
    for format in FORMATS:
        not_found(post(client, format, key, valid(format)))
    assert stored_nothing(session)
    on = client.patch(
        f"/api/v1/alert-sources/{source['id']}", json={"enabled": True}, headers=admin.headers
    )
    assert on.status_code == 200
    assert post(client, "generic", key, valid("generic")).status_code == 202


def test_a_rotated_key_stops_working_at_once(
    client: TestClient, session: Session, admin: Person, key: str
) -> None:
    [source] = client.get("/api/v1/alert-sources", headers=admin.headers).json()
    rotated = client.post(f"/api/v1/alert-sources/{source['id']}/rotate-key", headers=admin.headers)
    assert rotated.status_code == 200
    new_key = rotated.json()["integration_key"]
    assert new_key != key
    for format in FORMATS:
        not_found(post(client, format, key, valid(format)))
    assert stored_nothing(session)
    for format in FORMATS:
        assert post(client, format, new_key, valid(format)).status_code == 202
    assert count(session, AlertPayload) == 3


def test_a_heartbeat_ping_with_a_webhook_source_key_is_refused(
    client: TestClient, session: Session, key: str
) -> None:
    response = client.get(f"/ingest/heartbeat/{key}")
    assert response.status_code == 422, response.text
    assert "not a heartbeat monitor" in response.json()["error"]["message"]
    not_found(client.get(f"/ingest/heartbeat/{'0' * 32}"))
    assert stored_nothing(session)


# ---------------------------------------------------------------------------------------
# Rate limit
# ---------------------------------------------------------------------------------------


def slow_down(client: TestClient, per_minute: int) -> None:
    state = client.app.state  # type: ignore[attr-defined]
    state.settings.ingest_events_per_minute = per_minute
    if hasattr(state, "ingest_limiter"):
        del state.ingest_limiter


@pytest.mark.parametrize("format", FORMATS)
def test_a_sender_that_is_too_fast_gets_429_with_retry_after(
    client: TestClient, session: Session, key: str, format: str
) -> None:
    slow_down(client, 2)
    codes = [post(client, format, key, valid(format)).status_code for _ in range(3)]
    assert codes == [202, 202, 429]
    refused_now = post(client, format, key, valid(format))
    assert refused_now.status_code == 429
    assert int(refused_now.headers["Retry-After"]) >= 1
    assert refused_now.json()["error"]["code"] == "too_many_requests"
    assert count(session, AlertPayload) == 2


def test_the_rate_limit_is_per_source(client: TestClient, session: Session, key: str) -> None:
    other = make_source(session, kind="generic")
    session.commit()
    slow_down(client, 1)
    assert post(client, "generic", key, valid("generic")).status_code == 202
    assert post(client, "generic", key, valid("generic")).status_code == 429
    assert post(client, "generic", other.integration_key, valid("generic")).status_code == 202


# ---------------------------------------------------------------------------------------
# Sizes and links
# ---------------------------------------------------------------------------------------


def test_a_long_title_and_description_are_cut_not_refused(
    client: TestClient, session: Session, key: str
) -> None:
    body = {"title": "T" * 5000, "description": "D" * 50_000}
    [outcome] = accepted(client, "generic", key, body)
    assert outcome["outcome"] == "opened"
    [alert] = alerts(session)
    assert 0 < len(alert.title) < 5000 and alert.title == "T" * len(alert.title)
    assert 0 < len(alert.description) < 50_000
    [payload] = session.scalars(select(AlertPayload)).all()
    assert payload.body == body  # the raw payload keeps everything


@pytest.mark.parametrize(
    ("format", "change", "named"),
    [
        ("generic", {"dedup_key": "k" * 256}, "dedup_key"),
        ("generic", {"labels": {f"l{n}": "v" for n in range(201)}}, "labels"),
        ("generic", {"labels": {"x" * 201: "v"}}, "labels"),
        ("generic", {"labels": {"host": "v" * 2001}}, "labels.host"),
        ("generic", {"source_url": "javascript:alert(1)"}, "source_url"),
        ("generic", {"alerts": [{"title": "x"}] * 1001}, "alerts"),
        ("alertmanager", {"fingerprint": "f" * 256}, "alerts[0].fingerprint"),
        ("alertmanager", {"startsAt": "2026-13-01T00:00:00Z"}, "alerts[0].startsAt"),
        ("alertmanager", {"endsAt": 1733040000}, "alerts[0].endsAt"),
        ("grafana", {"labels": ["alertname"]}, "alerts[0].labels"),
        ("grafana", {"annotations": {"summary": 5}}, "alerts[0].annotations.summary"),
    ],
)
def test_what_cannot_be_kept_whole_is_refused(
    client: TestClient,
    session: Session,
    key: str,
    format: str,
    change: dict[str, Any],
    named: str,
) -> None:
    body = valid(format)
    if "alerts" in change:
        body = change
    else:
        first_alert(format, body).update(change)
    refused(post(client, format, key, body), named)
    assert stored_nothing(session)


def test_only_web_links_are_kept(client: TestClient, session: Session, key: str) -> None:
    unsafe = copy.deepcopy(FIRING_ALERT)
    unsafe["generatorURL"] = "javascript:alert(document.cookie)"
    unsafe["annotations"]["runbook_url"] = "/relative/runbook"
    [outcome] = accepted(client, "alertmanager", key, alertmanager_group(unsafe))
    assert outcome["outcome"] == "opened"
    [alert] = alerts(session)
    assert alert.links == [] and alert.source_url is None
    assert alert.annotations["runbook_url"] == "/relative/runbook"  # kept as text


# ---------------------------------------------------------------------------------------
# Heartbeat pings over HTTP
# ---------------------------------------------------------------------------------------


def test_a_ping_over_http_resolves_the_missed_heartbeat_alert(
    client: TestClient, session: Session, admin: Person
) -> None:
    monitor = make_source(session, kind="heartbeat", heartbeat_seconds=60)
    session.commit()
    late = monitor.last_event_at + timedelta(seconds=61)  # type: ignore[operator]
    [opened] = heartbeats.check(session, now=late)
    session.commit()
    response = client.post(f"/ingest/heartbeat/{monitor.integration_key}")
    assert response.status_code == 200, response.text
    assert response.json()["alerts"] == [
        {"dedup_key": "heartbeat", "outcome": "resolved", "alert": f"ALR-{opened}"}
    ]
    [alert] = alerts(session)
    assert alert.status == "resolved"
    shown = client.get(f"/api/v1/alert-sources/{monitor.id}", headers=admin.headers).json()
    assert datetime.fromisoformat(shown["last_event_at"]) > late - timedelta(seconds=61)
    # A disabled monitor's ping is refused like an unknown key.
    client.patch(
        f"/api/v1/alert-sources/{monitor.id}", json={"enabled": False}, headers=admin.headers
    )
    not_found(client.get(f"/ingest/heartbeat/{monitor.integration_key}"))


def test_a_payload_can_be_checked_without_storing_it(client: TestClient, session: Session) -> None:
    body = valid("alertmanager")
    checked = client.post("/ingest/check/alertmanager", json=body)
    assert checked.status_code == 200, checked.text
    assert checked.json()["status"] == "valid" and checked.json()["alerts"]
    bad = client.post("/ingest/check/alertmanager", json={"version": "3"})
    assert bad.status_code == 400 and "version" in bad.json()["error"]["message"]
    assert client.post("/ingest/check/nagios", json={}).status_code == 404
    assert stored_nothing(session)
