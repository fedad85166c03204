"""The stored similarity index, searched in the reader's own session.

Nothing is held in memory: a search reads the index's statistics (its size, the average
field lengths, the document frequencies of the query's terms), asks the database's full-text
search for `CANDIDATES` candidates together with their rows (one statement), and re-ranks
them in Python with the same `Ranker` as the in-memory `SimilarityIndex`, so both score a
candidate alike.

The first stage searches for the query's selective terms only: those found in at most
`COMMON_SHARE` of the documents (and at least `COMMON_MINIMUM`), rarest first while their
documents add up to at most `POSTINGS`, and the tokens of its services, alerts and
fingerprint. On SQLite it is an FTS5 match ranked by ``bm25()`` with the field weights; on
PostgreSQL a GIN-indexed ``tsvector`` match ranked by the idf-weighted share of the query's
terms each document has. The re-ranking then adds the contribution of every query term,
common ones included, to each candidate. What the indexer stores is in ``models.py``; how it
keeps it in step is in ``indexer.py``.
"""

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import BigInteger, TextClause, column, select, text
from sqlalchemy.orm import Session

from watchkeep.assist.corpus import KNOWN_ERROR_PREFIX
from watchkeep.assist.models import (
    STATE_ID,
    SimilarityDocument,
    SimilarityState,
    SimilarityTerm,
)
from watchkeep.assist.similarity import Analyzer, Document, DocumentId, Embedder, Match, Query
from watchkeep.assist.similarity.lexical import (
    COMMON_MINIMUM,
    COMMON_SHARE,
    FieldTerms,
    average_lengths,
    counted_saturations,
    evidence,
    idf,
)
from watchkeep.assist.similarity.model import alert_names
from watchkeep.assist.similarity.rank import query_text, unit
from watchkeep.assist.similarity.rerank import Candidate, Ranker, contributions

CANDIDATES = 60
"""Candidates the first stage hands to the re-ranking (or ``k``, if larger)."""
POSTINGS = 5_000
"""The most documents the first stage's terms may have between them: the rarest come first."""
SQLITE_WEIGHTS = (1.5, 1.0, 1.0, 0.5, 1.0, 1.0)
"""bm25() weights of the FTS5 columns: the field weights, then the signal tokens."""

_UNSAFE = re.compile(r"[^a-z0-9._\-/:]")


MAX_TOKEN = 200
"""Signal tokens are cut to this many characters (ASCII): a full-text index refuses a word
over 2 KB, and an alert name or fingerprint is told apart long before."""


def _token(kind: str, value: str) -> str:
    # "#" starts no analysed term, so a token never counts as a word of the text.
    return f"#{kind}:{_UNSAFE.sub('_', value.lower())}"[:MAX_TOKEN]


def signal_tokens(
    services: Iterable[str], alerts: Iterable[str], fingerprint: str | None
) -> list[str]:
    """The tokens that find what shares a service, an alert name or a fingerprint."""
    tokens = [_token("svc", name) for name in services if name]
    tokens += [_token("alert", name) for name in alerts if name]
    if fingerprint:
        tokens.append(_token("fp", fingerprint))
    return list(dict.fromkeys(tokens))


def profile(fields: FieldTerms, document: Document) -> str:
    """What re-ranking reads of a document (see `SimilarityDocument.profile`)."""
    return json.dumps(
        {
            "f": {name: Counter(terms) for name, terms in fields.items() if terms},
            "s": list(document.services),
            "a": list(document.alert_names),
            "l": dict(document.labels),
            "g": list(document.groups),
        },
        separators=(",", ":"),
    )


@lru_cache(maxsize=4)
def ranker_for(names: tuple[str, ...]) -> Ranker:
    """The ranker whose analyser leaves the catalog's ``names`` out (shared: it is read-only)."""
    return Ranker(analyzer=Analyzer(names=names))


def read_state(session: Session) -> SimilarityState:
    """The stored index's bookkeeping row (created by the migration)."""
    state = session.get(SimilarityState, STATE_ID)
    if state is None:
        raise RuntimeError("similarity_state has no row: the database was not migrated")
    return state


def document_id(incident_id: int | None, known_error_id: int | None) -> DocumentId:
    """The id the ranking uses: an incident's id, or ``ke:<id>`` for a known error."""
    return incident_id if incident_id is not None else f"{KNOWN_ERROR_PREFIX}{known_error_id}"


_COLUMNS = (
    SimilarityDocument.id,
    SimilarityDocument.incident_id,
    SimilarityDocument.known_error_id,
    SimilarityDocument.fingerprint,
    SimilarityDocument.profile,
)


class StoredIndex:
    """The stored similarity index as ``session`` sees it; searched like `SimilarityIndex`."""

    def __init__(
        self,
        session: Session,
        *,
        embedder: Embedder | None = None,
        candidates: int = CANDIDATES,
        postings: int = POSTINGS,
    ) -> None:
        self.session = session
        self.embedder = embedder
        self.candidates = candidates
        self.postings = postings

    def search(
        self, query: Query, k: int = 5, exclude_ids: Iterable[DocumentId] = ()
    ) -> list[Match]:
        """The ``k`` indexed documents most like ``query``, best first."""
        state = read_state(self.session)
        size = state.documents
        if size <= 0:
            return []
        ranker = ranker_for(tuple(state.names))
        analysed = ranker.analyse_query(query)
        weights = analysed.weights
        signals = signal_tokens(query.services, alert_names(query), query.fingerprint)
        frequencies = self._frequencies([*weights, *signals])

        def idf_of(term: str) -> float:
            return idf(frequencies.get(term, 0), size)

        terms = ranker.capped(weights, idf_of)
        shares = evidence(terms, idf_of)
        excluded = set(exclude_ids)
        limit = max(self.candidates, k) + len(excluded)
        hits = self._first_stage(shares, signals, frequencies, size, idf_of, limit)
        if hits is None:
            return []
        averages = average_lengths(state.lengths, size)
        vector = unit(self.embedder.embed([query_text(query)])[0]) if self.embedder else None
        candidates = []
        columns = (*_COLUMNS, SimilarityDocument.vector) if vector is not None else _COLUMNS
        found = hits.columns(column("id", BigInteger)).subquery("hits")
        statement = select(*columns).join(found, SimilarityDocument.id == found.c.id)
        for row in self.session.execute(statement):
            candidate = self._candidate(row, ranker, shares, averages, vector)
            if candidate.document.id not in excluded:
                candidates.append(candidate)
        candidates.sort(key=lambda c: c.order)
        return ranker.rank(query, candidates, k, analysed.surfaces)

    def _frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        if not terms:
            return {}
        found: dict[str, int] = {}
        for start in range(0, len(terms), 1000):
            found.update(
                self.session.execute(
                    select(SimilarityTerm.term, SimilarityTerm.df).where(
                        SimilarityTerm.term.in_(terms[start : start + 1000])
                    )
                ).all()
            )
        return found

    def _first_stage(
        self,
        shares: dict[str, float],
        signals: list[str],
        frequencies: dict[str, int],
        size: int,
        idf_of: Callable[[str], float],
        limit: int,
    ) -> TextClause | None:
        """The statement that gives the row ids (``id``) of the best candidates by the
        database's own ranking; none when the query has no term any document has."""
        common_from = max(COMMON_MINIMUM, COMMON_SHARE * size)
        known = [t for t in [*shares, *signals] if frequencies.get(t, 0) > 0]
        known.sort(key=lambda t: frequencies[t])
        chosen: list[str] = []
        postings = 0
        for term in known:
            frequency = frequencies[term]
            if chosen and (frequency > common_from or postings + frequency > self.postings):
                break
            chosen.append(term)
            postings += frequency
        if not chosen:
            return None
        if self.session.get_bind().dialect.name == "postgresql":
            # A signal token weighs like a word of the same rarity in the query's evidence.
            total = sum(idf_of(t) for t in shares) or 1.0
            weights = {t: shares.get(t) or idf_of(t) / total for t in chosen}
            return self._postgresql(weights, limit)
        return self._sqlite(chosen, limit)

    @staticmethod
    def _sqlite(chosen: list[str], limit: int) -> TextClause:
        match = " OR ".join(f'"{term}"' for term in chosen)
        weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
        return text(
            "SELECT rowid AS id FROM similarity_search WHERE similarity_search MATCH :match"
            f" ORDER BY bm25(similarity_search, {weights}) LIMIT :limit"
        ).bindparams(match=match, limit=limit)

    def _postgresql(self, weights: dict[str, float], limit: int) -> TextClause:
        # One GIN lookup per term, summed by document: no document's tsvector is read.
        params: dict[str, Any] = {"limit": limit}
        parts = []
        for number, (term, weight) in enumerate(weights.items()):
            params[f"t{number}"] = f"'{term}'"
            params[f"w{number}"] = weight
            parts.append(
                f"SELECT id, CAST(:w{number} AS float8) AS w FROM similarity_document"
                f" WHERE search @@ CAST(:t{number} AS tsquery)"
            )
        # A few thousand index hits: starting parallel workers costs more than it saves.
        self.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        return text(
            f"SELECT id FROM ({' UNION ALL '.join(parts)}) AS postings"
            " GROUP BY id ORDER BY sum(w) DESC, id DESC LIMIT :limit"
        ).bindparams(**params)

    @staticmethod
    def _candidate(
        row: Any,
        ranker: Ranker,
        shares: dict[str, float],
        averages: dict[str, float],
        vector: list[float] | None,
    ) -> Candidate:
        stored = json.loads(row.profile)
        document = Document(
            id=document_id(row.incident_id, row.known_error_id),
            title="",
            services=tuple(stored["s"]),
            alert_names=tuple(stored["a"]),
            fingerprint=row.fingerprint,
            labels=stored["l"],
            groups=tuple(stored["g"]),  # created_at plays no part in the ranking: not read
        )
        semantic = None
        if vector is not None and row.vector:
            semantic = max(0.0, sum(a * b for a, b in zip(vector, row.vector, strict=True)))
        saturated = counted_saturations(stored["f"], averages, ranker.bm25, only=shares)
        return Candidate(document, row.id, contributions(shares, saturated), semantic)
