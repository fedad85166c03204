"""Alertmanager's webhook (payload version 4) read into signals, and the rules every parser
shares: instants, severities, stored-text limits and errors that list every problem."""

import copy
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.hypothesis_profiles import examples

from watchkeep.alert.normalize import (
    SEVERITIES,
    Link,
    PayloadError,
    Signal,
    alertmanager,
    severity_of,
)

# A real notification of a group with one alert still firing and one resolved, as
# Alertmanager 0.27 sends it (nanosecond instants, Go's zero time for "no end yet").
GROUP: dict[str, Any] = {
    "version": "4",
    "groupKey": '{}/{team="payments"}:{alertname="HighLatency"}',
    "truncatedAlerts": 0,
    "status": "firing",
    "receiver": "watchkeep",
    "groupLabels": {"alertname": "HighLatency"},
    "commonLabels": {"alertname": "HighLatency", "team": "payments"},
    "commonAnnotations": {},
    "externalURL": "http://alertmanager:9093",
    "alerts": [
        {
            "status": "firing",
            "labels": {
                "alertname": "HighLatency",
                "instance": "api-1:8080",
                "severity": "page",
                "team": "payments",
            },
            "annotations": {
                "summary": "p99 latency above 2s on api-1",
                "description": "The 99th percentile has been above 2s for 10 minutes.",
                "runbook_url": "https://runbooks.example.com/high-latency",
            },
            "startsAt": "2024-05-01T10:00:00.123456789Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus:9090/graph?g0.expr=latency",
            "fingerprint": "a1b2c3d4e5f60718",
        },
        {
            "status": "resolved",
            "labels": {"alertname": "HighLatency", "instance": "api-2:8080", "team": "payments"},
            "annotations": {},
            "startsAt": "2024-05-01T09:40:00+02:00",
            "endsAt": "2024-05-01T08:05:30.5Z",
            "generatorURL": "http://prometheus:9090/graph?g0.expr=latency",
            "fingerprint": "0f1e2d3c4b5a6978",
        },
    ],
}


def group(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(GROUP)
    body.update(changes)
    return body


def one_alert(**fields: Any) -> dict[str, Any]:
    """A group holding one alert: the first one of GROUP with ``fields`` changed (None
    removes a field)."""
    alert = copy.deepcopy(GROUP["alerts"][0])
    for name, value in fields.items():
        if value is None:
            alert.pop(name, None)
        else:
            alert[name] = value
    return group(alerts=[alert])


def errors_of(body: Any) -> list[str]:
    with pytest.raises(PayloadError) as raised:
        alertmanager(body)
    assert raised.value.errors
    assert str(raised.value) == "; ".join(raised.value.errors)
    return raised.value.errors


def test_a_group_gives_one_signal_per_alert_with_its_own_status() -> None:
    firing, resolved = alertmanager(GROUP)

    assert firing == Signal(
        action="trigger",
        dedup_key="a1b2c3d4e5f60718",
        title="p99 latency above 2s on api-1",
        description="The 99th percentile has been above 2s for 10 minutes.",
        severity="critical",
        labels=GROUP["alerts"][0]["labels"],
        annotations=GROUP["alerts"][0]["annotations"],
        links=(
            Link("http://prometheus:9090/graph?g0.expr=latency", "Source"),
            Link("https://runbooks.example.com/high-latency", "Runbook"),
        ),
        source_url="http://prometheus:9090/graph?g0.expr=latency",
        group_key='{}/{team="payments"}:{alertname="HighLatency"}',
        starts_at=datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC),
        ends_at=None,
        details={
            "receiver": "watchkeep",
            "external_url": "http://alertmanager:9093",
            "truncated_alerts": 0,
        },
    )
    assert resolved.action == "resolve"
    assert resolved.dedup_key == "0f1e2d3c4b5a6978"
    assert (resolved.title, resolved.description, resolved.severity) == ("HighLatency", "", None)
    assert resolved.links == (Link("http://prometheus:9090/graph?g0.expr=latency", "Source"),)


def test_instants_come_out_in_utc_whatever_the_offset() -> None:
    resolved = alertmanager(GROUP)[1]
    assert resolved.starts_at == datetime(2024, 5, 1, 7, 40, tzinfo=UTC)
    assert resolved.ends_at == datetime(2024, 5, 1, 8, 5, 30, 500000, tzinfo=UTC)
    assert resolved.starts_at is not None and resolved.starts_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00.123456789Z", datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2024-05-01T10:00:00.1+00:00", datetime(2024, 5, 1, 10, 0, 0, 100000, tzinfo=UTC)),
        ("2024-05-01T12:30:00+02:30", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T05:00:00-05:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),  # naive means UTC
        ("2024-05-01 10:00:00.5", datetime(2024, 5, 1, 10, 0, 0, 500000, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", None),  # Go's zero time: not set
        ("0001-01-01T00:00:00.000000000Z", None),
    ],
)
def test_instant_forms(text: str, expected: datetime | None) -> None:
    (signal,) = alertmanager(one_alert(startsAt=text, endsAt=text))
    assert signal.starts_at == expected
    assert signal.ends_at == expected


@pytest.mark.parametrize(
    "text", ["yesterday", "", "2024-13-01T00:00:00Z", "2024-05-01T25:00:00Z", "1" * 500]
)
def test_an_unparsable_instant_is_an_error_naming_the_field(text: str) -> None:
    (error,) = errors_of(one_alert(endsAt=text))
    assert error.startswith("alerts[0].endsAt must be an RFC 3339 instant such as")


def test_an_instant_pushed_out_of_range_by_its_offset_is_an_error() -> None:
    (error,) = errors_of(one_alert(startsAt="0001-01-01T00:30:00+01:00"))
    assert error.startswith("alerts[0].startsAt must be an RFC 3339 instant")


def test_missing_instants_are_none() -> None:
    (signal,) = alertmanager(one_alert(startsAt=None, endsAt=None))
    assert (signal.starts_at, signal.ends_at) == (None, None)


def test_a_missing_fingerprint_is_derived_from_the_labels() -> None:
    labels = {"alertname": "DiskFull", "device": "/dev/sda1", "instance": "db-1"}
    (signal,) = alertmanager(one_alert(fingerprint=None, labels=labels))
    compact = json.dumps(labels, sort_keys=True, separators=(",", ":"))
    assert signal.dedup_key == hashlib.sha256(compact.encode()).hexdigest()[:16]


def test_a_derived_fingerprint_does_not_depend_on_key_order() -> None:
    forward = {"alertname": "DiskFull", "device": "/dev/sda1", "instance": "db-1"}
    backward = dict(reversed(forward.items()))
    assert list(forward) != list(backward)
    (a,) = alertmanager(one_alert(fingerprint=None, labels=forward))
    (b,) = alertmanager(one_alert(fingerprint=None, labels=backward))
    (c,) = alertmanager(one_alert(fingerprint=None, labels={**forward, "instance": "db-2"}))
    assert a.dedup_key == b.dedup_key != c.dedup_key


def test_title_falls_back_to_the_alertname_then_to_alert() -> None:
    (named,) = alertmanager(one_alert(annotations={"summary": ""}))
    (nameless,) = alertmanager(one_alert(annotations=None, labels={"job": "node"}))
    assert (named.title, nameless.title) == ("HighLatency", "Alert")


def test_description_falls_back_to_the_message_annotation() -> None:
    (signal,) = alertmanager(one_alert(annotations={"message": "Disk 95% full"}))
    assert signal.description == "Disk 95% full"


def test_long_titles_and_descriptions_are_cut_not_refused() -> None:
    annotations = {"summary": "s" * 5000, "description": "d" * 20_001}
    (signal,) = alertmanager(one_alert(annotations=annotations))
    assert signal.title == "s" * 1024
    assert signal.description == "d" * 20_000
    assert signal.annotations == {"summary": "s" * 5000, "description": "d" * 20_000}


def test_urls_that_are_not_absolute_http_are_not_kept() -> None:
    annotations = {"runbook_url": "javascript:alert(1)"}
    (signal,) = alertmanager(one_alert(generatorURL="/graph?g0", annotations=annotations))
    assert (signal.source_url, signal.links) == (None, ())


def test_an_empty_group_gives_no_signals() -> None:
    assert alertmanager(group(alerts=[])) == []


def test_group_details_hold_only_what_was_sent() -> None:
    body = group()
    for name in ("receiver", "externalURL", "truncatedAlerts", "groupKey"):
        del body[name]
    signals = alertmanager(body)
    assert all(s.details == {} and s.group_key is None for s in signals)


@pytest.mark.parametrize("body", [None, [], [GROUP], 4, "text", True])
def test_a_body_that_is_not_an_object_is_refused(body: Any) -> None:
    (error,) = errors_of(body)
    assert error.startswith("the body must be a JSON object, not ")


def test_the_version_must_be_4() -> None:
    (missing,) = errors_of({k: v for k, v in GROUP.items() if k != "version"})
    (other,) = errors_of(group(version="3"))
    (number,) = errors_of(group(version=4))
    assert missing == 'version is required: the Alertmanager webhook payload version is "4"'
    assert other == (
        'version must be "4" (the Alertmanager webhook payload version accepted), not "3"'
    )
    assert number.endswith("not 4")


@pytest.mark.parametrize(
    ("alerts", "expected"),
    [
        (None, "alerts is required (a list, which may be empty)"),
        ({"0": {}}, "alerts must be a list, not an object"),
    ],
)
def test_alerts_must_be_a_list(alerts: Any, expected: str) -> None:
    body = group(alerts=alerts)
    if alerts is None:
        del body["alerts"]
    assert errors_of(body) == [expected]


def test_every_problem_is_listed_each_naming_its_field() -> None:
    body = group(truncatedAlerts=-1)
    body["alerts"][1]["status"] = "fire"
    body["alerts"][1]["labels"] = {"alertname": "X", "replicas": 3}
    body["alerts"][1]["annotations"] = "none"
    body["alerts"].append("an alert")
    body["alerts"].append({"status": "firing"})
    assert errors_of(body) == [
        "truncatedAlerts must be a whole number, 0 or more, not -1",
        'alerts[1].status must be "firing" or "resolved", not "fire"',
        "alerts[1].labels.replicas must be a string, not a number",
        "alerts[1].annotations must be an object of strings, not a string",
        "alerts[2] must be a JSON object, not a string",
        "alerts[3].labels is required (an object of strings)",
    ]


def test_status_is_required() -> None:
    assert errors_of(one_alert(status=None)) == ["alerts[0].status is required"]


def test_label_names_that_are_not_identifiers_are_quoted_in_errors() -> None:
    (error,) = errors_of(one_alert(labels={"app.kubernetes.io/name": None}))
    assert error == 'alerts[0].labels["app.kubernetes.io/name"] must be a string, not null'


def test_label_limits() -> None:
    too_many = {f"l{i}": "v" for i in range(201)}
    assert errors_of(one_alert(labels=too_many)) == [
        "alerts[0].labels must have at most 200 entries, not 201"
    ]
    (long_name,) = errors_of(one_alert(labels={"n" * 201: "v"}))
    assert long_name.startswith("alerts[0].labels has a name of 201 characters (at most 200)")
    assert errors_of(one_alert(labels={"team": "x" * 2001})) == [
        "alerts[0].labels.team must be at most 2000 characters, not 2001"
    ]
    (signal,) = alertmanager(one_alert(labels={f"l{i}": "v" * 2000 for i in range(200)}))
    assert len(signal.labels) == 200


def test_a_nul_character_is_refused_wherever_it_is() -> None:
    body = one_alert(
        labels={"alertname": "a\x00b", "bad\x00name": "v"},
        annotations={"summary": "\x00"},
        fingerprint="f\x00",
    )
    body["receiver"] = "r\x00"
    errors = errors_of(body)
    assert errors == [
        "receiver must not contain a NUL character (\\u0000)",
        "alerts[0].labels.alertname must not contain a NUL character (\\u0000)",
        'the name "bad\\u0000name" in alerts[0].labels must not contain a NUL character (\\u0000)',
        "alerts[0].annotations.summary must not contain a NUL character (\\u0000)",
        "alerts[0].fingerprint must not contain a NUL character (\\u0000)",
    ]


def test_a_lone_surrogate_is_refused() -> None:
    body = json.loads('{"summary": "broken \\ud800 text"}')
    (error,) = errors_of(one_alert(annotations=body))
    assert error.startswith("alerts[0].annotations.summary must be valid Unicode")


def test_a_fingerprint_longer_than_a_dedup_key_is_refused() -> None:
    assert errors_of(one_alert(fingerprint="f" * 256)) == [
        "alerts[0].fingerprint must be at most 255 characters, not 256"
    ]


def test_errors_quote_long_values_short() -> None:
    (error,) = errors_of(one_alert(status="x" * 10_000))
    assert len(error) < 200


SEVERITY_WORDS = {
    "critical": ("critical", "CRIT", "page", "P1", "fatal", "Emergency", "sev1"),
    "error": ("error", "err", "High", "major", "p2", "SEV2"),
    "warning": ("warning", "warn", "medium", "minor", "p3", "sev3"),
    "info": ("info", "information", "informational", "low", "none", "OK", "p4", "p5", "sev4"),
    None: ("", "debug", "p0", "critical!", "sev 1", "sev5x"),
}


@pytest.mark.parametrize(
    ("word", "expected"),
    [(word, severity) for severity, words in SEVERITY_WORDS.items() for word in words]
    + [(" Sev5 ", "info"), (None, None)],
)
def test_severity_words(word: str | None, expected: str | None) -> None:
    assert severity_of(word) == expected
    assert expected is None or expected in SEVERITIES


# Any JSON a client could send, and bodies that look like Alertmanager's but hold garbage.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
INSTANTS = st.sampled_from(
    ["2024-05-01T10:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-01:00", "now"]
)
ALERT_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["firing", "resolved", "fire"]) | JSON,
        "labels": st.dictionaries(st.text(max_size=5), st.text() | JSON, max_size=4) | JSON,
        "annotations": st.dictionaries(st.sampled_from(["summary", "runbook_url"]), JSON),
        "startsAt": INSTANTS | st.text() | JSON,
        "endsAt": INSTANTS | JSON,
        "generatorURL": st.sampled_from(["http://p:9090/g", "http://[::1", ""]) | JSON,
        "fingerprint": st.text() | JSON,
    },
)
GROUP_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "version": st.just("4") | JSON,
        "alerts": st.lists(ALERT_LIKE | JSON, max_size=3) | JSON,
        "groupKey": JSON,
        "truncatedAlerts": JSON,
        "receiver": JSON,
        "externalURL": JSON,
    },
)


@settings(max_examples=examples(4))
@given(JSON | GROUP_LIKE)
def test_any_json_gives_signals_or_a_payload_error(body: Any) -> None:
    try:
        signals = alertmanager(body)
    except PayloadError as error:
        assert error.errors
        assert all(isinstance(message, str) and message for message in error.errors)
    else:
        assert all(isinstance(signal, Signal) for signal in signals)
