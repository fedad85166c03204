"""Turn boundaries: jump to the turn containing an instant with arithmetic, then step.

A turn is ``(start, end, k)`` in instant seconds; turn k+1 starts where turn k ends. Three
shapes of handover cycle (m handovers, used in turn, §5) each get their own jump:

* **hourly only**: every turn is an exact number of seconds, so the cycle is a fixed
  length C and turn k starts at ``first + (k // m)·C + prefix[k % m]`` — one ``divmod``.
* **daily/weekly only**: turn starts are the anchor's *naive* local reading plus whole days,
  each converted with ``fold=0``. The cycle is D local days, so the cycle holding t is
  ``(wall(t) - anchor) // D`` give or take one (a DST offset is far less than a day);
  we check the neighbours with two conversions.
* **mixed** (hourly and daily/weekly): an hourly turn lasts exact seconds and the next
  local start is the wall reading where it ends, so an offset change inside an hourly
  turn shifts every later handover's time of day (hourly turns never re-align). A cycle
  therefore lasts D days + H hours *only while the UTC offset stays put*. We jump whole
  cycles arithmetically across each stretch of constant offset (Δ = D·86400 + H·3600 in
  both instant and local terms) and step the cycle around each offset change turn by
  turn. Cost: about one cycle per offset change between the anchor and t (two a year for
  zones with DST), not one per turn.

  Why a jump from a cycle start (I, L) is exact when ``L - I`` is the offset o at I and
  the offset stays o over [I, I + jΔ]: an hourly end X in that range has wall reading
  X + o; a daily end is a local reading L' a whole day after its turn's local start, so
  L' - o lies in the range, at least a day after I, and fold=0 gives L' - o unless L' is
  in a gap (it cannot be: the offset does not change) or is a repeated hour's reading
  (the previous offset would win, but a repeated hour ends within a day of the change,
  which is before I). The check ``L - I == o`` rejects a cycle whose start fell in a gap.
"""

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from zoneinfo import ZoneInfo

from watchkeep.oncall.engine.localtime import DAY, HOUR, next_change, offset_at, utc_of_local
from watchkeep.oncall.spec import Handover

Turn = tuple[int, int, int]  # start instant, end instant, turn index k


class Rotation:
    """The turns of one layer; ``turns_from(t)`` starts with the turn containing t."""

    first_start: int  # turn 0's start instant; nothing exists before it

    def turns_from(self, t: int) -> Iterator[Turn]:  # pragma: no cover - abstract
        """Turns in order from the one containing t (or turn 0 if t is before it), forever."""
        raise NotImplementedError


class HourlyRotation(Rotation):
    """Only hourly handovers: turn starts are pure arithmetic on instants."""

    def __init__(self, first_start: int, lengths: Sequence[int]) -> None:
        self.first_start = first_start
        self.lengths = tuple(lengths)
        self.prefix = _prefix(self.lengths)
        self.cycle = self.prefix[-1]
        self.steady = len(self.lengths) == 1  # every turn has the same length

    def turns_from(self, t: int) -> Iterator[Turn]:
        lengths, m = self.lengths, len(self.lengths)
        cycle, offset = divmod(max(t - self.first_start, 0), self.cycle)
        i = bisect_right(self.prefix, offset) - 1
        start = self.first_start + cycle * self.cycle + self.prefix[i]
        k = cycle * m + i
        if m == 1:
            step = lengths[0]
            while True:
                yield start, start + step, k
                start += step
                k += 1
        while True:
            end = start + lengths[i]
            yield start, end, k
            start, k, i = end, k + 1, (i + 1) % m


class CalendarRotation(Rotation):
    """Only daily/weekly handovers: starts are naive local readings converted with fold=0."""

    def __init__(self, zone: ZoneInfo, anchor: int, lengths: Sequence[int]) -> None:
        self.zone = zone
        self.anchor = anchor  # local seconds
        self.lengths = tuple(lengths)  # local seconds (whole days)
        self.prefix = _prefix(self.lengths)
        self.cycle = self.prefix[-1]
        self.first_start = utc_of_local(zone, anchor)

    def _cycle_start(self, cycle: int) -> int:
        return utc_of_local(self.zone, self.anchor + cycle * self.cycle)

    def turns_from(self, t: int) -> Iterator[Turn]:
        zone, lengths, m = self.zone, self.lengths, len(self.lengths)
        cycle = 0
        if t > self.first_start:
            cycle = max((t + offset_at(zone, t) - self.anchor) // self.cycle, 0)
            while cycle > 0 and self._cycle_start(cycle) > t:
                cycle -= 1
            while self._cycle_start(cycle + 1) <= t:
                cycle += 1
        local = self.anchor + cycle * self.cycle
        i = 0
        while i + 1 < m and utc_of_local(zone, local + self.prefix[i + 1]) <= t:
            i += 1
        local += self.prefix[i]
        start = utc_of_local(zone, local)
        k = cycle * m + i
        while True:
            local += lengths[i]
            end = utc_of_local(zone, local)
            yield start, end, k
            start, k, i = end, k + 1, (i + 1) % m


class MixedRotation(Rotation):
    """Hourly and daily/weekly handovers together: see the module docstring."""

    def __init__(self, zone: ZoneInfo, anchor: int, handovers: Sequence[Handover]) -> None:
        self.zone = zone
        self.steps = tuple((h.unit == "hourly", _length(h)) for h in handovers)
        self.cycle = sum(length for _, length in self.steps)
        self.first_start = utc_of_local(zone, anchor)
        # (turn index at a cycle start, start instant, local start): where the last seek
        # ended, so consecutive seeks (one per working interval) only move forward.
        self._origin = (0, self.first_start, anchor)
        self._hint = self._origin

    def _step(self, k: int, start: int, local: int) -> tuple[int, int]:
        """Turn k's end instant and the next turn's local start, exactly per §5."""
        hourly, length = self.steps[k % len(self.steps)]
        if hourly:
            end = start + length
            return end, end + offset_at(self.zone, end)
        local += length
        return utc_of_local(self.zone, local), local

    def _seek_cycle(self, t: int) -> tuple[int, int, int]:
        """The state at the start of the last cycle starting at or before t."""
        zone, m, cycle = self.zone, len(self.steps), self.cycle
        k, start, local = self._hint if self._hint[1] <= t else self._origin
        while True:
            jump = 0
            offset = offset_at(zone, start)
            if local - start == offset:
                change = next_change(zone, start, t)
                jump = ((t if change is None else change - 1) - start) // cycle
            if jump > 0:
                # Constant offset throughout: every conversion inside is ±offset.
                k, start, local = k + jump * m, start + jump * cycle, local + jump * cycle
                continue
            next_k, next_start, next_local = k, start, local
            for _ in range(m):
                end, next_local = self._step(next_k, next_start, next_local)
                next_k, next_start = next_k + 1, end
            if next_start > t:
                self._hint = (k, start, local)
                return self._hint
            k, start, local = next_k, next_start, next_local

    def turns_from(self, t: int) -> Iterator[Turn]:
        k, start, local = self._seek_cycle(max(t, self.first_start))
        end, next_local = self._step(k, start, local)
        while end <= t:
            k, start, local = k + 1, end, next_local
            end, next_local = self._step(k, start, local)
        while True:
            yield start, end, k
            k, start, local = k + 1, end, next_local
            end, next_local = self._step(k, start, local)


def _length(handover: Handover) -> int:
    per_unit = {"hourly": HOUR, "daily": DAY, "weekly": 7 * DAY}[handover.unit]
    return handover.interval * per_unit


def _prefix(lengths: Sequence[int]) -> tuple[int, ...]:
    prefix = [0]
    for length in lengths:
        prefix.append(prefix[-1] + length)
    return tuple(prefix)


def compile_rotation(zone: ZoneInfo, anchor: int, handovers: Sequence[Handover]) -> Rotation:
    """The rotation for a layer whose turn 0 starts at local reading ``anchor``."""
    units = {h.unit for h in handovers}
    lengths = [_length(h) for h in handovers]
    if units == {"hourly"}:
        return HourlyRotation(utc_of_local(zone, anchor), lengths)
    if "hourly" not in units:
        return CalendarRotation(zone, anchor, lengths)
    return MixedRotation(zone, anchor, handovers)
