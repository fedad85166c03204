"""Problem candidates: groups of recent incidents that are alike, with the evidence.

Two incidents are compared with the search score's formula, made symmetric: the text
part is the cosine of their term vectors (log term frequency x smoothed idf over the
incidents being grouped, fields weighted as in search, failure concepts boosted), set in
the same context of shared service, alert and labels, plus the same-fingerprint bonus;
the score is the mean of both directions.

Only cause-bearing evidence links two incidents: a failure mode both name (a lexicon
concept outside its `CONTEXT`), or the same alert series. A shared service, symptom or
technology makes linked incidents more alike, never links them alone: busy services and
common symptoms have many unrelated incidents.

What people said outranks the text: a pair of incidents responders called "the same
cause" counts as fully alike, one they called "not similar" as not alike at all, and a pair
from a proposal someone dismissed as half as alike as it looks (`verdicts`).

Groups are formed by average-link agglomeration: the two groups whose incidents are, on
average, most alike merge while that average is at least `threshold`. Then a member whose
agreement with the others (its mean similarity to them) is below `threshold` leaves, the
weakest first, so that a mixed group loses its strays or disappears: no proposal is
better than a mixed one. Groups smaller than `min_size` are not problems.
"""

import heapq
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import pairwise

from watchkeep.assist.similarity.analysis import Analyzer, is_concept, is_failure
from watchkeep.assist.similarity.lexical import Bm25Settings
from watchkeep.assist.similarity.model import Document, DocumentId, Embedder, alert_names
from watchkeep.assist.similarity.rank import document_text
from watchkeep.assist.similarity.signals import Weights, signals

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SHOWN_TERMS = 8


@dataclass(frozen=True)
class TimePattern:
    """When a group's incidents happened (hours and weekdays in the given time zone)."""

    first_seen: datetime | None
    last_seen: datetime | None
    count: int
    median_interval: timedelta | None
    busiest_hour: int | None
    hour_share: float
    busiest_weekday: str | None
    weekday_share: float


@dataclass(frozen=True)
class Cluster:
    """A problem candidate: alike incidents (oldest first) and why they look alike."""

    ids: tuple[DocumentId, ...]
    cohesion: float
    agreement: tuple[float, ...]
    """Each member's mean similarity to the others, in the order of `ids`."""
    failure_share: float
    """The share of members that name the group's most shared failure mode."""
    services: tuple[tuple[str, int], ...]
    alert_names: tuple[tuple[str, int], ...]
    terms: tuple[str, ...]
    concepts: tuple[str, ...]
    """Concepts at least half the members name, failure modes first."""
    failures: tuple[str, ...]
    """The failure modes among `concepts`."""
    time_pattern: TimePattern


def recent(documents: Iterable[Document], *, now: datetime, window: timedelta) -> list[Document]:
    """The documents created in the `window` before `now` (undated ones are left out)."""
    since = now - window
    return [d for d in documents if d.created_at is not None and since <= d.created_at <= now]


class _Vectors:
    """Unit term vectors of a set of documents, and the readable form of each term."""

    def __init__(self, documents: Sequence[Document], analyzer: Analyzer, weights: Weights):
        field_weights = Bm25Settings().field_weights
        self.terms: list[dict[str, float]] = []
        spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for document in documents:
            counts: defaultdict[str, float] = defaultdict(float)
            fields = {
                "title": document.title,
                "summary": document.summary,
                "root_cause": document.root_cause,
                "updates": document.updates,
                "alerts": " ".join(alert_names(document)),
            }
            for name, text in fields.items():
                analysis = analyzer.analyse(text, services=document.services)
                for term in analysis.terms:
                    counts[term] += field_weights.get(name, 1.0)
                for term, surface in analysis.surfaces.items():
                    spellings[term][surface] += 1
            self.terms.append(dict(counts))
        # The most used spelling of each term, the shortest on a tie: the same words
        # whatever order the incidents come in.
        self.surfaces = {
            term: min(used, key=lambda s: (-used[s], len(s), s)) for term, used in spellings.items()
        }
        frequency = Counter(term for terms in self.terms for term in terms)
        size = len(documents)
        # Smoothed (as scikit-learn does): a term every incident shares still weighs 1, so a
        # window holding nothing but the recurring fault still groups it.
        self.idf = {t: math.log((size + 1) / (n + 1)) + 1 for t, n in frequency.items()}
        boost = math.sqrt(weights.concepts)
        self.vectors: list[dict[str, float]] = []
        self.failures: list[frozenset[str]] = []
        for terms in self.terms:
            vector = {
                t: (1 + math.log(1 + c)) * self.idf[t] * (boost if is_failure(t) else 1.0)
                for t, c in terms.items()
            }
            self.failures.append(frozenset(t for t in terms if is_failure(t)))
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            self.vectors.append({t: v / norm for t, v in vector.items()})

    def cosine(self, a: int, b: int) -> float:
        first, second = self.vectors[a], self.vectors[b]
        if len(first) > len(second):
            first, second = second, first
        return sum(v * second.get(t, 0.0) for t, v in first.items())


def similarities(
    documents: Sequence[Document],
    *,
    analyzer: Analyzer | None = None,
    weights: Weights | None = None,
    embedder: Embedder | None = None,
) -> dict[tuple[int, int], float]:
    """The symmetric similarity of every pair (i < j) of documents that share anything."""
    weights = weights or Weights()
    vectors = _Vectors(documents, analyzer or Analyzer(), weights)
    return _pairs(documents, vectors, weights, embedder)


def _pairs(
    documents: Sequence[Document], vectors: _Vectors, weights: Weights, embedder: Embedder | None
) -> dict[tuple[int, int], float]:
    embedded = embedder.embed([document_text(d) for d in documents]) if embedder else None
    pairs: dict[tuple[int, int], float] = {}
    for a in range(len(documents)):
        for b in range(a + 1, len(documents)):
            if not _cause_bearing(documents[a], documents[b], vectors, a, b):
                continue
            text = vectors.cosine(a, b)
            if embedded is not None:
                semantic = max(0.0, _cosine(embedded[a], embedded[b]))
                text = (1 - weights.semantic) * text + weights.semantic * semantic
            forward = signals(documents[a], documents[b]).combine(text, weights)
            backward = signals(documents[b], documents[a]).combine(text, weights)
            if forward + backward > 0:
                pairs[a, b] = (forward + backward) / 2
    return pairs


def _cause_bearing(first: Document, second: Document, vectors: _Vectors, a: int, b: int) -> bool:
    """Whether two incidents share evidence about the cause: a failure mode both name, or
    the same alert series."""
    same_series = first.fingerprint is not None and first.fingerprint == second.fingerprint
    return same_series or bool(vectors.failures[a] & vectors.failures[b])


def _cosine(first: Sequence[float], second: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(first, second, strict=True))
    norms = math.sqrt(sum(x * x for x in first)) * math.sqrt(sum(y * y for y in second))
    return dot / norms if norms else 0.0


def average_link(
    size: int, pairs: dict[tuple[int, int], float], threshold: float
) -> list[list[int]]:
    """Average-link agglomerative groups of `size` items (missing pairs count as 0).

    The link between two groups is the mean similarity over all cross pairs; updated
    on each merge by the Lance-Williams rule (|A| s(A, C) + |B| s(B, C)) / (|A| + |B|).
    """
    groups: dict[int, list[int]] = {i: [i] for i in range(size)}
    links: dict[int, dict[int, float]] = {i: {} for i in range(size)}
    for (a, b), value in pairs.items():
        links[a][b] = links[b][a] = value
    heap = [(-value, a, b) for (a, b), value in pairs.items() if value >= threshold]
    heapq.heapify(heap)
    next_id = size
    while heap:
        _, a, b = heapq.heappop(heap)
        if a not in groups or b not in groups:
            continue  # stale: one side has merged since
        size_a, size_b = len(groups[a]), len(groups[b])
        merged, next_id = next_id, next_id + 1
        groups[merged] = groups.pop(a) + groups.pop(b)
        links[merged] = {}
        for other in (set(links[a]) | set(links[b])) - {a, b}:
            value = (size_a * links[a].get(other, 0.0) + size_b * links[b].get(other, 0.0)) / (
                size_a + size_b
            )
            links[merged][other] = links[other][merged] = value
            if value >= threshold:
                heapq.heappush(heap, (-value, merged, other))
        for old in (a, b):
            for other in links.pop(old):
                links[other].pop(old, None)
    return sorted(groups.values(), key=len, reverse=True)


def time_pattern(moments: Sequence[datetime], tz: tzinfo = UTC) -> TimePattern:
    """First and last seen, count, median gap, and the busiest hour and weekday."""
    ordered = sorted(moments)
    if not ordered:
        return TimePattern(None, None, 0, None, None, 0.0, None, 0.0)
    gaps = sorted(later - earlier for earlier, later in pairwise(ordered))
    local = [moment.astimezone(tz) for moment in ordered]
    hour, hours = Counter(m.hour for m in local).most_common(1)[0]
    weekday, days = Counter(m.weekday() for m in local).most_common(1)[0]
    return TimePattern(
        first_seen=ordered[0],
        last_seen=ordered[-1],
        count=len(ordered),
        median_interval=(gaps[(len(gaps) - 1) // 2] + gaps[len(gaps) // 2]) / 2 if gaps else None,
        busiest_hour=hour,
        hour_share=round(hours / len(ordered), 3),
        busiest_weekday=WEEKDAYS[weekday],
        weekday_share=round(days / len(ordered), 3),
    )


def _shared(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """Values that occur at least twice, most frequent first."""
    return tuple((v, n) for v, n in Counter(values).most_common() if n >= 2)


ALIKE = 1.0
"""How alike a pair responders said has the same cause counts."""
UNALIKE = 0.0
"""How alike a pair responders said is not similar counts."""
DISMISSED = 0.5
"""How alike a pair from a dismissed proposal still counts, as a share of its similarity."""

Verdicts = Mapping[frozenset[DocumentId], float | None]
"""Pairs of document ids and what people said of them: a similarity to use instead of the
computed one, or None for "from a dismissed proposal" (`DISMISSED` of the computed one)."""


def _judged(
    documents: Sequence[Document], pairs: dict[tuple[int, int], float], verdicts: Verdicts
) -> dict[tuple[int, int], float]:
    """``pairs`` with what people said of them instead of what the text says."""
    position = {d.id: n for n, d in enumerate(documents)}
    judged = dict(pairs)
    for pair, said in verdicts.items():
        numbers = sorted(position[i] for i in pair if i in position)
        if len(numbers) != 2:
            continue  # a pair outside these documents
        key = (numbers[0], numbers[1])
        value = said if said is not None else DISMISSED * judged.get(key, 0.0)
        if value > 0:
            judged[key] = value
        else:
            judged.pop(key, None)
    return judged


def cluster(
    documents: Sequence[Document],
    *,
    threshold: float = 0.2,
    min_size: int = 3,
    tz: tzinfo = UTC,
    analyzer: Analyzer | None = None,
    weights: Weights | None = None,
    embedder: Embedder | None = None,
    verdicts: Verdicts | None = None,
) -> list[Cluster]:
    """Groups of at least `min_size` alike documents, largest (then latest) first.

    Pass the incidents to consider (e.g. `recent(...)`, not yet linked to a problem);
    `tz` is the time zone of the busiest hour and weekday; `verdicts`, what people said of
    pairs of them.
    """
    weights = weights or Weights()
    analyzer = analyzer or Analyzer()
    vectors = _Vectors(documents, analyzer, weights)
    pairs = _pairs(documents, vectors, weights, embedder)
    if verdicts:
        pairs = _judged(documents, pairs, verdicts)
    found = []
    for grouped in average_link(len(documents), pairs, threshold):
        members = _without_strays(grouped, pairs, threshold, min_size)
        if len(members) < min_size:
            continue
        members.sort(key=lambda i: documents[i].created_at or datetime.min.replace(tzinfo=UTC))
        found.append(_evidence(documents, members, vectors, pairs, tz))
    return sorted(
        found, key=lambda c: (-len(c.ids), -(c.time_pattern.last_seen or _EPOCH).timestamp())
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _link(pairs: dict[tuple[int, int], float], a: int, b: int) -> float:
    return pairs.get((min(a, b), max(a, b)), 0.0)


def _agreement(members: Sequence[int], pairs: dict[tuple[int, int], float]) -> list[float]:
    """Each member's mean similarity to the other members."""
    return [
        statistics.fmean(_link(pairs, a, b) for b in members if b != a) if len(members) > 1 else 0
        for a in members
    ]


def _without_strays(
    members: list[int], pairs: dict[tuple[int, int], float], threshold: float, min_size: int
) -> list[int]:
    """The group without the members that agree with the others less than `threshold`,
    dropped one at a time, the weakest first (an average hides a stray)."""
    kept = list(members)
    while len(kept) >= min_size:
        agreement = _agreement(kept, pairs)
        weakest = min(range(len(kept)), key=lambda n: agreement[n])
        if agreement[weakest] >= threshold:
            break
        kept.pop(weakest)
    return kept


def _evidence(
    documents: Sequence[Document],
    members: list[int],
    vectors: "_Vectors",
    pairs: dict[tuple[int, int], float],
    tz: tzinfo,
) -> Cluster:
    chosen = [documents[i] for i in members]
    within = [_link(pairs, a, b) for a in members for b in members if a < b]
    named = Counter(t for i in members for t in vectors.failures[i])
    main_failure = named.most_common(1)[0][1] if named else 0
    needed = max(2, math.ceil(len(members) / 2))
    presence = Counter(term for i in members for term in vectors.terms[i])
    weight = Counter({t: sum(vectors.vectors[i].get(t, 0.0) for i in members) for t in presence})
    common = sorted((t for t, n in presence.items() if n >= needed), key=lambda t: (-weight[t], t))
    words = [vectors.surfaces.get(t, t) for t in common if not is_concept(t)]
    return Cluster(
        ids=tuple(d.id for d in chosen),
        cohesion=round(statistics.fmean(within), 3),
        agreement=tuple(round(a, 3) for a in _agreement(members, pairs)),
        failure_share=round(main_failure / len(members), 3),
        services=_shared(s for d in chosen for s in dict.fromkeys(d.services)),
        alert_names=_shared(a for d in chosen for a in alert_names(d)),
        terms=tuple(dict.fromkeys(words))[:SHOWN_TERMS],
        concepts=tuple(
            t[1:] for t in sorted(common, key=lambda t: not is_failure(t)) if is_concept(t)
        ),
        failures=tuple(t[1:] for t in common if is_failure(t)),
        time_pattern=time_pattern([d.created_at for d in chosen if d.created_at], tz),
    )
