"""Request and response bodies of the problem API."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from watchkeep.core.limits import Flag, Id, Input, Name, RequiredText, Text, Title, Word
from watchkeep.incident.schemas import FollowUpRead, IncidentSummary, Ref
from watchkeep.problem.lifecycle import ProblemState


class Strict(Input):
    """A request body of the problem API."""


class ProblemCreate(Strict):
    title: Title
    description: Text = ""
    priority: Word = "medium"
    owner_id: Id | None = None
    team_id: Id | None = None
    service_ids: list[Id] = []


class ProblemRaise(Strict):
    incidents: list[Name] = Field(min_length=1, max_length=1000, description="INC-<n> references")
    title: Title | None = None
    priority: Word = "medium"


class ProblemUpdate(Strict):
    title: Title | None = None
    description: Text | None = None
    priority: Word | None = None
    owner_id: Id | None = None
    team_id: Id | None = None
    service_ids: list[Id] | None = None


class StateIn(Strict):
    state: ProblemState


class LinkIn(Strict):
    incident: Name = Field(description="INC-<n>")
    reason: Text = ""


class WhyIn(Strict):
    question: RequiredText
    answer: RequiredText


class WhysIn(Strict):
    steps: list[WhyIn]


class FactorIn(Strict):
    category: Word
    description: RequiredText


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
    title: Title
    symptoms: RequiredText
    workaround: list[Text] = Field(min_length=1, description="Steps, in order")
    fix_status: Word = "none"
    fix_link: str = Field("", max_length=500)
    alert_names: list[Name] = []


class KnownErrorPatch(Strict):
    title: Title | None = None
    symptoms: RequiredText | None = None
    workaround: list[Text] | None = None
    fix_status: Word | None = None
    fix_link: str | None = Field(None, max_length=500)
    alert_names: list[Name] | None = None
    active: Flag | None = None


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
