"""When a metric series changed sharply: one robust change point, or none.

The series is cut in two where the points deviate least, in total, from the median of
their own side (the least-absolute-deviation split: medians ignore a lone spike, so a spike
cannot draw the cut). The cut is a sharp change only when the jump between the two medians
is clear of the noise, more than :data:`MIN_SIGMAS` times the spread of the points
around their medians, material, at least :data:`MIN_RELATIVE` of the level before, and
held, with :data:`MIN_SIDE` points on each side nearer that side's level than the other's.
Noise alone fails the first test (its medians barely move), a steady ramp fails it too (its
halves are as spread as the jump is tall), and so does noise around zero, which a relative
test alone would take for a change.

The spread is the mean absolute deviation, not the median one: on a mostly-zero series
(rare errors) the median deviation is zero and any blip would be "clear of the noise".
"""

from bisect import insort
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median

MIN_SIDE = 3
"""Points needed on each side of a change, each nearer its own side's level than the other
side's: fewer and a short blip would count."""
MIN_SIGMAS = 4.0
MIN_RELATIVE = 0.5
MEAN_DEVIATION_TO_SIGMA = 1.2533
"""The mean absolute deviation times this (√(π/2)) estimates the standard deviation of
normally distributed noise."""


@dataclass(frozen=True)
class Shift:
    """A series' level before and after, and when it changed sharply (``at`` is None when
    it did not; then ``before`` and ``after`` are the medians of its first and last half)."""

    at: datetime | None
    before: float | None
    after: float | None


def change_point(points: Sequence[tuple[datetime, float]]) -> Shift:
    """Where the values of ``points`` (in time order, finite) changed sharply, if they did;
    ``at`` is the time of the first point after the change."""
    values = [value for _, value in points]
    if not values:
        return Shift(None, None, None)
    half = len(values) // 2
    unchanged = Shift(None, median(values[: max(half, 1)]), median(values[half:]))
    if len(values) < 2 * MIN_SIDE:
        return unchanged
    heads = _deviations(values)
    tails = _deviations(values[::-1])[::-1]
    cut = min(range(MIN_SIDE, len(values) - MIN_SIDE + 1), key=lambda k: heads[k] + tails[k])
    before, after = values[:cut], values[cut:]
    level_before, level_after = median(before), median(after)
    jump = abs(level_after - level_before)
    spread = MEAN_DEVIATION_TO_SIGMA * (heads[cut] + tails[cut]) / len(values)
    clear = jump > MIN_SIGMAS * spread
    material = jump > 0 and jump >= MIN_RELATIVE * abs(level_before)
    held = _nearer(before, level_before, level_after) and _nearer(after, level_after, level_before)
    if not (clear and material and held):
        return unchanged
    return Shift(points[cut][0], level_before, level_after)


def _nearer(values: Sequence[float], own: float, other: float) -> bool:
    """Whether MIN_SIDE of ``values`` are nearer ``own`` than ``other`` (of a side of three,
    two high points would make the median high)."""
    return sum(abs(value - own) < abs(value - other) for value in values) >= MIN_SIDE


def _deviations(values: Sequence[float]) -> list[float]:
    """For each k, the total absolute deviation of ``values[:k]`` from their median.

    Of a sorted list, that is the sum of its upper half less the sum of its lower half (the
    middle value of an odd count deviates by nothing), so one sorted list grown a value at a
    time gives them all.
    """
    ordered: list[float] = []
    found = [0.0]
    for value in values:
        insort(ordered, value)
        half = len(ordered) // 2
        found.append(sum(ordered[len(ordered) - half :]) - sum(ordered[:half]))
    return found
