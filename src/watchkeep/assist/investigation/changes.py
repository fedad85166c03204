"""Change events as suspects: how close before the impact, how near the affected services,
what kind, and whether they speak of the same thing as the symptoms.

A change after the impact began is not a cause. A change on an unrelated service is weak;
on a service the affected ones depend on it can be strong. A change that names what the
alerts show (a connection pool, a flag's name) stays a suspect for hours, not minutes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from watchkeep.assist.investigation.graph import Dependencies, Placement
from watchkeep.assist.investigation.model import ChangeFact, Evidence, Subject
from watchkeep.assist.investigation.text import (
    concepts,
    identifiers,
    mentions,
    telling,
    words_of,
)

LOOKBACK = timedelta(hours=24)
"""How long before the impact a change is still a suspect."""
HALF_MINUTES = 80.0
"""A change this long before the impact counts half as much as one just before it: the
first hour holds most suspects, and belief falls fast after that (as 1 / (1 + t²))."""
SLOW_HALF_MINUTES = 360.0
"""The same, for a change that names what the symptoms show (a slow burn: a leak, a limit)."""
SLOW_CEILING = 0.6

KIND_WEIGHT = {
    "deploy": 1.0,
    "config": 1.0,
    "feature_flag": 1.0,
    "infrastructure": 0.9,
    "migration": 1.0,
    "change": 0.85,
    "pull_request": 0.6,
    "push": 0.5,
}
"""A merged pull request or a push may not be running yet; the others change what runs."""
UNKNOWN_KIND = 0.8

NEARNESS = {0: 1.0, 1: 0.85, 2: 0.6}
FAR = 0.4  # three links or more down the dependencies
DEPENDENT = 0.45  # it calls an affected service
UNRELATED = 0.12
NO_SERVICE = 0.3  # the change names no service (a network rule, a cluster upgrade)
UNKNOWN_PLACE = 0.28  # the incident names no service: no change is strong by timing alone
SYMPTOM_BOOST = 0.25
CEILING = 0.97


@dataclass(frozen=True)
class Suspect:
    change: ChangeFact
    confidence: float
    minutes_before: float
    placement: Placement | None
    service: str | None
    shared: tuple[str, ...]
    """What the change and the symptoms both name: concepts and identifiers."""
    evidence: tuple[Evidence, ...]


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def when(minutes: float) -> str:
    """``12 min``, ``3 h 5 min``, ``2 d``: how long, for people."""
    whole = round(minutes)
    if whole < 60:
        return f"{whole} min"
    if whole < 48 * 60:
        hours, rest = divmod(whole, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{whole // (24 * 60)} d"


def _nearness(placement: Placement | None, known: bool) -> float:
    if not known:
        return UNKNOWN_PLACE
    if placement is None:
        return NO_SERVICE
    if placement.hops is not None:
        return NEARNESS.get(placement.hops, FAR)
    return DEPENDENT if placement.dependent else UNRELATED


def _where(service: str | None, placement: Placement | None, graph: Dependencies) -> str:
    if service is None or placement is None:
        return "on no particular service"
    if placement.hops == 0:
        return f"on {service}, an affected service"
    if placement.hops is not None:
        return f"on {service}, which {' → '.join(graph.path(service)[:-1])} depends on"
    if placement.dependent:
        return f"on {service}, which calls an affected service"
    return f"on {service}, unrelated to the affected services"


@dataclass(frozen=True)
class Symptoms:
    """What the symptoms name, analysed once per investigation: failure concepts,
    identifiers and telling words, the catalog's names aside (they say where, not what)."""

    concepts: frozenset[str]
    identifiers: frozenset[str]
    words: frozenset[str]
    places: frozenset[str]

    @classmethod
    def of(cls, subject: Subject) -> "Symptoms":
        text = subject.symptoms()
        places = frozenset(name.lower() for name in subject.catalog)
        return cls(
            telling(concepts(text)), identifiers(text) - places, words_of(text, places), places
        )

    def shared(self, change: ChangeFact) -> tuple[str, ...]:
        """What the change and the symptoms both speak of."""
        text = f"{change.summary}\n{change.details}"
        common = sorted(telling(concepts(text)) & self.concepts)
        named = sorted(identifiers(text) & self.identifiers)
        worded = sorted(words_of(change.summary, self.places) & self.words)
        return tuple(common + named + worded)


def suspect(
    change: ChangeFact, subject: Subject, graph: Dependencies, symptoms: Symptoms
) -> Suspect | None:
    """How strongly ``change`` is suspected, or None when it cannot be the cause (after the
    impact began, or long before it)."""
    gap = subject.impact_start - change.occurred_at
    if gap < timedelta(0) or gap > LOOKBACK:
        return None
    minutes = _minutes(gap)
    service = change.service or mentions(change.summary, graph.catalog)
    placement = graph.place(service)
    shared = symptoms.shared(change)
    timing = 1 / (1 + (minutes / HALF_MINUTES) ** 2)
    if shared:
        timing = max(timing, SLOW_CEILING / (1 + minutes / SLOW_HALF_MINUTES))
    weight = KIND_WEIGHT.get(change.kind, UNKNOWN_KIND)
    nearness = _nearness(placement, known=bool(graph.affected))
    confidence = min(CEILING, timing * weight * nearness * (1 + SYMPTOM_BOOST * bool(shared)))
    evidence = [
        Evidence(
            "change",
            change.ref,
            f"{change.kind.replace('_', ' ')} {_where(service, placement, graph)}, "
            f"{when(minutes)} before the impact began: {change.summary}",
        )
    ]
    if shared:
        evidence.append(
            Evidence(
                "symptom",
                change.ref,
                f"the change and the symptoms both name {', '.join(shared[:4])}",
            )
        )
    return Suspect(change, confidence, minutes, placement, service, shared, tuple(evidence))


def later(changes: list[ChangeFact], impact_start: datetime) -> list[ChangeFact]:
    """Changes made after the impact began: not causes, though worth a look (a fix, or a
    change that made it worse)."""
    return [c for c in changes if c.occurred_at > impact_start]
