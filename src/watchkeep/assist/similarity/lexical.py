"""BM25F: lexical ranking over weighted fields, with per-posting scores computed once.

For a query term t with weight q_t and a document d:

    tf'(t, d) = sum over fields f of  w_f * tf_f(t, d) / (1 - b + b * len_f(d) / avglen_f)
    sat(t, d) = tf'(t, d) / (tf'(t, d) + k1)              (in [0, 1))
    idf(t)    = ln(1 + (N - df_t + 0.5) / (df_t + 0.5))

    lexical(q, d) = sum_t q_t * idf(t) * sat(t, d)  /  sum_t q_t * idf(t)

The normalisation makes the score the share of the query's (idf-weighted) evidence that
the document covers, in [0, 1), comparable across queries. `sat` is stored in the
postings when a document is added, so a query is one pass over its terms' postings.
Average field lengths are fixed at `build`; documents added later use them (rebuild
to refresh). Removed documents stay in the postings and are skipped.
"""

import heapq
import math
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

FieldTerms = Mapping[str, Sequence[str]]

COMMON_SHARE = 0.02
COMMON_MINIMUM = 1_000
CANDIDATES = 500


@dataclass(frozen=True)
class Bm25Settings:
    """Field weights and the BM25 constants (k1, b; k3 for the query)."""

    field_weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "title": 1.5,
            "summary": 1.0,
            "root_cause": 1.0,
            "updates": 0.5,
            "alerts": 1.0,
        }
    )
    k1: float = 3.0
    b: float = 0.75
    k3: float = 2.0
    """Saturation of a term's frequency in the query (see `SimilarityIndex.query_terms`)."""


def idf(frequency: int, size: int) -> float:
    """Inverse document frequency of a term found in ``frequency`` of ``size`` documents;
    0 for a term no document has."""
    if frequency <= 0:
        return 0.0
    count = max(size, 1)
    return math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))


def evidence(query: Mapping[str, float], idf_of: Callable[[str], float]) -> dict[str, float]:
    """Each known query term's share of the query's evidence (weight x idf, summing to 1),
    in the query's order."""
    raw = {term: weight * idf_of(term) for term, weight in query.items()}
    total = sum(raw.values())
    if total <= 0:
        return {}
    return {term: value / total for term, value in raw.items() if value > 0}


def average_lengths(totals: Mapping[str, int], size: int) -> dict[str, float]:
    """The average length of each field over ``size`` documents (at least 1)."""
    return {name: max(total / size, 1.0) for name, total in totals.items()} if size else {}


def saturations(
    fields: FieldTerms,
    averages: Mapping[str, float],
    settings: Bm25Settings,
    only: Collection[str] | None = None,
) -> dict[str, float]:
    """sat(t, d) of every term of a document (or of those in ``only``), given the
    collection's average field lengths (a field without an average counts as average)."""
    counts = {name: Counter(terms) for name, terms in fields.items()}
    return counted_saturations(counts, averages, settings, only)


def counted_saturations(
    counts: Mapping[str, Mapping[str, int]],
    averages: Mapping[str, float],
    settings: Bm25Settings,
    only: Collection[str] | None = None,
) -> dict[str, float]:
    """`saturations` from each field's term counts (a field's length is their sum)."""
    weights = settings.field_weights
    k1, b = settings.k1, settings.b
    weighted: defaultdict[str, float] = defaultdict(float)
    for name, counted in counts.items():
        weight = weights.get(name, 0.0)
        if not counted or weight <= 0:
            continue
        length = sum(counted.values())
        average = averages.get(name) or float(max(length, 1))
        norm = weight / (1 - b + b * length / average)
        for term in counted if only is None else counted.keys() & only:
            weighted[term] += counted[term] * norm
    return {term: tf / (tf + k1) for term, tf in weighted.items()}


class LexicalIndex:
    """An inverted index of documents numbered 0, 1, 2, … in the order they were added."""

    def __init__(self, settings: Bm25Settings | None = None) -> None:
        self.settings = settings or Bm25Settings()
        self._postings: dict[str, tuple[array[int], array[float]]] = {}
        self._average_lengths: dict[str, float] = {}
        self._removed: set[int] = set()
        self._size = 0
        # Live document frequencies: postings keep removed documents (they are skipped when
        # scoring), so their lengths overcount after a document is replaced.
        self._frequency: Counter[str] = Counter()
        self._terms_of: dict[int, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return self._size - len(self._removed)

    def build(self, documents: Sequence[FieldTerms]) -> list[int]:
        """Add many documents, first fixing the average field lengths from them."""
        totals: Counter[str] = Counter()
        for fields in documents:
            for name, terms in fields.items():
                totals[name] += len(terms)
        if documents:
            self._average_lengths = average_lengths(totals, len(documents))
        return [self.add(fields) for fields in documents]

    def add(self, fields: FieldTerms) -> int:
        """Index one document and return its number."""
        number = self._size
        self._size += 1
        for name, terms in fields.items():
            if terms:
                self._average_lengths.setdefault(name, float(max(len(terms), 1)))
        saturated = saturations(fields, self._average_lengths, self.settings)
        for term, saturation in saturated.items():
            postings = self._postings.get(term)
            if postings is None:
                postings = self._postings[term] = (array("l"), array("d"))
            postings[0].append(number)
            postings[1].append(saturation)
        self._frequency.update(saturated.keys())
        self._terms_of[number] = tuple(saturated)
        return number

    def remove(self, number: int) -> None:
        """Stop returning document `number`."""
        if number in self._removed or number not in self._terms_of:
            return
        self._removed.add(number)
        self._frequency.subtract(self._terms_of.pop(number))

    def idf(self, term: str) -> float:
        """Inverse document frequency; 0 for a term no document has."""
        return idf(self._frequency.get(term, 0), len(self))

    def _evidence(self, query: Mapping[str, float]) -> dict[str, float]:
        """Each known query term's share of the query's evidence (summing to 1)."""
        return evidence(query, self.idf)

    def search(
        self, query: Mapping[str, float], limit: int, skip: Collection[int] = ()
    ) -> list[tuple[int, float]]:
        """The `limit` best (number, lexical score) pairs, best first.

        Terms found in many documents (over `COMMON_SHARE` of them and at least
        `COMMON_MINIMUM`) carry little weight but have long postings: they only add to
        the `CANDIDATES` best documents that the rarer terms found, instead of being read
        in full. Below `COMMON_MINIMUM` documents every score is exact.
        """
        evidence = self._evidence(query)
        common_from = max(COMMON_MINIMUM, COMMON_SHARE * len(self))
        rare = [t for t in evidence if self._frequency[t] <= common_from]
        common = sorted(
            (t for t in evidence if self._frequency[t] > common_from),
            key=lambda t: self._frequency[t],
        )
        if not rare and common:
            rare.append(common.pop(0))
        scores: dict[int, float] = {}
        get = scores.get
        for term in rare:
            share = evidence[term]
            numbers, saturations = self._postings[term]
            for number, saturation in zip(numbers, saturations, strict=True):
                scores[number] = get(number, 0.0) + share * saturation
        for number in (*skip, *self._removed):
            scores.pop(number, None)
        if common:
            scores = dict(heapq.nlargest(CANDIDATES, scores.items(), key=itemgetter(1)))
            for term in common:
                self._add_to(scores, term, evidence[term])
        return heapq.nlargest(limit, scores.items(), key=itemgetter(1))

    def _add_to(self, scores: dict[int, float], term: str, share: float) -> None:
        """Add one term's contribution to the documents already in `scores`."""
        numbers, saturations = self._postings[term]
        if len(numbers) < 6 * len(scores):  # reading the postings beats searching them
            for number, saturation in zip(numbers, saturations, strict=True):
                if number in scores:
                    scores[number] += share * saturation
            return
        size = len(numbers)
        for number in scores:
            at = bisect_left(numbers, number)
            if at < size and numbers[at] == number:
                scores[number] += share * saturations[at]

    def score(self, query: Mapping[str, float], number: int) -> float:
        """The lexical score of one document."""
        return sum(self.contributions(query, number).values())

    def contributions(self, query: Mapping[str, float], number: int) -> dict[str, float]:
        """How much each query term adds to document `number`'s score."""
        found = {}
        for term, share in self._evidence(query).items():
            numbers, saturations = self._postings[term]
            at = bisect_left(numbers, number)
            if at < len(numbers) and numbers[at] == number:
                found[term] = share * saturations[at]
        return found
