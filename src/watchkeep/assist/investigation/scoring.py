"""Ranking hypotheses about an incident's cause from the gathered evidence.

Deterministic: the same record and instant give the same answer. Each kind of hypothesis has
its own measure (:mod:`changes`, :mod:`others`); a provider failing and load outgrowing
capacity are believed less when a change explains the impact. Responders' verdicts win: a
confirmed hypothesis comes first with confidence 1, a ruled-out one last with 0. When no
hypothesis reaches `STRONG`, the answer says so rather than naming the latest deploy.
"""

from collections.abc import Mapping
from dataclasses import replace
from typing import Final

from watchkeep.assist.investigation import steps
from watchkeep.assist.investigation.changes import Suspect, Symptoms, suspect, when
from watchkeep.assist.investigation.graph import Dependencies
from watchkeep.assist.investigation.model import (
    Conclusion,
    Evidence,
    Gathered,
    Hypothesis,
    SeriesFact,
    Subject,
)
from watchkeep.assist.investigation.others import (
    capacity_case,
    known_error_confidence,
    known_error_evidence,
    past_confidence,
    past_evidence,
    past_signs,
    vendor_case,
)

STRONG = 0.35
"""From this confidence a hypothesis is worth acting on."""
EXPLAINED_DAMPING = 0.5
"""How much less a provider or capacity is believed when a strong change explains it."""
LEAST = 0.03  # weaker hypotheses are left out
MOST = 10
PAST_SHOWN = 3
CONFIRMED: Final = "confirmed"
RULED_OUT: Final = "ruled_out"
ORDER = {"change": 0, "known_error": 1, "past_incident": 2, "external": 3, "other": 4}


def affected_services(subject: Subject) -> tuple[str, ...]:
    """The incident's services, and those its alerts are about."""
    names = list(subject.services)
    for alert in subject.alerts:
        names += alert.services
    return tuple(dict.fromkeys(name for name in names if name in subject.catalog or name))


def _alert_evidence(subject: Subject, suspected: Suspect) -> list[Evidence]:
    found = []
    for alert in sorted(subject.alerts, key=lambda a: a.first_fired)[:2]:
        after = (alert.first_fired - suspected.change.occurred_at).total_seconds() / 60
        found.append(
            Evidence(
                "alert",
                alert.ref,
                f"{alert.name} first fired {when(max(after, 0))} after the change"
                + (f" ({alert.count} times)" if alert.count > 1 else ""),
            )
        )
    return found


def _metric_evidence(series: list[SeriesFact], suspected: Suspect) -> list[Evidence]:
    found = []
    for fact in series:
        if fact.changed_at is None or fact.changed_at < suspected.change.occurred_at:
            continue
        after = (fact.changed_at - suspected.change.occurred_at).total_seconds() / 60
        found.append(
            Evidence(
                "metric",
                fact.alert,
                f"{fact.query} went from {fact.before:.3g} to {fact.after:.3g} "
                f"{when(after)} after the change",
            )
        )
    return found[:2]


def _changes(subject: Subject, gathered: Gathered, graph: Dependencies) -> list[Hypothesis]:
    found = []
    symptoms = Symptoms.of(subject)
    for change in gathered.changes:
        suspected = suspect(change, subject, graph, symptoms)
        if suspected is None or suspected.confidence < LEAST:
            continue
        found.append(
            Hypothesis(
                kind="change",
                ref=change.ref,
                title=f"{change.kind.replace('_', ' ').capitalize()}: {change.summary}",
                confidence=suspected.confidence,
                evidence=(
                    *suspected.evidence,
                    *_alert_evidence(subject, suspected),
                    *_metric_evidence(gathered.series, suspected),
                ),
                next_steps=steps.for_change(
                    suspected, graph.affected, gathered.on_call, gathered.runbooks
                ),
            )
        )
    return found


def _known_errors(gathered: Gathered) -> list[Hypothesis]:
    return [
        Hypothesis(
            kind="known_error",
            ref=known.ref,
            title=f"Known error {known.ref}: {known.title}",
            confidence=known_error_confidence(known),
            evidence=known_error_evidence(known),
            next_steps=steps.for_known_error(known),
        )
        for known in gathered.known_errors
    ]


def _past(subject: Subject, gathered: Gathered, graph: Dependencies) -> list[Hypothesis]:
    found = [
        Hypothesis(
            kind="past_incident",
            ref=past.ref,
            title=f"Recurrence of {past.ref}: {past.root_cause or past.title}",
            confidence=past_confidence(past, subject, graph.affected),
            evidence=past_evidence(past, past_signs(past, subject, graph.affected)),
            next_steps=steps.for_past(past, gathered.runbooks),
        )
        for past in gathered.past
    ]
    return sorted(found, key=lambda h: -h.confidence)[:PAST_SHOWN]


def _outside(
    subject: Subject, gathered: Gathered, graph: Dependencies, explained: float
) -> list[Hypothesis]:
    """Providers failing, and load beyond capacity: believed less when a change explains."""
    damping = 1 - EXPLAINED_DAMPING if explained >= STRONG else 1.0
    found = []
    for vendor in subject.catalog.values():
        if vendor.kind != "third_party":
            continue
        confidence, evidence = vendor_case(vendor, subject, graph)
        if confidence:
            found.append(
                Hypothesis(
                    kind="external",
                    ref=None,
                    party=vendor.name,
                    title=f"{vendor.name} is failing",
                    confidence=confidence * damping,
                    evidence=evidence,
                    next_steps=steps.for_vendor(vendor, gathered.on_call),
                )
            )
    confidence, signs = capacity_case(subject)
    if confidence:
        where = ", ".join(graph.affected) or "the affected services"
        found.append(
            Hypothesis(
                kind="other",
                ref=None,
                title=f"Capacity: more load than {where} can take ({', '.join(signs)})",
                confidence=confidence * damping,
                evidence=tuple(
                    Evidence("symptom", subject.ref, f"the symptoms show {sign}") for sign in signs
                ),
                next_steps=steps.for_capacity(graph.affected, gathered.runbooks),
            )
        )
    return found


def _judged(hypothesis: Hypothesis, verdicts: Mapping[str, str]) -> Hypothesis:
    verdict = verdicts.get(hypothesis.key)
    if verdict == CONFIRMED:
        return replace(hypothesis, confidence=1.0, verdict=CONFIRMED)
    if verdict == RULED_OUT:
        return replace(hypothesis, confidence=0.0, verdict=RULED_OUT)
    return hypothesis


def conclude(
    subject: Subject, gathered: Gathered, verdicts: Mapping[str, str] | None = None
) -> Conclusion:
    """The hypotheses best first, and whether any is strong. ``verdicts`` maps a
    hypothesis's `Hypothesis.key` to `CONFIRMED` or `RULED_OUT`."""
    graph = Dependencies(subject.catalog, affected_services(subject))
    found = _changes(subject, gathered, graph)
    explained = max((h.confidence for h in found), default=0.0)
    found += _known_errors(gathered) + _past(subject, gathered, graph)
    found += _outside(subject, gathered, graph, explained)
    judged = [_judged(h, verdicts or {}) for h in found]
    kept = [h for h in judged if h.confidence >= LEAST or h.verdict]
    kept.sort(key=lambda h: (-h.confidence, ORDER[h.kind], h.ref or h.party or h.title))
    best = next((h.confidence for h in kept if h.verdict != RULED_OUT), 0.0)
    return Conclusion(hypotheses=tuple(kept[:MOST]), no_strong_hypothesis=best < STRONG)
