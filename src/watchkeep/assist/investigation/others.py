"""Hypotheses that are not a change: a known error come back, a past incident recurring,
a provider failing, more load than capacity."""

from collections.abc import Iterable

from watchkeep.assist.investigation.graph import Dependencies
from watchkeep.assist.investigation.model import (
    Evidence,
    KnownErrorFact,
    PastIncidentFact,
    ServiceFact,
    Subject,
)
from watchkeep.assist.investigation.text import (
    CAPACITY,
    VENDOR_TROUBLE,
    concepts,
    mentions,
    telling,
    troubled,
)

KNOWN_ERROR_FLOOR = 0.2  # the similarity score from which a known error is shown at all
KNOWN_ERROR_FULL = 0.5  # the score from which its symptoms count as matching fully
BY_ALERT_NAME = 0.55  # an alert it lists fires: that alone is a good sign
BY_SYMPTOMS = 0.3

PAST_FLOOR = 0.03  # a similarity score below this shares little more than words
PAST_FULL = 0.25
PAST_CEILING = 0.85
PAST_SIMILARITY = 0.4  # how much of the case the similarity score makes…
PAST_SAME_SERVICE = 0.25  # … one of the affected services was affected then too
PAST_SAME_FAILURE = 0.25  # … it names the failure the symptoms show now
PAST_SAME_ALERT = 0.2  # … the same alert fired

VENDOR_NAMED = 0.5  # the symptoms name the provider
VENDOR_IN_TROUBLE = 0.2  # … and say it errs, times out or refuses
VENDOR_DEPENDED = 0.1  # an affected service depends on it
VENDOR_UNNAMED = 0.2  # depended on and the symptoms are of its kind, but it is not named

CAPACITY_ONE = 0.3  # one sign of saturation (a busy CPU) is common and says little alone
CAPACITY_EACH = 0.12  # per further sign
CAPACITY_TRAFFIC = 0.15  # the load itself grew
CAPACITY_CEILING = 0.7


def _scaled(score: float, floor: float, full: float) -> float:
    return max(0.0, min(1.0, (score - floor) / (full - floor)))


def known_error_confidence(known: KnownErrorFact) -> float:
    if known.alert_names:
        return min(0.95, BY_ALERT_NAME + 0.4 * _scaled(known.score, 0.0, KNOWN_ERROR_FULL))
    if known.score < KNOWN_ERROR_FLOOR:
        return 0.0
    return BY_SYMPTOMS + 0.55 * _scaled(known.score, KNOWN_ERROR_FLOOR, KNOWN_ERROR_FULL)


def known_error_evidence(known: KnownErrorFact) -> tuple[Evidence, ...]:
    found = [Evidence("known_error", known.ref, f"{known.title}")]
    if known.alert_names:
        names = ", ".join(known.alert_names)
        found.append(Evidence("alert", known.ref, f"it shows up as {names}, firing now"))
    if known.reasons:
        found.append(Evidence("symptom", known.ref, "; ".join(known.reasons[:3])))
    return tuple(found)


def _in_common(
    past: PastIncidentFact, subject: Subject, affected: Iterable[str]
) -> tuple[list[str], list[str], list[str]]:
    """The services, failures and alerts a past incident shares with this one."""
    then = telling(concepts(f"{past.title}\n{past.summary}\n{past.root_cause}"))
    return (
        sorted(set(past.services) & set(affected))[:1],
        sorted(then & telling(concepts(subject.symptoms()))),
        sorted(set(past.alert_names) & {a.name for a in subject.alerts}),
    )


def past_signs(past: PastIncidentFact, subject: Subject, affected: Iterable[str]) -> list[str]:
    """What a past incident has in common with this one beyond its wording."""
    services, failures, alerts = _in_common(past, subject, affected)
    signs = [f"it affected {s} too" for s in services]
    if failures:
        signs.append(f"it names {', '.join(failures)}, as the symptoms do now")
    if alerts:
        signs.append(f"{', '.join(alerts)} fired then too")
    return signs


def past_confidence(past: PastIncidentFact, subject: Subject, affected: Iterable[str]) -> float:
    """Similar wording is a start; the same service, failure and alert make a recurrence."""
    if past.same_cause:
        return PAST_CEILING
    if not (past.root_cause or past.resolution) or past.score < PAST_FLOOR:
        return 0.0
    services, failures, alerts = _in_common(past, subject, affected)
    case = PAST_SIMILARITY * _scaled(past.score, PAST_FLOOR, PAST_FULL)
    case += PAST_SAME_SERVICE * bool(services) + PAST_SAME_FAILURE * bool(failures)
    case += PAST_SAME_ALERT * bool(alerts)
    return PAST_CEILING * min(1.0, case)


def past_evidence(past: PastIncidentFact, signs: list[str]) -> tuple[Evidence, ...]:
    found = [Evidence("past_incident", past.ref, f"{past.title} (similarity {past.score:.2f})")]
    found += [Evidence("recurrence", past.ref, sign) for sign in signs]
    if past.same_cause:
        found.append(Evidence("feedback", past.ref, "a responder marked it as the same cause"))
    if past.root_cause:
        found.append(Evidence("root_cause", past.ref, past.root_cause))
    if past.resolution:
        found.append(Evidence("resolution", past.ref, past.resolution))
    found += [Evidence("problem", problem, "linked problem") for problem in past.problems]
    found += [Evidence("similarity", past.ref, reason) for reason in past.reasons[:3]]
    return tuple(found)


def vendor_names(vendor: ServiceFact) -> list[str]:
    """How symptoms may name a provider: its name, that name without spaces or with dashes,
    and the hosts its description and status page give."""
    names = [vendor.name, vendor.name.replace(" ", ""), vendor.name.replace(" ", "-")]
    for text in (vendor.description, vendor.runbook_url or ""):
        for word in text.replace("/", " ").split():
            host = word.strip(".,;:()<>").lower()
            if "." in host and not host.startswith("http"):
                names.append(host.removeprefix("www."))
    return list(dict.fromkeys(names))


def vendor_case(
    vendor: ServiceFact, subject: Subject, graph: Dependencies
) -> tuple[float, tuple[Evidence, ...]]:
    """How strongly the symptoms point at ``vendor``, and the evidence."""
    evidence: list[Evidence] = []
    placement = graph.place(vendor.name)
    depended = placement is not None and placement.hops is not None and placement.hops > 0
    confidence = 0.0
    for alert in subject.alerts:
        text = "\n".join([alert.title, alert.description, *alert.labels.values()])
        named = mentions(text, vendor_names(vendor))
        if named:
            evidence.append(Evidence("alert", alert.ref, f"{alert.title} names {named}"))
    own = "\n".join([subject.title, subject.summary, *subject.labels.values()])
    if mentions(own, vendor_names(vendor)):
        evidence.append(Evidence("incident", subject.ref, f"the incident names {vendor.name}"))
    symptoms = subject.symptoms()
    trouble = bool(concepts(symptoms) & VENDOR_TROUBLE) or troubled(symptoms)
    if evidence:
        confidence = VENDOR_NAMED + VENDOR_IN_TROUBLE * trouble + VENDOR_DEPENDED * depended
    elif depended and trouble:
        confidence = VENDOR_UNNAMED
    if depended:
        path = " → ".join(graph.path(vendor.name))
        evidence.append(Evidence("dependency", vendor.name, f"{path}: a third-party dependency"))
    if confidence and vendor.runbook_url:
        evidence.append(Evidence("vendor", vendor.name, f"status page: {vendor.runbook_url}"))
    return confidence, tuple(evidence)


def capacity_case(subject: Subject) -> tuple[float, tuple[str, ...]]:
    """How strongly the symptoms say the load outgrew the capacity, and the signs."""
    found = concepts(subject.symptoms())
    signs = tuple(sorted(found & CAPACITY))
    if not signs:
        return 0.0, ()
    traffic = "traffic-spike" in found
    confidence = CAPACITY_ONE + CAPACITY_EACH * (len(signs) - 1) + CAPACITY_TRAFFIC * traffic
    return min(CAPACITY_CEILING, confidence), signs
