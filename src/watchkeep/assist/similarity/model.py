"""The values the similarity core works on: past incidents, a live query, and matches."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

DocumentId = int | str

ALERT_NAME_LABEL = "alertname"

UNINFORMATIVE_LABELS = frozenset(
    {"alertname", "severity", "priority", "env", "environment", "prometheus", "receiver"}
)
"""Labels that nearly every alert carries with few values: sharing them is no evidence."""


@dataclass(frozen=True)
class Document:
    """A past incident as the index sees it; who may see it is the caller's concern."""

    id: DocumentId
    title: str
    summary: str = ""
    root_cause: str = ""
    updates: str = ""
    services: tuple[str, ...] = ()
    alert_names: tuple[str, ...] = ()
    fingerprint: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    created_at: datetime | None = None
    groups: tuple[str, ...] = ()
    """What responders confirmed it belongs with: the problems it is linked to, the incidents
    they marked as having the same cause. A group's members are found together."""


@dataclass(frozen=True)
class Query:
    """What a live incident (or a free-text search) offers: no root cause yet."""

    title: str = ""
    summary: str = ""
    text: str = ""
    services: tuple[str, ...] = ()
    alert_names: tuple[str, ...] = ()
    fingerprint: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Document, *, with_root_cause: bool = False) -> "Query":
        """The query for "incidents like this one"; its root cause only when asked for."""
        extra = [document.updates, document.root_cause if with_root_cause else ""]
        return cls(
            title=document.title,
            summary=document.summary,
            text="\n".join(part for part in extra if part),
            services=document.services,
            alert_names=document.alert_names,
            fingerprint=document.fingerprint,
            labels=document.labels,
        )


def alert_names(item: Document | Query) -> tuple[str, ...]:
    """The alert names of a document or query, including an `alertname` label."""
    names = list(item.alert_names)
    labelled = item.labels.get(ALERT_NAME_LABEL)
    if labelled:
        names.append(labelled)
    return tuple(dict.fromkeys(names))


def informative_labels(labels: Mapping[str, str]) -> set[tuple[str, str]]:
    """The label pairs that can count as shared evidence."""
    return {(key, value) for key, value in labels.items() if key not in UNINFORMATIVE_LABELS}


@dataclass(frozen=True)
class Reasons:
    """Why a document matched: the evidence a responder can check at a glance."""

    shared_services: tuple[str, ...] = ()
    same_alert_names: tuple[str, ...] = ()
    same_fingerprint: bool = False
    shared_labels: tuple[tuple[str, str], ...] = ()
    matched_terms: tuple[str, ...] = ()
    concepts: tuple[str, ...] = ()
    grouped_with: DocumentId | None = None
    """The better match that responders confirmed this one belongs with."""

    def describe(self) -> list[str]:
        """One short phrase per kind of evidence, strongest first."""
        phrases = []
        if self.grouped_with is not None:
            phrases.append(f"confirmed the same cause as {self.grouped_with}")
        if self.same_fingerprint:
            phrases.append("same alert fingerprint")
        if self.same_alert_names:
            phrases.append("same alert " + ", ".join(self.same_alert_names))
        if self.shared_services:
            phrases.append("same service " + ", ".join(self.shared_services))
        if self.shared_labels:
            phrases.append("shared labels " + ", ".join(f"{k}={v}" for k, v in self.shared_labels))
        if self.concepts:
            phrases.append("same kind of problem: " + ", ".join(self.concepts))
        if self.matched_terms:
            phrases.append("matched terms: " + ", ".join(self.matched_terms))
        return phrases


@dataclass(frozen=True)
class Match:
    """One similar document: its id, a score in [0, 1], and the reasons."""

    id: DocumentId
    score: float
    reasons: Reasons
    text_score: float = 0.0
    semantic_score: float | None = None


class Embedder(Protocol):
    """Turns texts into vectors whose cosine says how alike they mean."""

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order."""
        ...


class Searcher(Protocol):
    """Finds the indexed documents most like a query: an index in memory, or stored."""

    def search(
        self, query: Query, k: int = 5, exclude_ids: Iterable[DocumentId] = ()
    ) -> list[Match]:
        """The ``k`` indexed documents most like ``query``, best first."""
        ...
