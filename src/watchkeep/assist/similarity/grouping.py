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

The naive baseline groups a window's incidents by service. Pure apart from the ``group``
callable it is given.
"""

import calendar
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

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
class _Tally:
    grouped: int = 0
    main_family: int = 0
    groups: int = 0
    pure_groups: int = 0
    eligible: int = 0
    covered: int = 0
    split_families: int = 0
    windows: int = 0

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
    documents: Sequence[Document], family: dict[str | int, str], group: Grouper
) -> dict[str, Any]:
    """Purity, pure share, coverage and split families of ``group`` over the 90-day windows
    at each month end, on ``documents`` without their root causes."""
    dated = [unlinked(d) for d in documents if d.created_at is not None]
    tally = _Tally()
    for end in month_ends([d.created_at for d in dated if d.created_at]):
        window = [d for d in dated if d.created_at and end - WINDOW < d.created_at <= end]
        if not window:
            continue
        tally.windows += 1
        sizes = Counter(family[d.id] for d in window)
        eligible = {d.id for d in window if sizes[family[d.id]] >= MIN_SIZE}
        tally.eligible += len(eligible)
        mains: Counter[str] = Counter()
        for ids in group(window):
            counts = Counter(family[i] for i in ids)
            main, count = counts.most_common(1)[0]
            mains[main] += 1
            tally.groups += 1
            tally.grouped += len(ids)
            tally.main_family += count
            tally.pure_groups += count / len(ids) >= PURE
            tally.covered += sum(1 for i in ids if i in eligible and family[i] == main)
        tally.split_families += sum(n - 1 for n in mains.values())
    return tally.result()


def by_service(documents: Sequence[Document]) -> list[tuple[str | int, ...]]:
    """The naive baseline: each service with at least 3 incidents is a group."""
    members: dict[str, list[str | int]] = {}
    for document in documents:
        if document.services:
            members.setdefault(document.services[0], []).append(document.id)
    return [tuple(ids) for ids in members.values() if len(ids) >= MIN_SIZE]
