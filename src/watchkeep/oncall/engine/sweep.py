"""The final schedule: overrides over layers over lower layers, by linear merges.

Every input list is sorted and disjoint, so "upper wins" is a two-pointer pass that keeps
the upper list and adds the parts of the lower list it leaves uncovered. Overrides overlap
each other, so they first go through one sweep over their sorted boundaries with a heap of
the active ones keyed by precedence.
"""

from collections.abc import Sequence
from heapq import heappop, heappush
from itertools import pairwise
from operator import itemgetter

from watchkeep.oncall.engine.layers import Segment, Users, normalise

# An override to resolve: [start, end), its user (None = nobody) and its precedence rank
# (higher wins: later created_at, then later in the list).
OverrideSpan = tuple[int, int, str | None, int]
_by_start = itemgetter(0)


def fill(upper: Sequence[Segment], lower: Sequence[Segment]) -> list[Segment]:
    """``upper`` plus the parts of ``lower`` that ``upper`` does not cover, sorted."""
    if not upper:
        return list(lower)
    out = list(upper)
    if not lower:
        return out
    count, first = len(upper), 0
    for start, end, users in lower:
        while first < count and upper[first][1] <= start:
            first += 1
        position, i = start, first
        while i < count:
            upper_start, upper_end, _ = upper[i]
            if upper_start >= end:
                break
            if upper_start > position:
                out.append((position, upper_start, users))
            position = upper_end  # upper is disjoint and sorted: ends only grow
            i += 1
        if position < end:
            out.append((position, end, users))
    # Two sorted runs: Timsort merges them in linear time.
    out.sort(key=_by_start)
    return out


def resolve_overrides(overrides: Sequence[OverrideSpan], lo: int, hi: int) -> list[Segment]:
    """Disjoint segments where some override wins; a null override gives an empty user set."""
    spans = sorted(
        (
            (max(start, lo), min(end, hi), user, rank)
            for start, end, user, rank in overrides
            if max(start, lo) < min(end, hi)
        ),
        key=_by_start,
    )
    if not spans:
        return []
    points = sorted({s[0] for s in spans} | {s[1] for s in spans})
    active: list[tuple[int, int, str | None]] = []  # (-rank, end, user): ranks are unique
    out: list[Segment] = []
    following = 0
    for point, next_point in pairwise(points):
        while following < len(spans) and spans[following][0] <= point:
            _, end, user, rank = spans[following]
            heappush(active, (-rank, end, user))
            following += 1
        while active and active[0][1] <= point:
            heappop(active)  # lazily: an ended override only matters once it reaches the top
        if active:
            user = active[0][2]
            users: Users = () if user is None else (user,)
            if out and out[-1][1] == point and out[-1][2] == users:
                out[-1] = (out[-1][0], next_point, users)
            else:
                out.append((point, next_point, users))
    return out


def final_segments(
    layers: Sequence[Sequence[Segment]], overrides: Sequence[Segment]
) -> list[Segment]:
    """The final schedule from each layer's entries (lowest first) and resolved overrides."""
    combined: list[Segment] = []
    for segments in reversed(layers):
        combined = fill(combined, segments)
    return normalise(fill(overrides, combined))
