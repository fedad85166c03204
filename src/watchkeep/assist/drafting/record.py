"""What the drafter knows about an incident: plain values read from the record, and the
sources its sentences may cite."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Source:
    """Something a sentence can cite: a timeline entry (``T<id>``), a field of the incident
    (``F-<name>``), a status update (``U<id>``), a change event (``C<id>``), a follow-up
    (``FU<id>``), a problem (``P<id>``), a known error (``KE<id>``) or a similar incident
    (``I<number>``). ``text`` is what it says, for the checks."""

    key: str
    kind: str
    label: str
    at: datetime | None = None
    url: str | None = None
    text: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "at": self.at.strftime("%Y-%m-%d %H:%M UTC") if self.at else None,
            "url": self.url,
        }


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    at: datetime
    actor: str | None
    title: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    pinned: bool = False


@dataclass(frozen=True)
class Update:
    id: int
    at: datetime
    author: str | None
    status: str
    message: str


@dataclass(frozen=True)
class FollowUpFact:
    id: int
    title: str
    owner: str | None
    status: str
    due_at: datetime | None


@dataclass(frozen=True)
class ChangeFact:
    id: int
    reference: str
    kind: str
    summary: str
    at: datetime
    service: str | None
    details: str = ""


@dataclass(frozen=True)
class ProblemFact:
    id: int
    reference: str
    title: str
    root_cause: str


@dataclass(frozen=True)
class KnownErrorFact:
    id: int
    reference: str
    title: str
    workaround: tuple[str, ...]


@dataclass(frozen=True)
class SimilarFact:
    reference: str
    title: str
    score: float
    root_cause: str


@dataclass(frozen=True)
class Record:
    """An incident as the drafter sees it."""

    reference: str
    title: str
    summary: str
    severity: str
    type: str
    status: str
    declared_at: datetime
    impact_started_at: datetime | None = None
    reported_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    reporter: str | None = None
    root_cause: str = ""
    resolution: str = ""
    services: tuple[tuple[str, str | None], ...] = ()
    """(service, owning team)"""
    custom_fields: Mapping[str, Any] = field(default_factory=dict)
    entries: tuple[Entry, ...] = ()
    updates: tuple[Update, ...] = ()
    follow_ups: tuple[FollowUpFact, ...] = ()
    changes: tuple[ChangeFact, ...] = ()
    problems: tuple[ProblemFact, ...] = ()
    known_errors: tuple[KnownErrorFact, ...] = ()
    similar: tuple[SimilarFact, ...] = ()
    confirmed: frozenset[str] = frozenset()
    """The keys of the investigation's hypotheses responders confirmed (and still do)."""
