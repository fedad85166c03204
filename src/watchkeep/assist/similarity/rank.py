"""The similar-incident index: lexical ranking, structured signals, optional embeddings."""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Self

from watchkeep.assist.similarity.analysis import Analyzer, is_concept
from watchkeep.assist.similarity.lexical import Bm25Settings, FieldTerms, LexicalIndex
from watchkeep.assist.similarity.model import (
    Document,
    DocumentId,
    Embedder,
    Match,
    Query,
    Reasons,
    alert_names,
)
from watchkeep.assist.similarity.signals import Weights, signals

POOL = 100
"""Documents re-ranked per query: the lexical best plus those sharing an alert or service."""

EXHAUSTIVE_SEMANTIC = 5_000
"""Up to this many documents, an embedder scores all of them, not only the pool."""

MATCHED_TERMS = 6
CONCEPTS_SHOWN = 3

CONSENSUS = 0.25
"""A document in a group (see `Document.groups`) gains this share of the mean score of the
group's other members in the pool: what responders confirmed belongs together is found
together, and a family of fair matches outranks one stray good one."""


def document_text(document: Document) -> str:
    """All of a document's prose, for an embedder."""
    parts = (document.title, document.summary, document.root_cause, document.updates)
    return "\n".join(part for part in parts if part)


def query_text(query: Query) -> str:
    """All of a query's prose, for an embedder."""
    parts = (query.title, query.summary, query.text, " ".join(alert_names(query)))
    return "\n".join(part for part in parts if part)


def _unit(vector: Sequence[float]) -> list[float]:
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
        self.analyzer = analyzer or Analyzer()
        self.weights = weights or Weights()
        self.embedder = embedder
        self._lexical = LexicalIndex(bm25)
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
        services = document.services
        terms = self.analyzer.terms
        return {
            "title": terms(document.title, services=services),
            "summary": terms(document.summary, services=services),
            "root_cause": terms(document.root_cause, services=services),
            "updates": terms(document.updates, services=services),
            "alerts": terms(" ".join(alert_names(document)), services=services),
        }

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
            self._vectors.append(_unit(vector))

    def query_terms(self, query: Query) -> dict[str, float]:
        """The query's terms and their weights.

        A term's frequency in the query, counted with the field weights, saturates like
        BM25's k3: qtf (k3 + 1) / (qtf + k3), so a word repeated in the title and summary
        counts more, but not without bound. Concepts are then multiplied by `concepts`, and
        none may weigh more than `concept_share` of the query's evidence.
        """
        settings = self._lexical.settings
        field_weights, k3 = settings.field_weights, settings.k3
        weighted: defaultdict[str, float] = defaultdict(float)
        texts = {
            "title": query.title,
            "summary": query.summary,
            "updates": query.text,
            "alerts": " ".join(alert_names(query)),
        }
        for name, text in texts.items():
            for term in self.analyzer.terms(text, services=query.services):
                weighted[term] += field_weights.get(name, 1.0)
        terms = {
            term: qtf * (k3 + 1) / (qtf + k3) * (self.weights.concepts if is_concept(term) else 1.0)
            for term, qtf in weighted.items()
        }
        return self._capped(terms)

    def _capped(self, terms: dict[str, float]) -> dict[str, float]:
        """``terms`` with each concept's share of the evidence (weight x idf) held to
        ``concept_share`` of the query's evidence."""
        evidence = {term: weight * self._lexical.idf(term) for term, weight in terms.items()}
        limit = self.weights.concept_share * sum(evidence.values())
        return {
            term: weight * limit / evidence[term]
            if is_concept(term) and evidence[term] > limit
            else weight
            for term, weight in terms.items()
        }

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
        terms = self.query_terms(query)
        skip = {self._numbers[i] for i in exclude_ids if i in self._numbers}
        pool = self._pool(query, terms, skip, k)
        semantic = self._semantic(query, pool) if self.embedder else {}
        weights = self.weights
        scored = []
        for number, lexical in pool.items():
            found = signals(query, self._documents[number])
            text = lexical
            if number in semantic:
                text = (1 - weights.semantic) * lexical + weights.semantic * semantic[number]
            scored.append((found.combine(text, weights), number, lexical))
        scored, pulled = self._pulled_together(scored)
        scored.sort(key=lambda item: (-item[0], -item[1]))  # ties: the newer first
        prose = "\n".join((query.title, query.summary, query.text, *alert_names(query)))
        surfaces = self.analyzer.analyse(prose, services=query.services).surfaces
        return [
            self._match(
                query, terms, number, score, lexical, semantic.get(number), surfaces, pulled
            )
            for score, number, lexical in scored[:k]
        ]

    def _pulled_together(
        self, scored: list[tuple[float, int, float]]
    ) -> tuple[list[tuple[float, int, float]], dict[int, int]]:
        """The scores raised by what responders confirmed (see `CONSENSUS`); and for each
        raised document, the best other member of its group in the pool."""
        members: defaultdict[str, list[tuple[float, int]]] = defaultdict(list)
        for score, number, _ in scored:
            for group in self._documents[number].groups:
                members[group].append((score, number))
        if not members:
            return scored, {}
        raised = []
        pulled: dict[int, int] = {}
        for score, number, lexical in scored:
            support = 0.0
            for group in self._documents[number].groups:
                others = [(s, n) for s, n in members[group] if n != number]
                if others and (mean := sum(s for s, _ in others) / len(others)) > support:
                    support = mean
                    pulled[number] = max(others)[1]
            raised.append((min(1.0, score + CONSENSUS * support), number, lexical))
        return raised, pulled

    def _semantic(self, query: Query, pool: dict[int, float]) -> dict[int, float]:
        assert self.embedder is not None
        vector = _unit(self.embedder.embed([query_text(query)])[0])
        return {
            number: max(0.0, sum(a * b for a, b in zip(vector, self._vectors[number], strict=True)))
            for number in pool
        }

    def _match(
        self,
        query: Query,
        terms: dict[str, float],
        number: int,
        score: float,
        lexical: float,
        semantic: float | None,
        surfaces: Mapping[str, str],
        pulled: Mapping[int, int],
    ) -> Match:
        document = self._documents[number]
        found = signals(query, document)
        contributions = sorted(
            self._lexical.contributions(terms, number).items(), key=lambda item: -item[1]
        )
        words = [surfaces.get(t, t) for t, _ in contributions if not is_concept(t)]
        concepts = [t[1:] for t, _ in contributions if is_concept(t)]
        reasons = Reasons(
            shared_services=found.shared_services,
            same_alert_names=found.same_alert_names,
            same_fingerprint=found.same_fingerprint,
            shared_labels=found.shared_labels,
            matched_terms=tuple(dict.fromkeys(words))[:MATCHED_TERMS],
            concepts=tuple(concepts[:CONCEPTS_SHOWN]),
            grouped_with=self._documents[pulled[number]].id if number in pulled else None,
        )
        return Match(document.id, round(score, 4), reasons, round(lexical, 4), semantic)
