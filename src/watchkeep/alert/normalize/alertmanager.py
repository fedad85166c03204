"""Prometheus Alertmanager's webhook (payload version 4) and Grafana alerting's, which has
its shape: a group of alerts, each with its own status and fingerprint."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from watchkeep.alert.normalize.fields import (
    Fields,
    derived_key,
    finish,
    is_web_url,
    labels_json,
)
from watchkeep.alert.normalize.shapes import (
    ALERTMANAGER_VERSIONS,
    ANNOTATION_VALUE_MAX,
    DEDUP_KEY_MAX,
    DESCRIPTION_MAX,
    TITLE_MAX,
    Action,
    Link,
    PayloadError,
    Signal,
    severity_of,
)
from watchkeep.alert.normalize.words import one_of, shown

_GROUP_STATUSES: Mapping[str, Action] = {"firing": "trigger", "resolved": "resolve"}


@dataclass(frozen=True)
class _Group:
    """What a notification says once for all its alerts."""

    key: str | None
    details: Mapping[str, Any]


def alertmanager(body: Any) -> list[Signal]:
    """Alertmanager's webhook (version 4).

    One signal per entry of ``alerts``: Alertmanager resends a group's notification with
    every alert still firing, and each entry carries its own status and fingerprint, so
    each is its own trigger or resolve and the fingerprint deduplicates the repeats.
    """
    return _alert_group(body, grafana=False)


def grafana(body: Any) -> list[Signal]:
    """Grafana alerting's webhook contact point.

    Grafana's unified alerting sends Alertmanager's shape (it embeds Alertmanager) with its
    own ``"version": "1"`` and extra fields: the org, and per alert the dashboard, panel and
    image URLs and the evaluated values. Any ``version`` is taken.
    """
    return _alert_group(body, grafana=True)


def _alert_group(body: Any, *, grafana: bool) -> list[Signal]:
    errors: list[str] = []
    top = Fields.of(body, "", errors)
    if top is None:
        raise PayloadError(errors)
    if not grafana:
        _check_alertmanager_version(top)
    group = _Group(key=top.text("groupKey"), details=_group_details(top, grafana=grafana))
    signals: list[Signal] = []
    for index, entry in enumerate(top.items("alerts", required=True)):
        alert = Fields.of(entry, f"alerts[{index}]", errors)
        signal = None if alert is None else _group_alert(alert, group, grafana=grafana)
        if signal is not None:
            signals.append(signal)
    finish(errors)
    return signals


def _check_alertmanager_version(top: Fields) -> None:
    """Only payload version 4 is known; another version may move fields, and a silently
    misread alert is worse than a refused one."""
    version = top.obj.get("version")
    accepted = one_of(ALERTMANAGER_VERSIONS)
    if version is None:
        top.fail("version", f"is required: the Alertmanager webhook payload version is {accepted}")
    elif version not in ALERTMANAGER_VERSIONS:
        top.fail(
            "version",
            f"must be {accepted} (the Alertmanager webhook payload version accepted), "
            f"not {shown(version)}",
        )


def _group_details(top: Fields, *, grafana: bool) -> dict[str, Any]:
    """Where the notification came from, kept with each alert for whoever investigates."""
    given: dict[str, Any] = {
        "receiver": top.text("receiver"),
        "external_url": top.text("externalURL"),
        "truncated_alerts": top.count("truncatedAlerts"),
    }
    if grafana:
        given["org_id"] = top.count("orgId")
    return {name: value for name, value in given.items() if value is not None}


def _group_alert(alert: Fields, group: _Group, *, grafana: bool) -> Signal | None:
    """One entry of ``alerts``, or ``None`` when it has errors (they are in the list)."""
    mark = len(alert.errors)
    action = alert.choice("status", _GROUP_STATUSES)
    labels = alert.strings("labels", required=True)
    annotations = alert.strings("annotations", cut=ANNOTATION_VALUE_MAX) or {}
    fingerprint = alert.text("fingerprint", most=DEDUP_KEY_MAX)
    starts_at = alert.instant("startsAt")
    ends_at = alert.instant("endsAt")
    source_url = alert.url("generatorURL")
    links = _alert_links(alert, source_url, annotations, grafana=grafana)
    images = _grafana_images(alert) if grafana else ()
    details = {**group.details, **(_grafana_details(alert) if grafana else {})}
    if len(alert.errors) > mark or action is None or labels is None:
        return None
    return Signal(
        action=action,
        dedup_key=fingerprint or derived_key(labels_json(labels)),
        title=(annotations.get("summary") or labels.get("alertname") or "Alert")[:TITLE_MAX],
        description=(annotations.get("description") or annotations.get("message") or "")[
            :DESCRIPTION_MAX
        ],
        severity=severity_of(labels.get("severity")),
        labels=labels,
        annotations=annotations,
        links=links,
        images=images,
        source_url=source_url,
        group_key=group.key,
        starts_at=starts_at,
        ends_at=ends_at,
        details=details,
    )


def _alert_links(
    alert: Fields, source_url: str | None, annotations: Mapping[str, str], *, grafana: bool
) -> tuple[Link, ...]:
    """The rule's page in Prometheus or Grafana, Grafana's dashboard and panel, and the
    runbook the rule's annotations point to: what a responder opens first."""
    candidates = [(source_url, "Source")]
    if grafana:
        candidates += [(alert.url("dashboardURL"), "Dashboard"), (alert.url("panelURL"), "Panel")]
    runbook = annotations.get("runbook_url", "")
    candidates.append((runbook if is_web_url(runbook) else None, "Runbook"))
    return tuple(Link(url, text) for url, text in candidates if url)


def _grafana_images(alert: Fields) -> tuple[Link, ...]:
    """The panel screenshot Grafana attaches when image rendering is set up."""
    image = alert.url("imageURL")
    return (Link(image),) if image else ()


def _grafana_details(alert: Fields) -> dict[str, Any]:
    """The evaluated values as Grafana prints them (``[ var='B' ... value=95.2 ]``)."""
    value_string = alert.text("valueString")
    return {} if value_string is None else {"value_string": value_string}
