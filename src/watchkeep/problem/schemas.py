"""Request and response bodies of the problem API."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from watchkeep.incident.schemas import FollowUpRead, IncidentSummary, Ref
from watchkeep.problem.lifecycle import ProblemState


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProblemCreate(Strict):
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    priority: str = "medium"
    owner_id: int | None = None
    team_id: int | None = None
    service_ids: list[int] = []


class ProblemRaise(Strict):
    incidents: list[str] = Field(min_length=1, description="INC-<n> references")
    title: str | None = None
    priority: str = "medium"


class ProblemUpdate(Strict):
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = None
    priority: str | None = None
    owner_id: int | None = None
    team_id: int | None = None
    service_ids: list[int] | None = None


class StateIn(Strict):
    state: ProblemState


class LinkIn(Strict):
    incident: str = Field(description="INC-<n>")
    reason: str = ""


class WhyIn(Strict):
    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)


class WhysIn(Strict):
    steps: list[WhyIn]


class FactorIn(Strict):
    category: str
    description: str = Field(min_length=1)


class RootCauseIn(Strict):
    statement: str


class ImpactRead(BaseModel):
    incident_count: int
    total_duration_seconds: float
    severity_mix: dict[str, int]
    first_incident_at: datetime | None
    last_incident_at: datetime | None
    incidents_after_resolved: int
    time_to_root_cause_seconds: float | None


class LinkedIncident(BaseModel):
    incident: IncidentSummary
    linked_by: Ref | None
    reason: str
    linked_at: datetime


class FactorRead(BaseModel):
    id: int
    category: str
    description: str


class WhyRead(BaseModel):
    position: int
    question: str
    answer: str


class EventRead(BaseModel):
    id: int
    kind: str
    actor: Ref | None
    occurred_at: datetime
    title: str
    payload: dict[str, Any]


class KnownErrorIn(Strict):
    title: str = Field(min_length=1, max_length=300)
    symptoms: str = Field(min_length=1)
    workaround: list[str] = Field(min_length=1, description="Steps, in order")
    fix_status: str = "none"
    fix_link: str = ""
    alert_names: list[str] = []


class KnownErrorPatch(Strict):
    title: str | None = None
    symptoms: str | None = None
    workaround: list[str] | None = None
    fix_status: str | None = None
    fix_link: str | None = None
    alert_names: list[str] | None = None
    active: bool | None = None


class KnownErrorRead(BaseModel):
    id: int
    reference: str
    problem: str | None
    title: str
    symptoms: str
    workaround: list[str]
    fix_status: str
    fix_link: str
    alert_names: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime


class ProblemSummary(BaseModel):
    id: int
    reference: str
    title: str
    state: ProblemState
    priority: str
    owner: Ref | None
    team: Ref | None
    services: list[Ref]
    created_at: datetime
    updated_at: datetime


class ProblemRead(ProblemSummary):
    description: str
    root_cause: str
    allowed_next: list[ProblemState]
    root_cause_identified_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    impact: ImpactRead
    incidents: list[LinkedIncident]
    whys: list[WhyRead]
    factors: list[FactorRead]
    known_errors: list[KnownErrorRead]
    follow_ups: list[FollowUpRead]


class ProblemPage(BaseModel):
    items: list[ProblemSummary]
    limit: int
    offset: int
    has_more: bool


class CandidateRead(BaseModel):
    id: int
    title: str
    score: float
    status: str
    incidents: list[IncidentSummary]
    evidence: dict[str, Any]


class Decided(BaseModel):
    id: int
    status: str
    decided_at: datetime | None = None


class MatchRead(BaseModel):
    known_error: KnownErrorRead
    score: float
    reasons: list[str]
    matched_at: datetime
