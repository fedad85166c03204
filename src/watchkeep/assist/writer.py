"""Writing documents into the stored similarity index, and its statistics with them.

An `IndexWriter` works in the indexer's transaction: it removes and adds documents (each
analysed by the ranker, with its profile and full-text tokens) and keeps the changes to the
term frequencies and field lengths until :meth:`IndexWriter.finish` stores them.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from watchkeep.assist.corpus import documents
from watchkeep.assist.models import TERM_FIELDS, SimilarityDocument, SimilarityState
from watchkeep.assist.similarity import Document, Embedder
from watchkeep.assist.similarity.model import alert_names
from watchkeep.assist.similarity.rank import document_text, unit
from watchkeep.assist.similarity.rerank import Ranker
from watchkeep.assist.store import profile, signal_tokens
from watchkeep.incident.models import Incident

BATCH = 500
"""Incidents indexed per step: a step is one transaction, short enough not to hold others."""
_DOCUMENT = SimilarityDocument

_UPSERT_TERM = text(
    "INSERT INTO similarity_term (term, df) VALUES (:term, :df)"
    " ON CONFLICT (term) DO UPDATE SET df = similarity_term.df + excluded.df"
)


@dataclass
class Step:
    """What one step did, and whether work is left for another."""

    indexed: int = 0
    removed: int = 0
    more: bool = False


@dataclass
class IndexWriter:
    """Writes documents and keeps the statistics' changes until :meth:`finish`."""

    session: Session
    ranker: Ranker
    embedder: Embedder | None
    step: Step = field(default_factory=Step)
    frequencies: Counter[str] = field(default_factory=Counter)
    lengths: Counter[str] = field(default_factory=Counter)
    documents: int = 0

    def remove(self, condition: Any) -> None:
        """Remove the documents that match ``condition``."""
        rows = self.session.execute(
            select(_DOCUMENT.id, _DOCUMENT.signals, *_term_columns()).where(condition)
        ).all()
        for row in rows:
            terms: set[str] = set(row.signals.split())
            for name in TERM_FIELDS:
                words = getattr(row, name).split()
                self.lengths[name] -= len(words)
                terms.update(words)
            self.frequencies.subtract(terms)
        if rows:
            ids = [row.id for row in rows]
            self.session.execute(delete(_DOCUMENT).where(_DOCUMENT.id.in_(ids)))
            self.documents -= len(rows)
            self.step.removed += len(rows)

    def add(self, items: Sequence[tuple[Document, dict[str, Any]]]) -> None:
        """Index documents, each with its source's columns (``incident_id``, ``stamp``…)."""
        if not items:
            return
        vectors = (
            self.embedder.embed([document_text(document) for document, _ in items])
            if self.embedder
            else [None] * len(items)
        )
        rows = []
        for (document, source), vector in zip(items, vectors, strict=True):
            fields = self.ranker.fields(document)
            tokens = signal_tokens(document.services, alert_names(document), document.fingerprint)
            terms = set(tokens)
            for name in TERM_FIELDS:
                self.lengths[name] += len(fields[name])
                terms.update(fields[name])
            self.frequencies.update(terms)
            rows.append(
                {
                    **source,
                    **{name: " ".join(fields[name]) for name in TERM_FIELDS},
                    "signals": " ".join(tokens),
                    "profile": profile(fields, document),
                    "fingerprint": document.fingerprint,
                    "created_at": document.created_at,
                    "groups": list(document.groups),
                    "vector": unit(vector) if vector is not None else None,
                }
            )
        self.session.execute(insert(_DOCUMENT), rows)
        self.documents += len(rows)
        self.step.indexed += len(rows)

    def reindex(self, incident_ids: Iterable[int]) -> None:
        """Index these incidents again as they are now (removing the discarded and deleted)."""
        ids = sorted(set(incident_ids))
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            self.remove(_DOCUMENT.incident_id.in_(chunk))
            stamps = dict(
                self.session.execute(
                    select(Incident.id, Incident.updated_at).where(Incident.id.in_(chunk))
                ).all()
            )
            found = documents(self.session, chunk)
            self.add(
                [
                    (document, {"incident_id": document.id, "stamp": stamps[int(document.id)]})
                    for document in sorted(found, key=lambda d: stamps[int(d.id)])
                ]
            )

    def finish(self, state: SimilarityState) -> None:
        """Store the statistics' changes: term frequencies, size, field lengths."""
        changed = [{"term": t, "df": n} for t, n in self.frequencies.items() if n]
        for start in range(0, len(changed), 5_000):
            self.session.execute(_UPSERT_TERM, changed[start : start + 5_000])
        if self.documents or any(self.lengths.values()):
            state.documents += self.documents
            totals = Counter(state.lengths)
            totals.update(self.lengths)
            state.lengths = {name: totals[name] for name in TERM_FIELDS}
        self.session.flush()


def _term_columns() -> list[Any]:
    return [getattr(_DOCUMENT, name) for name in TERM_FIELDS]
