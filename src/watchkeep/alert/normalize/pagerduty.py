"""PagerDuty Events API v2: ``/v2/enqueue`` (alert events) and ``/v2/change/enqueue``
(change events)."""

from collections.abc import Mapping
from typing import Any

from watchkeep.alert.normalize.fields import Fields, finish, is_web_url
from watchkeep.alert.normalize.shapes import (
    DEDUP_KEY_MAX,
    LABEL_VALUE_MAX,
    ROUTING_KEY_MAX,
    SEVERITIES,
    TITLE_MAX,
    Action,
    Change,
    Link,
    PayloadError,
    Severity,
    Signal,
)

_PAGERDUTY_ACTIONS: Mapping[str, Action] = {
    "trigger": "trigger",
    "acknowledge": "acknowledge",
    "resolve": "resolve",
}
# PagerDuty refuses any other severity, so a PagerDuty sender is held to the same four.
_PAGERDUTY_SEVERITIES: Mapping[str, Severity] = {severity: severity for severity in SEVERITIES}
_PAGERDUTY_LABELS = ("source", "component", "group", "class")


def pagerduty_event(body: Any) -> tuple[str, Signal]:
    """PagerDuty Events API v2 ``/v2/enqueue``: the routing key and the signal.

    An acknowledge or resolve names the alert by ``dedup_key`` and carries nothing else
    PagerDuty uses, so its payload is not read.
    """
    errors: list[str] = []
    top = Fields.of(body, "", errors)
    if top is None:
        raise PayloadError(errors)
    routing_key = _routing_key(top)
    action = top.choice("event_action", _PAGERDUTY_ACTIONS)
    dedup_key = top.text("dedup_key", most=DEDUP_KEY_MAX) or None
    signal: Signal | None = None
    if action == "trigger":
        signal = _pagerduty_trigger(top, dedup_key)
    elif action is not None:
        if top.obj.get("dedup_key") in (None, ""):
            errors.append("dedup_key is required to acknowledge or resolve (the trigger's key)")
        signal = Signal(action=action, dedup_key=dedup_key, title="")
    finish(errors)
    if routing_key is None or signal is None:
        raise PayloadError(errors)
    return routing_key, signal


def _routing_key(top: Fields) -> str | None:
    return top.text("routing_key", required=True, non_empty=True, most=ROUTING_KEY_MAX)


def _pagerduty_trigger(top: Fields, dedup_key: str | None) -> Signal | None:
    mark = len(top.errors)
    payload = top.nested("payload", required=True)
    client = top.text("client")
    client_url = top.text("client_url")
    links = top.links("links")
    images = top.images("images")
    if payload is None:
        return None
    summary = payload.text("summary", required=True, non_empty=True, cut=TITLE_MAX)
    severity = payload.choice("severity", _PAGERDUTY_SEVERITIES)
    timestamp = payload.instant("timestamp")
    source = payload.text("source", required=True, non_empty=True, most=LABEL_VALUE_MAX)
    labels = {"source": source}
    for name in _PAGERDUTY_LABELS[1:]:
        labels[name] = payload.text(name, most=LABEL_VALUE_MAX)
    custom_details = payload.any_json("custom_details")
    if len(top.errors) > mark or summary is None or severity is None:
        return None
    if client_url is not None and is_web_url(client_url):
        links += (Link(client_url, client or "Client"),)
    given = {**labels, "custom_details": custom_details, "client": client, "client_url": client_url}
    return Signal(
        action="trigger",
        dedup_key=dedup_key,
        title=summary,
        severity=severity,
        labels={name: value for name, value in {**labels, "severity": severity}.items() if value},
        links=links,
        images=images,
        starts_at=timestamp,
        details={name: value for name, value in given.items() if value is not None},
    )


def pagerduty_change(body: Any) -> tuple[str, Change]:
    """PagerDuty Events API v2 ``/v2/change/enqueue``: the routing key and the change."""
    errors: list[str] = []
    top = Fields.of(body, "", errors)
    if top is None:
        raise PayloadError(errors)
    routing_key = _routing_key(top)
    links = top.links("links")
    payload = top.nested("payload", required=True)
    change: Change | None = None
    if payload is not None:
        summary = payload.text("summary", required=True, non_empty=True, cut=TITLE_MAX)
        source = payload.text("source")
        timestamp = payload.instant("timestamp")
        custom_details = payload.any_json("custom_details", object_only=True)
        if summary is not None:
            change = Change(summary, source, timestamp, custom_details or {}, links)
    finish(errors)
    if routing_key is None or change is None:
        raise PayloadError(errors)
    return routing_key, change
