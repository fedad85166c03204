"""How problem candidates are measured, in the setting the product proposes them in.

The product groups the incidents of the last 90 days that are not yet linked to a problem;
such incidents have a title, a summary, services and alert labels, and no root cause
(finding it is what the problem is for). So the measurement runs a 90-day window ending at
each month's end over a labelled set, with the root causes left out, and judges the groups
by the families of their members:

- purity: the share of grouped incidents that belong to their group's main family;
- pure share: the share of groups at least 80% one family;
- coverage: of the incidents whose family has at least 3 incidents in the window, the share
  that land in a group whose main family is theirs;
- split families: the times one window proposed two groups of the same main family.

The naive baseline groups a window's incidents by service. Held out (``held_out``): each
half of the set (the halves of search's two-fold evaluation) is grouped with the lexicon
phrases the other half shows, and the counts of both add up. Pure apart from the ``group``
callable it is given.
"""

import calendar
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import astuple, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from watchkeep.assist.similarity.analysis import Analyzer
from watchkeep.assist.similarity.cluster import cluster
from watchkeep.assist.similarity.evaluation import (
    Record,
    as_document,
    catalog,
    halves,
    phrase_use,
    restricted,
)
from watchkeep.assist.similarity.lexicon import CONCEPTS
from watchkeep.assist.similarity.model import Document

WINDOW = timedelta(days=90)
MIN_SIZE = 3
PURE = 0.8

Grouper = Callable[[Sequence[Document]], list[tuple[str | int, ...]]]
"""Groups (as tuples of document ids) proposed among a window's documents."""


def month_ends(moments: Sequence[datetime]) -> list[datetime]:
    """The end of every month from the first moment's to the last one's."""
    first, last = min(moments), max(moments)
    ends = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = calendar.monthrange(year, month)[1]
        ends.append(datetime(year, month, day, 23, 59, 59, tzinfo=UTC))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ends


def unlinked(document: Document) -> Document:
    """A document as the product sees an incident not yet linked to a problem."""
    return replace(document, root_cause="")


@dataclass
class Tally:
    """The counts behind the figures, so that several runs add up before dividing."""

    grouped: int = 0
    main_family: int = 0
    groups: int = 0
    pure_groups: int = 0
    eligible: int = 0
    covered: int = 0
    split_families: int = 0
    windows: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    def result(self) -> dict[str, Any]:
        return {
            "purity": round(self.main_family / self.grouped, 3) if self.grouped else None,
            "pure_share": round(self.pure_groups / self.groups, 3) if self.groups else None,
            "coverage": round(self.covered / self.eligible, 3) if self.eligible else None,
            "split_families": self.split_families,
            "groups": self.groups,
            "grouped_incidents": self.grouped,
            "windows": self.windows,
        }


def measure_groups(
    documents: Sequence[Document],
    family: Mapping[str | int, str],
    group: Grouper,
    window: timedelta = WINDOW,
) -> Tally:
    """The counts of ``group`` over the windows ending at each month end, on ``documents``
    without their root causes (``.result()`` gives the figures)."""
    dated = [unlinked(d) for d in documents if d.created_at is not None]
    tally = Tally()
    for end in month_ends([d.created_at for d in dated if d.created_at]):
        members = [d for d in dated if d.created_at and end - window < d.created_at <= end]
        if not members:
            continue
        tally.windows += 1
        sizes = Counter(family[d.id] for d in members)
        eligible = {d.id for d in members if sizes[family[d.id]] >= MIN_SIZE}
        tally.eligible += len(eligible)
        mains: Counter[str] = Counter()
        for ids in group(members):
            counts = Counter(family[i] for i in ids)
            main, count = counts.most_common(1)[0]
            mains[main] += 1
            tally.groups += 1
            tally.grouped += len(ids)
            tally.main_family += count
            tally.pure_groups += count / len(ids) >= PURE
            tally.covered += sum(1 for i in ids if i in eligible and family[i] == main)
        tally.split_families += sum(n - 1 for n in mains.values())
    return tally


def by_service(documents: Sequence[Document]) -> list[tuple[str | int, ...]]:
    """The naive baseline: each service with at least 3 incidents is a group."""
    members: dict[str, list[str | int]] = {}
    for document in documents:
        if document.services:
            members.setdefault(document.services[0], []).append(document.id)
    return [tuple(ids) for ids in members.values() if len(ids) >= MIN_SIZE]


def proposer(analyzer: Analyzer | None = None) -> Grouper:
    """The product's grouping (`cluster` with its defaults)."""
    return lambda documents: [found.ids for found in cluster(documents, analyzer=analyzer)]


def held_out(
    records: Sequence[Record], *, window: timedelta = WINDOW, seed: int = 7
) -> dict[str, Any]:
    """The product's proposals and the by-service baseline, each half grouped with the
    lexicon phrases of the other half (see ``evaluation.two_fold``)."""
    family = {r["id"]: r["family"] for r in records}
    use = phrase_use(records)
    proposals, baseline = Tally(), Tally()
    first, second = halves(records, seed)
    for tuned_on, judged in ((first, second), (second, first)):
        lexicon = restricted(CONCEPTS, use, {r["id"] for r in tuned_on})
        analyzer = Analyzer(lexicon, names=catalog(records))
        documents = [as_document(r) for r in judged]
        proposals += measure_groups(documents, family, proposer(analyzer), window)
        baseline += measure_groups(documents, family, by_service, window)
    return {"proposals": proposals.result(), "by_service": baseline.result()}
