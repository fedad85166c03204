"""How similar-incident search is measured on a labelled set such as ``incidents_dev.jsonl``.

The protocol (``../shared/data/README.md``): each incident in turn is the query as it looks
while live (title, summary, service, alert labels); the candidates are all the others as
past incidents (every field but ``family``); a hit is a candidate of the same family.
Recall@5 counts queries with a hit in the top five, MRR averages the reciprocal rank of
the first hit within the top ``DEPTH``, precision@5 the share of hits in the top five.

Anything chosen by looking at data is reported on data it was not chosen on
(``two_fold``): the set is split in two halves by incident, stratified by family; the
settings are chosen on one half (``tune``) and measured on the other, then the halves swap.
The lexicon is vocabulary chosen by people, so each fold also keeps only the phrases that
someone who had read the tuning half alone could have written: those that match one of its
incidents, or no incident of the set at all (general knowledge). A phrase only the held-out
half uses is dropped for that fold.

The benchmark and the tests both measure through this module, so that the figures in the
README and the thresholds in the tests mean the same thing. Pure apart from ``load``,
which reads the file it is given.
"""

import json
import random
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from watchkeep.assist.similarity.analysis import Analyzer
from watchkeep.assist.similarity.lexical import Bm25Settings
from watchkeep.assist.similarity.lexicon import CONCEPTS
from watchkeep.assist.similarity.model import Document, Embedder, Query
from watchkeep.assist.similarity.rank import SimilarityIndex
from watchkeep.assist.similarity.signals import Weights

DEPTH = 100
"""How far down the ranking the first hit still counts for MRR."""

Record = dict[str, Any]
"""One incident of the labelled set, as its JSON line reads."""
Result = dict[str, float]
Case = tuple[Query, str, set[str]]
"""A query, the family its hits belong to, and the ids it must not find (itself)."""
Builder = Callable[[Iterable[Document]], SimilarityIndex]


def load(path: Path) -> list[Record]:
    """The incidents of a JSON-lines file."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def as_document(record: Record) -> Document:
    """A record as a past incident: every field but ``family``."""
    labels = record.get("alert_labels") or {}
    return Document(
        id=record["id"],
        title=record["title"],
        summary=record.get("summary", ""),
        root_cause=record.get("root_cause", ""),
        services=(record["service"],),
        labels=labels,
        created_at=datetime.fromisoformat(record["created_at"].replace("Z", "+00:00")),
    )


def as_query(record: Record) -> Query:
    """A record as a live incident: title, summary, service and alert labels only."""
    return Query(
        title=record["title"],
        summary=record.get("summary", ""),
        services=(record["service"],),
        labels=record.get("alert_labels") or {},
    )


def measure(index: SimilarityIndex, cases: Iterable[Case], family: Mapping[str, str]) -> Result:
    """Recall@5, MRR and precision@5 of ``cases`` searched in ``index``; ``family`` maps each
    indexed id to its family."""
    found, reciprocal, precise, count = 0, 0.0, 0.0, 0
    for query, expected, exclude in cases:
        matches = index.search(query, k=DEPTH, exclude_ids=exclude)
        hits = [family[str(match.id)] == expected for match in matches]
        found += any(hits[:5])
        precise += sum(hits[:5]) / 5
        reciprocal += 1 / (hits.index(True) + 1) if True in hits else 0.0
        count += 1
    return {
        "recall_at_5": round(found / count, 3),
        "mrr": round(reciprocal / count, 3),
        "precision_at_5": round(precise / count, 3),
        "queries": count,
    }


def catalog(records: Sequence[Record]) -> tuple[str, ...]:
    """The service names of a labelled set: its catalog."""
    return tuple(sorted({record["service"] for record in records}))


def evaluate(records: Sequence[Record], build: Builder | None = None) -> Result:
    """Recall@5, MRR and precision@5 of leave-one-out retrieval over ``records`` (by
    default with the product's settings and the set's catalog)."""
    build = build or Settings(names=catalog(records)).builder()
    index = build(as_document(record) for record in records)
    cases = ((as_query(r), r["family"], {r["id"]}) for r in records)
    return measure(index, cases, {r["id"]: r["family"] for r in records})


def halves(records: Sequence[Record], seed: int = 7) -> tuple[list[Record], list[Record]]:
    """Two halves by incident, stratified by family: each family's incidents, shuffled, go
    alternately to either half (an odd one out goes to the half that is smaller so far)."""
    rng = random.Random(seed)
    by_family: defaultdict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_family[record["family"]].append(record)
    first: list[Record] = []
    second: list[Record] = []
    for family in sorted(by_family):
        members = sorted(by_family[family], key=lambda r: r["id"])
        rng.shuffle(members)
        lead, other = (first, second) if len(first) <= len(second) else (second, first)
        lead.extend(members[0::2])
        other.extend(members[1::2])
    return first, second


Lexicon = Mapping[str, Sequence[str]]


def phrase_use(records: Sequence[Record], lexicon: Lexicon = CONCEPTS) -> dict[str, set[str]]:
    """For each phrase of ``lexicon`` (as ``concept|phrase``), the records it matches in any
    field a past incident is indexed by."""
    marker = "\x1f"
    analyzer = Analyzer(
        {
            f"{concept}{marker}{phrase}": (phrase,)
            for concept, phrases in lexicon.items()
            for phrase in phrases
        }
    )
    used: dict[str, set[str]] = {
        f"{concept}|{phrase}": set() for concept, phrases in lexicon.items() for phrase in phrases
    }
    for record in records:
        document = as_document(record)
        text = " ".join((document.title, document.summary, document.root_cause, *labels_of(record)))
        for term in analyzer.terms(text, services=document.services):
            concept, _, phrase = term[1:].partition(marker)
            if phrase:
                used[f"{concept}|{phrase}"].add(record["id"])
    return used


def labels_of(record: Record) -> list[str]:
    return [str(value) for value in (record.get("alert_labels") or {}).values()]


def restricted(
    lexicon: Lexicon, use: Mapping[str, set[str]], seen: set[str]
) -> dict[str, tuple[str, ...]]:
    """``lexicon`` without the phrases that match records of the set, none of them ``seen``."""
    kept = {
        concept: tuple(
            phrase
            for phrase in phrases
            if not use[f"{concept}|{phrase}"] or use[f"{concept}|{phrase}"] & seen
        )
        for concept, phrases in lexicon.items()
    }
    return {concept: phrases for concept, phrases in kept.items() if phrases}


@dataclass(frozen=True)
class Settings:
    """What tuning may choose: the score's weights and the BM25 constants; and the lexicon
    (``None``: the product's)."""

    weights: Weights = field(default_factory=Weights)
    bm25: Bm25Settings = field(default_factory=Bm25Settings)
    lexicon: Lexicon | None = None
    names: tuple[str, ...] = ()
    """The catalog's names, left out of the text (see `Analyzer`)."""
    embedder: Embedder | None = None

    def builder(self) -> Builder:
        analyzer = Analyzer(self.lexicon, names=self.names)
        return lambda documents: SimilarityIndex.build(
            documents,
            weights=self.weights,
            bm25=self.bm25,
            analyzer=analyzer,
            embedder=self.embedder,
        )

    def describe(self) -> dict[str, Any]:
        return {
            "concepts": self.weights.concepts,
            "service": self.weights.service,
            "alert": self.weights.alert,
            "labels": self.weights.labels,
            "k1": self.bm25.k1,
            "b": self.bm25.b,
            "root_cause_field": self.bm25.field_weights["root_cause"],
        }


def _with(settings: Settings, name: str, value: float) -> Settings:
    if name in ("concepts", "service", "alert", "labels"):
        return replace(settings, weights=replace(settings.weights, **{name: value}))
    if name == "root_cause_field":
        fields = {**settings.bm25.field_weights, "root_cause": value}
        return replace(settings, bm25=replace(settings.bm25, field_weights=fields))
    if name == "k1":
        return replace(settings, bm25=replace(settings.bm25, k1=value))
    if name == "b":
        return replace(settings, bm25=replace(settings.bm25, b=value))
    raise ValueError(f"no setting {name!r} to tune")


GRID: dict[str, tuple[float, ...]] = {
    "concepts": (1.0, 2.0, 3.0, 5.0, 8.0),
    "service": (0.0, 0.15, 0.3),
    "alert": (0.0, 0.3, 0.6),
    "k1": (1.2, 2.0, 3.0),
    "b": (0.5, 0.75, 1.0),
    "root_cause_field": (0.5, 1.0, 1.5, 2.0),
}
"""The values tuning tries, one setting at a time (coordinate ascent)."""


def objective(result: Result) -> float:
    """What tuning maximises: recall@5 and MRR, equally."""
    return result["recall_at_5"] + result["mrr"]


def tune(
    records: Sequence[Record],
    start: Settings | None = None,
    grid: Mapping[str, Sequence[float]] = GRID,
    rounds: int = 2,
) -> Settings:
    """Settings chosen on ``records`` alone, from ``start``: coordinate ascent over ``grid``,
    each setting in turn set to its best value on leave-one-out retrieval, for ``rounds``
    passes. Ties keep the current value, so a setting moves only for a real gain."""
    best = start or Settings()
    score = objective(evaluate(records, best.builder()))
    for _ in range(rounds):
        moved = False
        for name, values in grid.items():
            for value in values:
                trial = _with(best, name, value)
                trial_score = objective(evaluate(records, trial.builder()))
                if trial_score > score + 1e-9:
                    best, score, moved = trial, trial_score, True
        if not moved:
            break
    return best


def two_fold(
    records: Sequence[Record],
    *,
    seed: int = 7,
    choose: Callable[[Sequence[Record], Settings], Settings] = tune,
    lexicon: Lexicon = CONCEPTS,
) -> dict[str, Any]:
    """Held-out figures: lexicon and settings chosen on one half, measured on the other,
    both ways.

    Each half is searched on its own (queries and candidates from the held-out half only),
    so nothing that tuning saw is ranked. ``held_out`` is the mean of the two folds.
    """
    first, second = halves(records, seed)
    use = phrase_use(records, lexicon)
    folds: list[dict[str, Any]] = []
    for tuned_on, held_out in ((first, second), (second, first)):
        fold_lexicon = restricted(lexicon, use, {r["id"] for r in tuned_on})
        chosen = choose(tuned_on, Settings(lexicon=fold_lexicon, names=catalog(records)))
        folds.append(
            {
                "chosen": chosen.describe(),
                "phrases_dropped": sum(map(len, lexicon.values()))
                - sum(map(len, fold_lexicon.values())),
                "tuning_half": evaluate(tuned_on, chosen.builder()),
                "held_out_half": evaluate(held_out, chosen.builder()),
            }
        )
    keys = ("recall_at_5", "mrr", "precision_at_5")
    return {
        "held_out": {
            key: round(statistics.fmean(fold["held_out_half"][key] for fold in folds), 3)
            for key in keys
        },
        "tuning": {
            key: round(statistics.fmean(fold["tuning_half"][key] for fold in folds), 3)
            for key in keys
        },
        "folds": folds,
    }


def with_feedback(records: Sequence[Record], *, seed: int = 7) -> dict[str, Result]:
    """What responders' feedback is worth: in each fold, the incidents of one half are linked
    by family (as responders link incidents to problems or mark the same cause); the other
    half's incidents are searched among all the others, once with those links and once
    without. The lexicon is the fold's (see ``two_fold``); the figures are the folds' means."""
    first, second = halves(records, seed)
    use = phrase_use(records, CONCEPTS)
    family = {r["id"]: r["family"] for r in records}
    results: dict[str, list[Result]] = {"without_feedback": [], "with_feedback": []}
    for linked, searched in ((first, second), (second, first)):
        settings = Settings(
            lexicon=restricted(CONCEPTS, use, {r["id"] for r in linked}), names=catalog(records)
        )
        ids = {r["id"] for r in linked}
        plain = [as_document(r) for r in records]
        grouped = [
            replace(d, groups=(f"problem-{family[str(d.id)]}",)) if d.id in ids else d
            for d in plain
        ]
        cases = [(as_query(r), r["family"], {r["id"]}) for r in searched]
        for name, documents in (("without_feedback", plain), ("with_feedback", grouped)):
            results[name].append(measure(settings.builder()(documents), cases, family))
    keys = ("recall_at_5", "mrr", "precision_at_5")
    return {
        name: {key: round(statistics.fmean(r[key] for r in runs), 3) for key in keys}
        for name, runs in results.items()
    }
