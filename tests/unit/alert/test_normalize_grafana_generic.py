"""Grafana alerting's webhook contact point (Alertmanager's shape plus Grafana's fields) and
the generic HTTP source (our own strict format)."""

import copy
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.hypothesis_profiles import examples

from watchkeep.alert.normalize import Link, PayloadError, Signal, generic, grafana

# A notification of Grafana 10's unified alerting: one alert firing, one resolved.
NOTIFICATION: dict[str, Any] = {
    "receiver": "watchkeep",
    "status": "firing",
    "orgId": 1,
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "High CPU", "grafana_folder": "Infra", "severity": "warn"},
            "annotations": {
                "summary": "CPU above 90% on web-1",
                "runbook_url": "https://runbooks.example.com/cpu",
            },
            "startsAt": "2024-05-01T12:00:00+02:00",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "https://grafana.example.com/alerting/grafana/abc123/view?orgId=1",
            "fingerprint": "57c6d9296de2ad39",
            "silenceURL": "https://grafana.example.com/alerting/silence/new?alertmanager=grafana",
            "dashboardURL": "https://grafana.example.com/d/dash1?orgId=1",
            "panelURL": "https://grafana.example.com/d/dash1?orgId=1&viewPanel=2",
            "values": {"B": 95.2, "C": 1},
            "valueString": "[ var='B' labels={instance=web-1} value=95.2 ]",
            "imageURL": "https://grafana.example.com/public/img/attachments/cpu.png",
        },
        {
            "status": "resolved",
            "labels": {"alertname": "High CPU", "instance": "web-2"},
            "annotations": {},
            "startsAt": "2024-05-01T09:00:00Z",
            "endsAt": "2024-05-01T09:30:00.987654321Z",
            "generatorURL": "",
            "silenceURL": "",
            "dashboardURL": "",
            "panelURL": "",
            "values": None,
        },
    ],
    "groupLabels": {"alertname": "High CPU"},
    "commonLabels": {"alertname": "High CPU"},
    "commonAnnotations": {},
    "externalURL": "https://grafana.example.com/",
    "version": "1",
    "groupKey": '{}:{alertname="High CPU"}',
    "truncatedAlerts": 0,
    "title": "[FIRING:1, RESOLVED:1] High CPU",
    "state": "alerting",
    "message": "**Firing**\n\nValue: B=95.2",
}


def grafana_errors(body: Any) -> list[str]:
    with pytest.raises(PayloadError) as raised:
        grafana(body)
    assert raised.value.errors
    return raised.value.errors


def generic_errors(body: Any) -> list[str]:
    with pytest.raises(PayloadError) as raised:
        generic(body)
    assert raised.value.errors
    return raised.value.errors


def test_a_grafana_notification() -> None:
    firing, resolved = grafana(NOTIFICATION)

    assert firing == Signal(
        action="trigger",
        dedup_key="57c6d9296de2ad39",
        title="CPU above 90% on web-1",
        severity="warning",
        labels=NOTIFICATION["alerts"][0]["labels"],
        annotations=NOTIFICATION["alerts"][0]["annotations"],
        links=(
            Link("https://grafana.example.com/alerting/grafana/abc123/view?orgId=1", "Source"),
            Link("https://grafana.example.com/d/dash1?orgId=1", "Dashboard"),
            Link("https://grafana.example.com/d/dash1?orgId=1&viewPanel=2", "Panel"),
            Link("https://runbooks.example.com/cpu", "Runbook"),
        ),
        images=(Link("https://grafana.example.com/public/img/attachments/cpu.png"),),
        source_url="https://grafana.example.com/alerting/grafana/abc123/view?orgId=1",
        group_key='{}:{alertname="High CPU"}',
        starts_at=datetime(2024, 5, 1, 10, tzinfo=UTC),
        details={
            "receiver": "watchkeep",
            "external_url": "https://grafana.example.com/",
            "truncated_alerts": 0,
            "org_id": 1,
            "value_string": "[ var='B' labels={instance=web-1} value=95.2 ]",
        },
    )
    assert resolved.action == "resolve"
    assert resolved.ends_at == datetime(2024, 5, 1, 9, 30, 0, 987654, tzinfo=UTC)
    assert (resolved.links, resolved.source_url) == ((), None)
    assert "value_string" not in resolved.details


def test_a_missing_fingerprint_is_derived_from_the_labels() -> None:
    body = copy.deepcopy(NOTIFICATION)
    labels = body["alerts"][1]["labels"]
    (_, resolved) = grafana(body)
    compact = json.dumps(labels, sort_keys=True, separators=(",", ":"))
    assert resolved.dedup_key == hashlib.sha256(compact.encode()).hexdigest()[:16]
    body["alerts"][1]["labels"] = dict(reversed(labels.items()))
    assert grafana(body)[1].dedup_key == resolved.dedup_key


@pytest.mark.parametrize("version", ["1", "4", 2, None])
def test_grafana_takes_any_version(version: Any) -> None:
    body = {**NOTIFICATION, "version": version}
    assert len(grafana(body)) == 2


def test_grafana_errors_name_their_field() -> None:
    body = copy.deepcopy(NOTIFICATION)
    body["orgId"] = "one"
    body["alerts"][0]["status"] = "alerting"
    body["alerts"][0]["valueString"] = 95.2
    body["alerts"][1]["labels"] = None
    assert grafana_errors(body) == [
        'orgId must be a whole number, 0 or more, not "one"',
        'alerts[0].status must be "firing" or "resolved", not "alerting"',
        "alerts[0].valueString must be a string, not a number",
        "alerts[1].labels is required (an object of strings)",
    ]
    assert grafana_errors([NOTIFICATION]) == ["the body must be a JSON object, not a list"]


# The generic source.

ALERT = {
    "title": "Backup failed on db-1",
    "status": "firing",
    "dedup_key": "backup/db-1",
    "description": "pg_dump exited with 1",
    "labels": {"service": "postgres", "severity": "major"},
    "source_url": "https://ci.example.com/jobs/42",
    "severity": "critical",
}


def test_one_generic_alert() -> None:
    assert generic(ALERT) == [
        Signal(
            action="trigger",
            dedup_key="backup/db-1",
            title="Backup failed on db-1",
            description="pg_dump exited with 1",
            severity="critical",
            labels={"service": "postgres", "severity": "major"},
            links=(Link("https://ci.example.com/jobs/42", "Source"),),
            source_url="https://ci.example.com/jobs/42",
        )
    ]


def test_a_generic_batch_and_an_empty_one() -> None:
    signals = generic({"alerts": [ALERT, {"title": "Queue stuck", "status": "OK"}]})
    assert [(s.action, s.title) for s in signals] == [
        ("trigger", "Backup failed on db-1"),
        ("resolve", "Queue stuck"),
    ]
    assert generic({"alerts": []}) == []


def test_only_a_title_is_needed() -> None:
    (signal,) = generic({"title": "Something broke"})
    assert signal.action == "trigger"
    assert (signal.severity, signal.labels, signal.links, signal.description) == (None, {}, (), "")
    assert signal.dedup_key == hashlib.sha256(b"Something broke{}").hexdigest()[:16]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("firing", "trigger"),
        ("triggered", "trigger"),
        ("trigger", "trigger"),
        ("PROBLEM", "trigger"),
        ("acknowledged", "acknowledge"),
        ("acknowledge", "acknowledge"),
        ("resolved", "resolve"),
        ("Resolve", "resolve"),
        ("ok", "resolve"),
    ],
)
def test_generic_statuses(status: str, action: str) -> None:
    (signal,) = generic({"title": "t", "status": status})
    assert signal.action == action


def test_an_unknown_status_lists_the_known_ones() -> None:
    (error,) = generic_errors({"title": "t", "status": "down"})
    assert error.startswith('status must be "firing", "triggered", "trigger", "problem", ')
    assert error.endswith('"resolve" or "ok", not "down"')


def test_the_severity_falls_back_to_the_severity_label() -> None:
    (signal,) = generic({"title": "t", "labels": {"severity": "P3"}})
    assert signal.severity == "warning"
    (unknown,) = generic({"title": "t", "severity": "whatever", "labels": {"severity": "P3"}})
    assert unknown.severity is None


def test_a_derived_dedup_key_is_stable_and_depends_on_title_and_labels() -> None:
    labels = {"b": "2", "a": "1"}
    (one,) = generic({"title": "t", "labels": labels})
    (same,) = generic({"title": "t", "labels": dict(reversed(labels.items()))})
    (other_title,) = generic({"title": "u", "labels": labels})
    (other_labels,) = generic({"title": "t", "labels": {"a": "1"}})
    assert one.dedup_key == same.dedup_key
    assert len({one.dedup_key, other_title.dedup_key, other_labels.dedup_key}) == 3
    expected = hashlib.sha256(b't{"a":"1","b":"2"}').hexdigest()[:16]
    assert one.dedup_key == expected


def test_generic_texts_are_cut() -> None:
    (signal,) = generic({"title": "t" * 1500, "description": "d" * 30_000})
    assert (len(signal.title), len(signal.description)) == (1024, 20_000)


def test_unknown_fields_are_errors_so_typos_are_caught() -> None:
    assert generic_errors({"titel": "Backup failed"}) == [
        'the body has unknown field "titel"; the fields are title, status, dedup_key, '
        "description, labels, severity, source_url",
        "title is required",
    ]
    (error,) = generic_errors({"alerts": [ALERT, {**ALERT, "sevrity": "x", "host": "h"}]})
    assert error.startswith('alerts[1] has unknown fields "host", "sevrity"; the fields are')
    (batch,) = generic_errors({"alerts": [], "source": "ci"})
    assert batch == 'the body has unknown field "source"; the fields are alerts'


def test_every_generic_problem_is_listed() -> None:
    body = {
        "title": "",
        "status": 1,
        "dedup_key": "k" * 256,
        "description": ["d"],
        "labels": {"team": 5},
        "source_url": "ci.example.com/jobs/42",
        "severity": {"level": 1},
    }
    assert generic_errors(body) == [
        "title must not be empty",
        "status must be a string, not a number",
        "dedup_key must be at most 255 characters, not 256",
        "description must be a string, not a list",
        "labels.team must be a string, not a number",
        'source_url must be an absolute http(s) URL, not "ci.example.com/jobs/42"',
        "severity must be a string, not an object",
    ]


def test_a_batch_is_at_most_1000_alerts() -> None:
    assert len(generic({"alerts": [{"title": f"a{i}"} for i in range(1000)]})) == 1000
    assert generic_errors({"alerts": [{"title": "a"}] * 1001}) == [
        "alerts must have at most 1000 entries, not 1001"
    ]


def test_generic_batch_errors_name_the_entry() -> None:
    assert generic_errors({"alerts": [ALERT, None, {"title": "x\x00"}]}) == [
        "alerts[1] must be a JSON object, not null",
        "alerts[2].title must not contain a NUL character (\\u0000)",
    ]
    assert generic_errors({"alerts": "all of them"}) == ["alerts must be a list, not a string"]


@pytest.mark.parametrize("body", [None, [ALERT], 0, "Backup failed", False])
def test_a_generic_body_that_is_not_an_object_is_refused(body: Any) -> None:
    (error,) = generic_errors(body)
    assert error.startswith("the body must be a JSON object, not ")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
GENERIC_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "title": st.text() | JSON,
        "status": st.sampled_from(["firing", "OK", "down"]) | JSON,
        "dedup_key": JSON,
        "labels": st.dictionaries(st.text(max_size=3), st.text() | JSON, max_size=3) | JSON,
        "source_url": st.sampled_from(["https://x.example.com", "http://[::1"]) | JSON,
        "severity": JSON,
    },
)
GRAFANA_ALERT_LIKE = st.fixed_dictionaries(
    {"status": st.sampled_from(["firing", "resolved"]), "labels": st.just({"a": "b"})},
    optional={
        name: st.sampled_from(["https://g.example.com/d/1", ""]) | JSON
        for name in ("dashboardURL", "panelURL", "imageURL", "valueString", "generatorURL")
    },
)


@settings(max_examples=examples(4))
@given(JSON | GENERIC_LIKE | st.fixed_dictionaries({"alerts": st.lists(GENERIC_LIKE | JSON)}))
def test_any_json_gives_generic_signals_or_a_payload_error(body: Any) -> None:
    try:
        signals = generic(body)
    except PayloadError as error:
        assert error.errors
    else:
        assert all(isinstance(signal, Signal) for signal in signals)


@settings(max_examples=examples(4))
@given(
    JSON
    | st.fixed_dictionaries(
        {"alerts": st.lists(GRAFANA_ALERT_LIKE | JSON, max_size=3)},
        optional={"orgId": JSON, "version": JSON},
    )
)
def test_any_json_gives_grafana_signals_or_a_payload_error(body: Any) -> None:
    try:
        signals = grafana(body)
    except PayloadError as error:
        assert error.errors
    else:
        assert all(isinstance(signal, Signal) for signal in signals)
