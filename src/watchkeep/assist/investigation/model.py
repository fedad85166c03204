"""What an investigation works on: the incident as it was at one instant, the facts each
evidence source found, and what it concludes."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Kind = Literal["change", "known_error", "past_incident", "external", "other"]
KINDS: tuple[Kind, ...] = ("change", "known_error", "past_incident", "external", "other")
SourceStatus = Literal["ok", "timeout", "error"]
Verdict = Literal["confirmed", "ruled_out"]


@dataclass(frozen=True)
class ServiceFact:
    """A catalog service: what it is, what it depends on, who owns it, its runbook."""

    name: str
    kind: str = "internal"  # internal, platform or third_party
    depends_on: tuple[str, ...] = ()
    owner_team: str | None = None
    runbook: str = ""
    runbook_url: str | None = None
    description: str = ""


@dataclass(frozen=True)
class AlertFact:
    ref: str  # ALR-n
    title: str
    first_fired: datetime
    id: int | None = None
    description: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    services: tuple[str, ...] = ()
    count: int = 1
    source_url: str | None = None  # the sender's link (Prometheus: the graph of the rule)

    @property
    def name(self) -> str:
        return self.labels.get("alertname") or self.title


@dataclass(frozen=True)
class Subject:
    """The incident being investigated, as it was at ``at``."""

    ref: str
    title: str
    at: datetime
    impact_start: datetime
    """When the impact began: its recorded start, else its first alert, else its declaring."""
    summary: str = ""
    services: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    alerts: tuple[AlertFact, ...] = ()
    catalog: Mapping[str, ServiceFact] = field(default_factory=dict)
    """Every service of the catalog, by name."""
    severity: str | None = None
    next_update_at: datetime | None = None
    incident_id: int | None = None

    def symptoms(self) -> str:
        """Everything the incident says about what is wrong, as one text."""
        parts = [self.title, self.summary]
        for alert in self.alerts:
            parts += [alert.title, alert.description, *alert.labels.values()]
        parts += self.labels.values()
        return "\n".join(part for part in parts if part)


@dataclass(frozen=True)
class ChangeFact:
    ref: str  # CHG-n or the id it was given
    kind: str  # deploy, config, feature_flag, infrastructure, pull_request, change, …
    summary: str
    occurred_at: datetime
    service: str | None = None
    origin: str | None = None
    details: str = ""
    """Its details flattened to text (versions, flag names, diffs' titles)."""


@dataclass(frozen=True)
class PastIncidentFact:
    ref: str  # INC-n
    title: str
    score: float  # the similarity score
    reasons: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    root_cause: str = ""
    resolution: str = ""
    problems: tuple[str, ...] = ()  # PRB-n
    same_cause: bool = False  # a responder marked it as having this incident's cause
    resolved_at: datetime | None = None
    summary: str = ""
    alert_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnownErrorFact:
    ref: str  # KE-n
    title: str
    score: float  # the similarity score of its symptoms against the incident
    workaround: tuple[str, ...] = ()
    alert_names: tuple[str, ...] = ()
    """The incident's alert names it lists."""
    reasons: tuple[str, ...] = ()
    problem: str | None = None


@dataclass(frozen=True)
class RunbookFact:
    service: str
    section: str  # the heading of the best-matching section, or "" for the whole runbook
    excerpt: str
    score: float
    url: str | None = None


@dataclass(frozen=True)
class OnCallFact:
    """Who answers for a service now (on call on its owner team's schedules), and who has
    been paged for this incident's alerts."""

    service: str | None
    team: str | None
    on_call: tuple[str, ...] = ()
    paged: tuple[str, ...] = ()
    acknowledged: tuple[str, ...] = ()


@dataclass(frozen=True)
class SeriesFact:
    """A metric series behind a firing alert, and when it changed sharply (if it did)."""

    alert: str  # the alert's ref
    query: str
    labels: Mapping[str, str] = field(default_factory=dict)
    changed_at: datetime | None = None
    before: float | None = None
    after: float | None = None


Fact = ChangeFact | PastIncidentFact | KnownErrorFact | RunbookFact | OnCallFact | SeriesFact


@dataclass(frozen=True)
class SourceReport:
    name: str
    status: SourceStatus
    ms: int
    error: str | None = None


@dataclass
class Gathered:
    """What the sources found, by kind."""

    changes: list[ChangeFact] = field(default_factory=list)
    past: list[PastIncidentFact] = field(default_factory=list)
    known_errors: list[KnownErrorFact] = field(default_factory=list)
    runbooks: list[RunbookFact] = field(default_factory=list)
    on_call: list[OnCallFact] = field(default_factory=list)
    series: list[SeriesFact] = field(default_factory=list)
    sources: list[SourceReport] = field(default_factory=list)

    def add(self, facts: list[Fact]) -> None:
        for fact in facts:
            match fact:
                case ChangeFact():
                    self.changes.append(fact)
                case PastIncidentFact():
                    self.past.append(fact)
                case KnownErrorFact():
                    self.known_errors.append(fact)
                case RunbookFact():
                    self.runbooks.append(fact)
                case OnCallFact():
                    self.on_call.append(fact)
                case SeriesFact():
                    self.series.append(fact)


@dataclass(frozen=True)
class Evidence:
    type: str  # alert, change, past_incident, known_error, runbook, vendor, on_call, metric, …
    ref: str | None
    detail: str


@dataclass(frozen=True)
class Hypothesis:
    kind: Kind
    ref: str | None
    title: str
    confidence: float
    evidence: tuple[Evidence, ...] = ()
    next_steps: tuple[str, ...] = ()
    party: str | None = None  # the vendor, for an external hypothesis
    verdict: Verdict | None = None  # when a responder said so

    @property
    def key(self) -> str:
        """What identifies the hypothesis across investigations of one incident."""
        return f"{self.kind}:{self.ref or self.party or self.title}"


@dataclass(frozen=True)
class Conclusion:
    hypotheses: tuple[Hypothesis, ...]
    no_strong_hypothesis: bool
