"""How similar-incident search is measured on a labelled set such as ``incidents_dev.jsonl``.

The protocol (``../shared/data/README.md``): each incident in turn is the query as it looks
while live (title, summary, service, alert labels); the candidates are all the others as
past incidents (every field but ``family``); a hit is a candidate of the same family.
Recall@5 counts queries with a hit in the top five, MRR averages the reciprocal rank of
the first hit within the top ``DEPTH``, precision@5 the share of hits in the top five.

The benchmark and the tests both measure through this module, so that the figures in the
README and the thresholds in the tests mean the same thing. Pure apart from ``load``,
which reads the file it is given.
"""

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from watchkeep.assist.similarity.model import Document, Query
from watchkeep.assist.similarity.rank import SimilarityIndex

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


def evaluate(records: Sequence[Record], build: Builder = SimilarityIndex.build) -> Result:
    """Recall@5, MRR and precision@5 of leave-one-out retrieval over ``records``."""
    index = build(as_document(record) for record in records)
    cases = ((as_query(r), r["family"], {r["id"]}) for r in records)
    return measure(index, cases, {r["id"]: r["family"] for r in records})
