"""Structured signals and how they combine with text similarity into one score.

    score = (1 - w_fingerprint) * min(1, text * context) + w_fingerprint * fingerprint
    context = 1 + w_service * service + w_alert * alert + w_labels * labels

Every component is in [0, 1], so the score is too:
- text: the lexical score (share of the query's evidence the document covers), or with
  an embedder `(1 - s) * lexical + s * semantic` where semantic = max(0, cosine);
- service: share of the query's services the document shares;
- alert: 1 when an alert name is shared;
- labels: share of the query's informative labels (not `alertname`, `severity`, `env`, …)
  the document has with the same value;
- fingerprint: 1 when the alert fingerprint is the same.

The same service, alert or labels multiply the text score rather than add to it: they
make a textually close incident more likely the same problem, but alone say little
about the cause (recurrences are often filed against another service, and a busy
service has many unrelated incidents). The same fingerprint is the same alert series,
an exact repeat, so it adds directly.
"""

from dataclasses import dataclass

from watchkeep.assist.similarity.model import Document, Query, alert_names, informative_labels


@dataclass(frozen=True)
class Weights:
    """The weights of the score formula (see the module docstring)."""

    service: float = 0.02
    """Little more than a tie-break: on both halves of the development set tuning found the
    same service no help (recurrences are filed against other services, and busy services
    have many unrelated incidents)."""
    alert: float = 0.3
    labels: float = 0.1
    fingerprint: float = 0.2
    semantic: float = 0.1
    """With an embedder, the semantic share s of the text component."""
    concepts: float = 5.0
    """How much more a lexicon concept weighs in a query than a word of the same rarity."""
    concept_share: float = 0.35
    """The most one concept may weigh of a query's evidence: a symptom or technology the
    lexicon knows must not outweigh everything else the query says."""


@dataclass(frozen=True)
class Signals:
    """The structured evidence between a query and one document."""

    shared_services: tuple[str, ...]
    same_alert_names: tuple[str, ...]
    same_fingerprint: bool
    shared_labels: tuple[tuple[str, str], ...]
    service: float
    alert: float
    fingerprint: float
    labels: float

    def combine(self, text: float, weights: Weights) -> float:
        """The score: text similarity in its context, plus the exact-repeat bonus."""
        context = 1 + (
            weights.service * self.service
            + weights.alert * self.alert
            + weights.labels * self.labels
        )
        return (1 - weights.fingerprint) * min(1.0, text * context) + (
            weights.fingerprint * self.fingerprint
        )


def signals(query: Query | Document, document: Document) -> Signals:
    """Compare the structured fields of a query (or document) with a document."""
    query_services = dict.fromkeys(query.services)
    shared_services = tuple(s for s in query_services if s in document.services)
    document_alerts = set(alert_names(document))
    same_alerts = tuple(name for name in alert_names(query) if name in document_alerts)
    same_fingerprint = query.fingerprint is not None and query.fingerprint == document.fingerprint
    query_labels = informative_labels(query.labels)
    shared_labels = tuple(sorted(query_labels & informative_labels(document.labels)))
    return Signals(
        shared_services=shared_services,
        same_alert_names=same_alerts,
        same_fingerprint=same_fingerprint,
        shared_labels=shared_labels,
        service=len(shared_services) / len(query_services) if query_services else 0.0,
        alert=1.0 if same_alerts else 0.0,
        fingerprint=1.0 if same_fingerprint else 0.0,
        labels=len(shared_labels) / len(query_labels) if query_labels else 0.0,
    )
