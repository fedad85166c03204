"""Scoring candidates against a query: the one code path behind every index.

An index finds its candidates its own way (the in-memory postings of `SimilarityIndex`, a
database's full-text search) and knows the statistics of its whole collection; a `Ranker`
turns the query into weighted terms with those statistics, and the candidates, with each
query term's contribution to their lexical score, into ranked matches with their reasons:
the structured signals, the semantic part, the groups' consensus. Two indexes holding the
same documents therefore score a candidate the same.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from watchkeep.assist.similarity.analysis import Analyzer, is_concept
from watchkeep.assist.similarity.lexical import Bm25Settings, FieldTerms
from watchkeep.assist.similarity.model import (
    Document,
    DocumentId,
    Match,
    Query,
    Reasons,
    alert_names,
)
from watchkeep.assist.similarity.signals import Weights, signals

MATCHED_TERMS = 6
CONCEPTS_SHOWN = 3

CONSENSUS = 0.25
"""A document in a group (see `Document.groups`) gains this share of the mean score of the
group's other members in the pool: what responders confirmed belongs together is found
together, and a family of fair matches outranks one stray good one."""


@dataclass(frozen=True)
class QueryAnalysis:
    """A query's weighted terms and the readable form of each."""

    weights: dict[str, float]
    surfaces: Mapping[str, str]


@dataclass(frozen=True)
class Candidate:
    """A document an index found for a query, with what scoring needs of it."""

    document: Document
    order: int
    """Its place in the index: ties go to the higher (the later indexed, the newer)."""
    contributions: Mapping[str, float]
    """Each query term it has: the term's share of the query's evidence times sat(t, d)."""
    semantic: float | None = None
    """max(0, cosine) of its embedding and the query's, with an embedder."""

    @property
    def lexical(self) -> float:
        """The lexical score: the share of the query's evidence it covers."""
        return sum(self.contributions.values())


def contributions(
    shares: Mapping[str, float], saturations: Mapping[str, float]
) -> dict[str, float]:
    """Each query term's contribution to a document's lexical score, in the query's order."""
    return {
        term: share * saturations[term] for term, share in shares.items() if term in saturations
    }


class Ranker:
    """How documents are analysed and scored: the analyser, BM25F settings and weights."""

    def __init__(
        self,
        *,
        analyzer: Analyzer | None = None,
        bm25: Bm25Settings | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.analyzer = analyzer or Analyzer()
        self.bm25 = bm25 or Bm25Settings()
        self.weights = weights or Weights()

    def fields(self, document: Document) -> FieldTerms:
        """The analysed terms of each of a document's fields."""
        services = document.services
        terms = self.analyzer.terms
        return {
            "title": terms(document.title, services=services),
            "summary": terms(document.summary, services=services),
            "root_cause": terms(document.root_cause, services=services),
            "updates": terms(document.updates, services=services),
            "alerts": terms(" ".join(alert_names(document)), services=services),
        }

    def analyse_query(self, query: Query) -> QueryAnalysis:
        """The query's terms and their weights before the concept cap (see `query_terms`),
        with the readable form of each."""
        settings = self.bm25
        field_weights, k3 = settings.field_weights, settings.k3
        weighted: defaultdict[str, float] = defaultdict(float)
        surfaces: dict[str, str] = {}
        texts = {
            "title": query.title,
            "summary": query.summary,
            "updates": query.text,
            "alerts": " ".join(alert_names(query)),
        }
        for name, text in texts.items():
            if not text:
                continue
            analysis = self.analyzer.analyse(text, services=query.services)
            for term in analysis.terms:
                weighted[term] += field_weights.get(name, 1.0)
            for term, surface in analysis.surfaces.items():
                surfaces.setdefault(term, surface)
        weights = {
            term: qtf * (k3 + 1) / (qtf + k3) * (self.weights.concepts if is_concept(term) else 1.0)
            for term, qtf in weighted.items()
        }
        return QueryAnalysis(weights, surfaces)

    def query_terms(self, query: Query, idf: Callable[[str], float]) -> dict[str, float]:
        """The query's terms and their weights.

        A term's frequency in the query, counted with the field weights, saturates like
        BM25's k3: qtf (k3 + 1) / (qtf + k3), so a word repeated in the title and summary
        counts more, but not without bound. Concepts are then multiplied by `concepts`, and
        none may weigh more than `concept_share` of the query's evidence (weight x idf).
        """
        return self.capped(self.analyse_query(query).weights, idf)

    def capped(self, terms: dict[str, float], idf: Callable[[str], float]) -> dict[str, float]:
        """``terms`` with each concept's share of the evidence held to ``concept_share``."""
        found = {term: weight * idf(term) for term, weight in terms.items()}
        limit = self.weights.concept_share * sum(found.values())
        return {
            term: weight * limit / found[term]
            if is_concept(term) and found[term] > limit
            else weight
            for term, weight in terms.items()
        }

    def rank(
        self,
        query: Query,
        candidates: Sequence[Candidate],
        k: int,
        surfaces: Mapping[str, str] | None = None,
    ) -> list[Match]:
        """The ``k`` best of ``candidates`` for ``query``, best first, with their reasons
        (``surfaces``: the readable forms of the query's terms, if `analyse_query` gave them
        already)."""
        weights = self.weights
        scored = []
        for position, candidate in enumerate(candidates):
            found = signals(query, candidate.document)
            lexical = candidate.lexical
            text = lexical
            if candidate.semantic is not None:
                text = (1 - weights.semantic) * lexical + weights.semantic * candidate.semantic
            scored.append((found.combine(text, weights), position, lexical))
        scored, pulled = self._pulled_together(candidates, scored)
        # Ties: the later indexed (the newer) first.
        scored.sort(key=lambda item: (-item[0], -candidates[item[1]].order))
        if surfaces is None:
            surfaces = self.analyse_query(query).surfaces
        return [
            self._match(
                query,
                candidates[position],
                score,
                lexical,
                surfaces,
                candidates[pulled[position]].document.id if position in pulled else None,
            )
            for score, position, lexical in scored[:k]
        ]

    @staticmethod
    def _pulled_together(
        candidates: Sequence[Candidate], scored: list[tuple[float, int, float]]
    ) -> tuple[list[tuple[float, int, float]], dict[int, int]]:
        """The scores raised by what responders confirmed (see `CONSENSUS`); and for each
        raised candidate, the best other member of its group in the pool."""
        members: defaultdict[str, list[tuple[float, int]]] = defaultdict(list)
        for score, position, _ in scored:
            for group in candidates[position].document.groups:
                members[group].append((score, candidates[position].order))
        if not members:
            return scored, {}
        at = {candidate.order: position for position, candidate in enumerate(candidates)}
        raised = []
        pulled: dict[int, int] = {}
        for score, position, lexical in scored:
            support = 0.0
            order = candidates[position].order
            for group in candidates[position].document.groups:
                others = [(s, o) for s, o in members[group] if o != order]
                if others and (mean := sum(s for s, _ in others) / len(others)) > support:
                    support = mean
                    pulled[position] = at[max(others)[1]]
            raised.append((min(1.0, score + CONSENSUS * support), position, lexical))
        return raised, pulled

    @staticmethod
    def _match(
        query: Query,
        candidate: Candidate,
        score: float,
        lexical: float,
        surfaces: Mapping[str, str],
        grouped_with: DocumentId | None,
    ) -> Match:
        document = candidate.document
        found = signals(query, document)
        words, concepts = [], []
        for term, _ in sorted(candidate.contributions.items(), key=lambda item: -item[1]):
            if is_concept(term):
                concepts.append(term[1:])
            else:
                words.append(surfaces.get(term, term))
        reasons = Reasons(
            shared_services=found.shared_services,
            same_alert_names=found.same_alert_names,
            same_fingerprint=found.same_fingerprint,
            shared_labels=found.shared_labels,
            matched_terms=tuple(dict.fromkeys(words))[:MATCHED_TERMS],
            concepts=tuple(concepts[:CONCEPTS_SHOWN]),
            grouped_with=grouped_with,
        )
        return Match(document.id, round(score, 4), reasons, round(lexical, 4), candidate.semantic)
