"""The similar-incident index held in memory: lexical postings, structured signals, optional
embeddings. Candidates are scored by the shared `Ranker` (`rerank.py`)."""

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Self

from watchkeep.assist.similarity.analysis import Analyzer
from watchkeep.assist.similarity.lexical import Bm25Settings, FieldTerms, LexicalIndex
from watchkeep.assist.similarity.model import (
    Document,
    DocumentId,
    Embedder,
    Match,
    Query,
    alert_names,
)
from watchkeep.assist.similarity.rerank import Candidate, Ranker
from watchkeep.assist.similarity.signals import Weights

POOL = 100
"""Documents re-ranked per query: the lexical best plus those sharing an alert or service."""

EXHAUSTIVE_SEMANTIC = 5_000
"""Up to this many documents, an embedder scores all of them, not only the pool."""


def document_text(document: Document) -> str:
    """All of a document's prose, for an embedder."""
    parts = (document.title, document.summary, document.root_cause, document.updates)
    return "\n".join(part for part in parts if part)


def query_text(query: Query) -> str:
    """All of a query's prose, for an embedder."""
    parts = (query.title, query.summary, query.text, " ".join(alert_names(query)))
    return "\n".join(part for part in parts if part)


def unit(vector: Sequence[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


class SimilarityIndex:
    """Past incidents, ready to be searched for the ones most like a query."""

    def __init__(
        self,
        *,
        analyzer: Analyzer | None = None,
        bm25: Bm25Settings | None = None,
        weights: Weights | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.ranker = Ranker(analyzer=analyzer, bm25=bm25, weights=weights)
        self.analyzer = self.ranker.analyzer
        self.weights = self.ranker.weights
        self.embedder = embedder
        self._lexical = LexicalIndex(self.ranker.bm25)
        self._documents: list[Document] = []
        self._numbers: dict[DocumentId, int] = {}
        self._by_alert: dict[str, list[int]] = defaultdict(list)
        self._by_service: dict[str, list[int]] = defaultdict(list)
        self._by_fingerprint: dict[str, list[int]] = defaultdict(list)
        self._vectors: list[list[float]] = []

    @classmethod
    def build(
        cls,
        documents: Iterable[Document],
        *,
        analyzer: Analyzer | None = None,
        bm25: Bm25Settings | None = None,
        weights: Weights | None = None,
        embedder: Embedder | None = None,
    ) -> Self:
        """Index `documents` (a later document with an id already seen replaces it)."""
        index = cls(analyzer=analyzer, bm25=bm25, weights=weights, embedder=embedder)
        unique = list({document.id: document for document in documents}.values())
        numbers = index._lexical.build([index._fields(document) for document in unique])
        vectors = embedder.embed([document_text(d) for d in unique]) if embedder else []
        for position, (number, document) in enumerate(zip(numbers, unique, strict=True)):
            index._remember(number, document, vectors[position] if embedder else None)
        return index

    def __len__(self) -> int:
        return len(self._numbers)

    def __contains__(self, document_id: object) -> bool:
        return document_id in self._numbers

    def add(self, document: Document) -> None:
        """Index one more document, replacing any earlier one with the same id."""
        self.remove(document.id)
        number = self._lexical.add(self._fields(document))
        vector = self.embedder.embed([document_text(document)])[0] if self.embedder else None
        self._remember(number, document, vector)

    def remove(self, document_id: DocumentId) -> None:
        """Forget a document (no-op when it is not indexed)."""
        number = self._numbers.pop(document_id, None)
        if number is not None:
            self._lexical.remove(number)

    def _fields(self, document: Document) -> FieldTerms:
        return self.ranker.fields(document)

    def _remember(self, number: int, document: Document, vector: list[float] | None) -> None:
        self._documents.append(document)
        self._numbers[document.id] = number
        for name in alert_names(document):
            self._by_alert[name].append(number)
        for service in document.services:
            self._by_service[service].append(number)
        if document.fingerprint:
            self._by_fingerprint[document.fingerprint].append(number)
        if vector is not None:
            self._vectors.append(unit(vector))

    def query_terms(self, query: Query) -> dict[str, float]:
        """The query's terms and their weights (see `Ranker.query_terms`)."""
        return self.ranker.query_terms(query, self._lexical.idf)

    def _pool(
        self, query: Query, terms: dict[str, float], skip: set[int], limit: int
    ) -> dict[int, float]:
        """Candidate numbers with their lexical scores."""
        pool = dict(self._lexical.search(terms, max(POOL, limit), skip))
        structured = [self._by_fingerprint.get(query.fingerprint or "", [])]
        structured += [self._by_alert.get(name, []) for name in alert_names(query)]
        structured += [self._by_service.get(service, []) for service in query.services]
        for numbers in structured:
            for number in numbers[-POOL:]:
                if number not in pool and number not in skip and self._is_live(number):
                    pool[number] = self._lexical.score(terms, number)
        if self.embedder and len(self) <= EXHAUSTIVE_SEMANTIC:
            for number in self._numbers.values():
                if number not in pool and number not in skip:
                    pool[number] = self._lexical.score(terms, number)
        return pool

    def _is_live(self, number: int) -> bool:
        return self._numbers.get(self._documents[number].id) == number

    def search(
        self, query: Query, k: int = 5, exclude_ids: Iterable[DocumentId] = ()
    ) -> list[Match]:
        """The `k` indexed documents most similar to `query`, best first."""
        analysed = self.ranker.analyse_query(query)  # once: its terms and their readable forms
        terms = self.ranker.capped(analysed.weights, self._lexical.idf)
        skip = {self._numbers[i] for i in exclude_ids if i in self._numbers}
        pool = self._pool(query, terms, skip, k)
        semantic = self._semantic(query, pool) if self.embedder else {}
        candidates = [
            Candidate(
                self._documents[number],
                number,
                self._lexical.contributions(terms, number),
                semantic.get(number),
            )
            for number in pool
        ]
        return self.ranker.rank(query, candidates, k, analysed.surfaces)

    def _semantic(self, query: Query, pool: dict[int, float]) -> dict[int, float]:
        assert self.embedder is not None
        vector = unit(self.embedder.embed([query_text(query)])[0])
        return {
            number: max(0.0, sum(a * b for a, b in zip(vector, self._vectors[number], strict=True)))
            for number in pool
        }
