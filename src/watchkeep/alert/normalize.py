"""What each sender's payload says, in one shape: pure parsers with the senders' own rules.

Every parser takes the decoded JSON body and returns plain values (:class:`Signal` for an
alert event, :class:`Change` for a change event), or raises :class:`PayloadError` listing
everything that is wrong, in words that say what to fix. Nothing here touches the database;
``now`` is never needed (instants missing from a payload are filled in by the caller).

Senders and their documented formats:

- Prometheus Alertmanager's webhook, payload version 4 (``alertmanager``): one signal per
  entry of ``alerts``, keyed by its ``fingerprint``; each alert's own ``status`` decides
  trigger or resolve.
- PagerDuty Events API v2 (``pagerduty_event``, ``pagerduty_change``): ``/v2/enqueue`` and
  ``/v2/change/enqueue``.
- Grafana alerting's webhook contact point (``grafana``): Alertmanager's shape plus
  Grafana's fields.
- The generic HTTP source (``generic``): ``status``, ``title``, ``dedup_key``,
  ``description``, ``labels``, ``source_url``.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Action = Literal["trigger", "acknowledge", "resolve"]
Severity = Literal["critical", "error", "warning", "info"]

SEVERITIES: tuple[Severity, ...] = ("critical", "error", "warning", "info")


class PayloadError(ValueError):
    """The payload cannot be accepted; ``errors`` says each thing to fix."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Link:
    href: str
    text: str = ""


@dataclass(frozen=True)
class Signal:
    """One alert event as every sender's payload becomes it.

    ``dedup_key`` is ``None`` only for a PagerDuty trigger that gave none (the caller makes
    one and answers it). ``severity`` is one of :data:`SEVERITIES` or ``None`` when the
    payload does not say. ``details`` holds what the sender gave beyond the common fields
    (PagerDuty's ``component``, ``group``, ``class``, ``source`` and ``custom_details``).
    """

    action: Action
    dedup_key: str | None
    title: str
    description: str = ""
    severity: Severity | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    links: tuple[Link, ...] = ()
    images: tuple[Link, ...] = ()
    source_url: str | None = None
    group_key: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """A change event (a deploy, a configuration change) from ``/v2/change/enqueue``."""

    summary: str
    source: str | None = None
    timestamp: datetime | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    links: tuple[Link, ...] = ()


def alertmanager(body: Any) -> list[Signal]:
    """Alertmanager's webhook (version 4)."""
    raise NotImplementedError


def grafana(body: Any) -> list[Signal]:
    """Grafana alerting's webhook contact point."""
    raise NotImplementedError


def generic(body: Any) -> list[Signal]:
    """The generic HTTP source: one alert object, or ``{"alerts": [...]}``."""
    raise NotImplementedError


def pagerduty_event(body: Any) -> tuple[str, Signal]:
    """PagerDuty Events API v2 ``/v2/enqueue``: the routing key and the signal."""
    raise NotImplementedError


def pagerduty_change(body: Any) -> tuple[str, Change]:
    """PagerDuty Events API v2 ``/v2/change/enqueue``: the routing key and the change."""
    raise NotImplementedError
