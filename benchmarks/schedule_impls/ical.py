"""The iCalendar baseline, as Grafana OnCall does it: RRULE events expanded by a library.

Each layer becomes one VEVENT per user slot — turn residue r (mod the number of turns
after which both the handover sequence and the user pattern repeat) and each of its users
— with an RRULE repeating it every such period: ``FREQ=HOURLY`` on UTC instants for
hourly rotations (exact seconds), ``FREQ=DAILY`` on local TZID times with a nominal
``DURATION`` for daily/weekly ones (wall-clock days, fold=0 — §5's rules). Working
intervals are weekly VEVENTs with local DTSTART/DTEND. Overrides are single VEVENTs.
``recurring_ical_events`` expands them all over the window; layer precedence and
overrides are then resolved by the same sweep as the naive baseline.

A layer that mixes hourly and daily/weekly handovers has no fixed RRULE period (hourly
turns drift with DST), so such specs are "not expressible". Encoding happens once, up
front, as a stored calendar would; only expansion and resolution are timed.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import gcd
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from benchmarks.schedule_impls.naive import Segment, override_spans, sweep, turn_users

from watchkeep.oncall.spec import Layer, Schedule


class NotExpressible(Exception):
    """The spec cannot be written as fixed-period RRULEs."""


@dataclass
class EncodedLayer:
    turns: icalendar.Calendar
    working: icalendar.Calendar | None
    lo: int
    hi: int
    longest_turn: timedelta


@dataclass
class Encoded:
    zone: ZoneInfo
    layers: list[EncodedLayer]
    overrides: icalendar.Calendar
    ranks: dict[str, tuple[int, int, str | None, int]]


def _event(uid: str, start: datetime, summary: str, **extra: object) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstart", start)
    event.add("summary", summary)
    for key, value in extra.items():
        event.add(key, value)
    return event


def _encode_turns(layer: Layer, zone: ZoneInfo, index: int) -> icalendar.Calendar:
    units = {h.unit for h in layer.handovers}
    if "hourly" in units and len(units) > 1:
        raise NotExpressible("mixed hourly and daily/weekly handovers have no fixed period")
    hourly = units == {"hourly"}
    lengths = [
        timedelta(hours=h.interval)
        if hourly
        else timedelta(days=h.interval * (7 if h.unit == "weekly" else 1))
        for h in layer.handovers
    ]
    m, n = len(lengths), len(layer.users)
    slots = n // gcd(n, layer.concurrent) if n else 1
    period = m * slots // gcd(m, slots)  # turns after which everything repeats
    every = sum(lengths, timedelta()) * (period // m)
    start = layer.anchor.replace(tzinfo=zone)  # fold=0
    if hourly:
        start = start.astimezone(UTC)  # hourly turns are exact seconds: expand in UTC
    calendar = icalendar.Calendar()
    for r in range(period):
        rule = (
            {"freq": "hourly", "interval": int(every.total_seconds() // 3600)}
            if hourly
            else {"freq": "daily", "interval": every.days}
        )
        for j, user in enumerate(turn_users(layer, r)):
            calendar.add_component(
                _event(
                    f"L{index}-r{r}-u{j}",
                    start,
                    user,
                    duration=lengths[r % m],
                    rrule=rule,
                )
            )
        start = start + lengths[r % m]  # wall-clock days for TZID starts, as RRULE does
    return calendar


def _encode_working(layer: Layer, zone: ZoneInfo, index: int) -> icalendar.Calendar | None:
    if layer.working_intervals is None:
        return None
    calendar = icalendar.Calendar()
    first = layer.anchor.date()
    for i, interval in enumerate(layer.working_intervals):
        day = first + timedelta(days=(interval.weekday - first.weekday()) % 7)
        end_day = day + timedelta(days=1) if interval.end <= interval.start else day
        calendar.add_component(
            _event(
                f"W{index}-{i}",
                datetime.combine(day, interval.start, zone),
                "working",
                dtend=datetime.combine(end_day, interval.end, zone),
                rrule={"freq": "weekly"},
            )
        )
    return calendar


def encode(schedule: Schedule) -> Encoded:
    """The schedule as calendars (raises NotExpressible)."""
    zone = schedule.zone
    layers = []
    for index, layer in enumerate(schedule.layers):
        longest = max(
            timedelta(hours=h.interval) if h.unit == "hourly" else timedelta(days=8 * h.interval)
            for h in layer.handovers
        )
        layers.append(
            EncodedLayer(
                turns=_encode_turns(layer, zone, index),
                working=_encode_working(layer, zone, index),
                lo=int(layer.start.timestamp()) if layer.start else -(2**62),
                hi=int(layer.end.timestamp()) if layer.end else 2**62,
                longest_turn=longest,
            )
        )
    overrides = icalendar.Calendar()
    ranks = {}
    for span, override in zip(override_spans(schedule), schedule.overrides, strict=True):
        uid = f"O{span[3]}"
        ranks[uid] = span
        overrides.add_component(
            _event(uid, override.start, override.user or "", dtend=override.end)
        )
    return Encoded(zone=zone, layers=layers, overrides=overrides, ranks=ranks)


def _instances(calendar: icalendar.Calendar, lo: datetime, hi: datetime) -> list:
    out = []
    for event in recurring_ical_events.of(calendar).between(lo, hi):
        start = int(event["DTSTART"].dt.timestamp())
        end = int(event["DTEND"].dt.timestamp()) if "DTEND" in event else None
        if end is None:
            end = int((event["DTSTART"].dt + event["DURATION"].dt).timestamp())
        out.append((start, end, str(event["SUMMARY"])))
    return out


def _layer_segments(layer: EncodedLayer, lo: datetime, hi: datetime) -> list[Segment]:
    start, end = max(int(lo.timestamp()), layer.lo), min(int(hi.timestamp()), layer.hi)
    by_start: dict[tuple[int, int], set[str]] = {}
    for s, e, user in _instances(layer.turns, lo - layer.longest_turn, hi):
        by_start.setdefault((s, e), set()).add(user)
    spans = [(start, end)]
    if layer.working is not None:
        spans = []
        for s, e, _ in sorted(_instances(layer.working, lo - timedelta(days=2), hi)):
            s, e = max(s, start), min(e, end)
            if s < e:
                if spans and s <= spans[-1][1]:
                    spans[-1] = (spans[-1][0], max(e, spans[-1][1]))
                else:
                    spans.append((s, e))
    out: list[Segment] = []
    first = 0  # turns and spans are both sorted: walk them together
    for (s, e), users in sorted(by_start.items()):
        while first < len(spans) and spans[first][1] <= s:
            first += 1
        group = tuple(sorted(users))
        for a, b in spans[first:]:
            if a >= e:
                break
            a, b = max(a, s), min(b, e)
            if a < b:
                if out and out[-1][1] == a and out[-1][2] == group:
                    out[-1] = (out[-1][0], b, group)
                else:
                    out.append((a, b, group))
    return out


def render_final(encoded: Encoded, lo: datetime, hi: datetime) -> list[Segment]:
    """Expand the calendars over [lo, hi) and resolve the final entries (epoch seconds)."""
    layers = [_layer_segments(layer, lo, hi) for layer in encoded.layers]
    overrides = [
        encoded.ranks[str(event["UID"])]
        for event in recurring_ical_events.of(encoded.overrides).between(lo, hi)
    ]
    return sweep(layers, overrides, int(lo.timestamp()), int(hi.timestamp()))


def oncall_at(encoded: Encoded, at: datetime) -> tuple[str, ...]:
    """Who is on call at one instant: expand the minute around it."""
    final = render_final(encoded, at, at + timedelta(minutes=1))
    return final[0][2] if final else ()
