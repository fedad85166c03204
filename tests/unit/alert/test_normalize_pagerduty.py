"""PagerDuty Events API v2: ``/v2/enqueue`` (trigger, acknowledge, resolve) and
``/v2/change/enqueue``, with the example bodies of PagerDuty's documentation."""

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.hypothesis_profiles import examples

from watchkeep.alert.normalize import (
    Change,
    Link,
    PayloadError,
    Signal,
    pagerduty_change,
    pagerduty_event,
)

# The trigger example of PagerDuty's "Send an Alert Event" page.
TRIGGER: dict[str, Any] = {
    "payload": {
        "summary": "DISK at 99% on machine prod-datapipe03.example.com",
        "timestamp": "2015-07-17T08:42:58.315+0000",
        "severity": "critical",
        "source": "prod-datapipe03.example.com",
        "component": "mysql",
        "group": "prod-datapipe",
        "class": "disk",
        "custom_details": {"free space": "1%", "ping time": "1500ms", "load avg": 0.75},
    },
    "routing_key": "e93facc04764012d7bfb002500d5d1a6",
    "dedup_key": "srv01/mysql",
    "event_action": "trigger",
    "client": "Sample Monitoring Service",
    "client_url": "https://monitoring.service.com",
    "links": [{"href": "http://pagerduty.example.com", "text": "An example link."}],
    "images": [
        {
            "src": "https://chart.googleapis.com/chart?chs=600x400&chd=t:6,2,9,5,2,5,7,4,8,2,1",
            "href": "https://example.com/",
            "alt": "An example link with an image",
        }
    ],
}
ACKNOWLEDGE = {
    "routing_key": "e93facc04764012d7bfb002500d5d1a6",
    "dedup_key": "srv01/mysql",
    "event_action": "acknowledge",
}
RESOLVE = {**ACKNOWLEDGE, "event_action": "resolve"}
# The example of PagerDuty's "Send a Change Event" page.
CHANGE: dict[str, Any] = {
    "routing_key": "737ea619db564d41bd9824063e1f6b08",
    "payload": {
        "summary": "Build Success: Increase snapshot create timeout to 30 seconds",
        "timestamp": "2020-07-17T08:42:58.315+0000",
        "source": "acme-build-pipeline-tool-default-i-9999",
        "custom_details": {"build_state": "passed", "build_number": "2", "run_time": "1236s"},
    },
    "links": [{"href": "https://acme.pagerduty.dev/build/2", "text": "View more details in Acme!"}],
}


def trigger(**payload: Any) -> dict[str, Any]:
    """The trigger example with ``payload`` fields changed (None removes one)."""
    body = copy.deepcopy(TRIGGER)
    for name, value in payload.items():
        if value is None:
            body["payload"].pop(name, None)
        else:
            body["payload"][name] = value
    return body


def event_errors(body: Any) -> list[str]:
    with pytest.raises(PayloadError) as raised:
        pagerduty_event(body)
    assert raised.value.errors
    return raised.value.errors


def change_errors(body: Any) -> list[str]:
    with pytest.raises(PayloadError) as raised:
        pagerduty_change(body)
    assert raised.value.errors
    return raised.value.errors


def test_the_documented_trigger() -> None:
    routing_key, signal = pagerduty_event(TRIGGER)

    assert routing_key == "e93facc04764012d7bfb002500d5d1a6"
    assert signal == Signal(
        action="trigger",
        dedup_key="srv01/mysql",
        title="DISK at 99% on machine prod-datapipe03.example.com",
        severity="critical",
        labels={
            "source": "prod-datapipe03.example.com",
            "component": "mysql",
            "group": "prod-datapipe",
            "class": "disk",
            "severity": "critical",
        },
        links=(
            Link("http://pagerduty.example.com", "An example link."),
            Link("https://monitoring.service.com", "Sample Monitoring Service"),
        ),
        images=(
            Link(
                "https://chart.googleapis.com/chart?chs=600x400&chd=t:6,2,9,5,2,5,7,4,8,2,1",
                "An example link with an image",
            ),
        ),
        starts_at=datetime(2015, 7, 17, 8, 42, 58, 315000, tzinfo=UTC),
        details={
            "source": "prod-datapipe03.example.com",
            "component": "mysql",
            "group": "prod-datapipe",
            "class": "disk",
            "custom_details": {"free space": "1%", "ping time": "1500ms", "load avg": 0.75},
            "client": "Sample Monitoring Service",
            "client_url": "https://monitoring.service.com",
        },
    )


def test_a_minimal_trigger_has_no_dedup_key_and_only_what_was_sent() -> None:
    body = {
        "routing_key": "R0UT1NGKEY",
        "event_action": "trigger",
        "payload": {"summary": "Disk full", "source": "db-1", "severity": "warning"},
    }
    _, signal = pagerduty_event(body)
    assert signal == Signal(
        action="trigger",
        dedup_key=None,
        title="Disk full",
        severity="warning",
        labels={"source": "db-1", "severity": "warning"},
        details={"source": "db-1"},
    )


def test_a_client_url_without_a_client_name_is_linked_as_client() -> None:
    body = copy.deepcopy(TRIGGER)
    del body["client"], body["links"]
    _, signal = pagerduty_event(body)
    assert signal.links == (Link("https://monitoring.service.com", "Client"),)


@pytest.mark.parametrize(("body", "action"), [(ACKNOWLEDGE, "acknowledge"), (RESOLVE, "resolve")])
def test_acknowledge_and_resolve_name_the_alert_by_its_dedup_key(
    body: dict[str, Any], action: str
) -> None:
    routing_key, signal = pagerduty_event(body)
    assert routing_key == "e93facc04764012d7bfb002500d5d1a6"
    assert (signal.action, signal.dedup_key) == (action, "srv01/mysql")


def test_the_payload_of_a_resolve_is_ignored() -> None:
    _, signal = pagerduty_event({**RESOLVE, "payload": {"severity": "nonsense"}})
    assert signal.action == "resolve"


@pytest.mark.parametrize("dedup_key", [None, ""])
def test_acknowledge_and_resolve_need_a_dedup_key(dedup_key: str | None) -> None:
    for body in (ACKNOWLEDGE, RESOLVE):
        without = {**body, "dedup_key": dedup_key}
        (error,) = event_errors(without)
        assert error.startswith("dedup_key is required to acknowledge or resolve")


def test_an_empty_dedup_key_on_a_trigger_counts_as_none() -> None:
    _, signal = pagerduty_event({**TRIGGER, "dedup_key": ""})
    assert signal.dedup_key is None


def test_the_summary_is_cut_to_1024_characters() -> None:
    _, signal = pagerduty_event(trigger(summary="x" * 2000))
    assert signal.title == "x" * 1024


def test_timestamps_with_offsets_come_out_in_utc() -> None:
    _, signal = pagerduty_event(trigger(timestamp="2024-05-01T12:00:00.123456789+02:00"))
    assert signal.starts_at == datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)


def test_severity_is_held_to_pagerdutys_four_words() -> None:
    assert event_errors(trigger(severity="high")) == [
        'payload.severity must be "critical", "error", "warning" or "info", not "high"'
    ]
    assert event_errors(trigger(severity="Critical"))[0].endswith('not "Critical"')


def test_every_problem_of_a_trigger_is_listed() -> None:
    body = trigger(summary="  ", source=None, severity=None, timestamp="soon", component=7)
    body["routing_key"] = "k" * 65
    body["links"] = [{"text": "no href"}, "https://example.com", {"href": 3}]
    body["images"] = [{"alt": "no src"}]
    body["client"] = ["a"]
    assert event_errors(body) == [
        "routing_key must be at most 64 characters, not 65",
        "client must be a string, not a list",
        "links[0].href is required",
        'links[1] must be an object with a string "href", not a string',
        "links[2].href must be a string, not a number",
        "images[0].src is required",
        "payload.summary must not be empty",
        "payload.severity is required",
        'payload.timestamp must be an RFC 3339 instant such as "2024-05-01T10:00:00Z", not "soon"',
        "payload.source is required",
        "payload.component must be a string, not a number",
    ]


def test_routing_key_and_action_are_required() -> None:
    assert event_errors({"payload": TRIGGER["payload"]}) == [
        "routing_key is required",
        "event_action is required",
    ]
    assert event_errors({**TRIGGER, "routing_key": "", "event_action": "create"}) == [
        "routing_key must not be empty",
        'event_action must be "trigger", "acknowledge" or "resolve", not "create"',
    ]


def test_a_trigger_needs_a_payload_object() -> None:
    body = {k: v for k, v in TRIGGER.items() if k != "payload"}
    assert event_errors(body) == ["payload is required (an object)"]
    assert event_errors({**body, "payload": "disk full"}) == [
        "payload must be a JSON object, not a string"
    ]


def test_a_dedup_key_longer_than_255_characters_is_refused() -> None:
    assert event_errors({**TRIGGER, "dedup_key": "d" * 256}) == [
        "dedup_key must be at most 255 characters, not 256"
    ]


def test_links_and_images_that_are_not_http_urls_are_dropped() -> None:
    body = {
        **TRIGGER,
        "links": [{"href": "ftp://files.example.com"}, {"href": "https://ok.example.com"}],
        "images": [{"src": "data:image/png;base64,AAAA"}],
        "client_url": "not a url",
    }
    _, signal = pagerduty_event(body)
    assert signal.links == (Link("https://ok.example.com"),)
    assert signal.images == ()


def test_a_nul_character_is_refused_even_deep_in_custom_details() -> None:
    details = {"ok": "fine", "nested": [{"bad\x00key": "v"}, "bad\x00value"]}
    assert event_errors(trigger(custom_details=details, summary="a\x00")) == [
        "payload.summary must not contain a NUL character (\\u0000)",
        "payload.custom_details.nested[1] must not contain a NUL character (\\u0000)",
        "a name in payload.custom_details.nested[0] must not contain a NUL character (\\u0000)",
    ]


def test_custom_details_may_be_any_json_value() -> None:
    for details in ("just text", 42, [1, "two"], {"deep": {"deeper": [None]}}):
        _, signal = pagerduty_event(trigger(custom_details=details))
        assert signal.details["custom_details"] == details


def test_deeply_nested_custom_details_do_not_overflow_the_stack() -> None:
    deep: Any = "bottom"
    for _ in range(5_000):  # deeper than the interpreter's recursion limit
        deep = [deep]
    _, signal = pagerduty_event(trigger(custom_details=deep))
    assert signal.details["custom_details"] is deep


@pytest.mark.parametrize("body", [None, [], [TRIGGER], 1.5, "trigger"])
def test_a_body_that_is_not_an_object_is_refused(body: Any) -> None:
    (event,) = event_errors(body)
    (change,) = change_errors(body)
    assert event == change
    assert event.startswith("the body must be a JSON object, not ")


def test_the_documented_change_event() -> None:
    routing_key, change = pagerduty_change(CHANGE)
    assert routing_key == "737ea619db564d41bd9824063e1f6b08"
    assert change == Change(
        summary="Build Success: Increase snapshot create timeout to 30 seconds",
        source="acme-build-pipeline-tool-default-i-9999",
        timestamp=datetime(2020, 7, 17, 8, 42, 58, 315000, tzinfo=UTC),
        details={"build_state": "passed", "build_number": "2", "run_time": "1236s"},
        links=(Link("https://acme.pagerduty.dev/build/2", "View more details in Acme!"),),
    )


def test_a_minimal_change_event() -> None:
    _, change = pagerduty_change({"routing_key": "K", "payload": {"summary": "Deployed 1.2"}})
    assert change == Change(summary="Deployed 1.2")


def test_a_change_summary_is_cut_to_1024_characters() -> None:
    body = copy.deepcopy(CHANGE)
    body["payload"]["summary"] = "s" * 1025
    assert pagerduty_change(body)[1].summary == "s" * 1024


def test_every_problem_of_a_change_event_is_listed() -> None:
    body = {
        "links": [{"href": None}],
        "payload": {"timestamp": "2020-02-30T00:00:00Z", "custom_details": ["x"], "source": 1},
    }
    assert change_errors(body) == [
        "routing_key is required",
        "links[0].href is required",
        "payload.summary is required",
        "payload.source must be a string, not a number",
        'payload.timestamp must be an RFC 3339 instant such as "2024-05-01T10:00:00Z", '
        'not "2020-02-30T00:00:00Z"',
        "payload.custom_details must be an object, not a list",
    ]
    assert change_errors({"routing_key": "K"}) == ["payload is required (an object)"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
LINKS = st.lists(st.fixed_dictionaries({}, optional={"href": JSON, "text": JSON}) | JSON)
PAYLOAD = st.fixed_dictionaries(
    {},
    optional={
        name: st.sampled_from(["x", "critical", "2024-05-01T10:00:00+0000"]) | JSON
        for name in ("summary", "source", "severity", "timestamp", "component", "group", "class")
    }
    | {"custom_details": JSON},
)
EVENT_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "routing_key": st.just("R") | JSON,
        "event_action": st.sampled_from(["trigger", "acknowledge", "resolve"]) | JSON,
        "dedup_key": st.just("d") | JSON,
        "payload": PAYLOAD | JSON,
        "client": JSON,
        "client_url": st.just("https://c.example.com") | JSON,
        "links": LINKS | JSON,
        "images": st.lists(st.fixed_dictionaries({}, optional={"src": JSON, "alt": JSON})),
    },
)


@settings(max_examples=examples(4))
@given(JSON | EVENT_LIKE)
def test_any_json_gives_an_event_or_a_payload_error(body: Any) -> None:
    try:
        routing_key, signal = pagerduty_event(body)
    except PayloadError as error:
        assert error.errors
        assert all(isinstance(message, str) and message for message in error.errors)
    else:
        assert routing_key
        assert isinstance(signal, Signal)


@settings(max_examples=examples(4))
@given(JSON | EVENT_LIKE)
def test_any_json_gives_a_change_or_a_payload_error(body: Any) -> None:
    try:
        routing_key, change = pagerduty_change(body)
    except PayloadError as error:
        assert error.errors
    else:
        assert routing_key
        assert isinstance(change, Change)
