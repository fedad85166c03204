"""The one shape every sender's payload becomes, the bounds on what is stored, and the
severities."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Action = Literal["trigger", "acknowledge", "resolve"]
Severity = Literal["critical", "error", "warning", "info"]

SEVERITIES: tuple[Severity, ...] = ("critical", "error", "warning", "info")

# What is stored is bounded. Titles and descriptions are cut (PagerDuty itself truncates a
# long summary); anything a rule matches on (labels) or a key is refused instead, since a cut
# label would silently match a different rule and a cut key a different alert.
TITLE_MAX = 1024
DESCRIPTION_MAX = 20_000
LABELS_MAX = 200
LABEL_NAME_MAX = 200
LABEL_VALUE_MAX = 2000
# Annotations carry the description, so they get its room rather than a label's, and like
# it a longer one is cut: no rule matches on annotations.
ANNOTATION_VALUE_MAX = DESCRIPTION_MAX
DEDUP_KEY_MAX = 255
ROUTING_KEY_MAX = 64
EXTERNAL_ID_MAX = 200
GENERIC_ALERTS_MAX = 1000
ALERTMANAGER_VERSIONS = ("4",)


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
    """A change event (a deploy, a merged pull request, a configuration change).

    ``kind`` is one of the change kinds (``change`` when the sender does not say);
    ``external_id`` is the id the sender's payload gives the change, when it gives one that
    stays the same on a redelivery (one change is stored per external id).
    """

    summary: str
    source: str | None = None
    timestamp: datetime | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    links: tuple[Link, ...] = ()
    kind: str = "change"
    external_id: str | None = None


@dataclass(frozen=True)
class Ignored:
    """A valid delivery that is not a change (a ping, a pull request opened, a push to a
    branch other than the default one); ``reason`` says why, for the sender's log."""

    reason: str


_SEVERITY_TABLE: tuple[tuple[Severity, tuple[str, ...]], ...] = (
    ("critical", ("critical", "crit", "page", "p1", "fatal", "emergency", "sev1")),
    ("error", ("error", "err", "high", "major", "p2", "sev2")),
    ("warning", ("warning", "warn", "medium", "minor", "p3", "sev3")),
    (
        "info",
        ("info", "information", "informational", "low", "none", "ok", "p4", "p5", "sev4", "sev5"),
    ),
)
_SEVERITY_WORDS: Mapping[str, Severity] = {
    word: severity for severity, words in _SEVERITY_TABLE for word in words
}


def severity_of(text: str | None) -> Severity | None:
    """The severity a sender's word means, or ``None`` for a word this table does not know.

    Every monitoring tool spells severities its own way (``warn``, ``page``, ``P2``,
    ``sev1``); one lenient table keeps routes and silences working on four values. An
    unknown word is not an error: the alert still arrives, only without a severity.
    """
    if text is None:
        return None
    return _SEVERITY_WORDS.get(text.strip().lower())
