"""Request and response bodies of the incident API."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from watchkeep.core.limits import (
    Flag,
    Id,
    Input,
    Instant,
    LabelName,
    LabelValue,
    Name,
    RequiredText,
    Text,
    Title,
    Whole,
    Word,
)
from watchkeep.incident import lifecycle
from watchkeep.incident.lifecycle import Status
from watchkeep.incident.models import CUSTOM_FIELD_KINDS, TIMESTAMP_NAMES, Incident


class Strict(Input):
    """A request body of the incident API."""


class IncidentCreate(Strict):
    title: Title
    summary: Text = ""
    severity: Name | Id = Field(description="Severity name (SEV2) or id")
    incident_type: Name | Id | None = Field(None, description="Type name or id")
    status: Status = Status.INVESTIGATING
    service_ids: list[Id] = []
    private: Flag | None = None
    custom_fields: dict[Name, Any] = {}
    lead_id: Id | None = None
    impact_started_at: Instant | None = None
    labels: dict[LabelName, LabelValue] = Field(
        {},
        max_length=200,
        description="Alert labels (alertname=…) that similar-incident search and known-error "
        "matching use; incidents opened from alerts carry their alerts' labels",
    )


class IncidentUpdate(Strict):
    title: Title | None = None
    summary: Text | None = None
    root_cause: Text | None = Field(None, description="What caused it, as far as it is known")
    resolution: Text | None = Field(None, description="What ended the impact")
    severity: Name | Id | None = None
    incident_type: Name | Id | None = None
    service_ids: list[Id] | None = None
    private: Flag | None = None
    custom_fields: dict[Name, Any] | None = None


class TransitionIn(Strict):
    status: Status
    merged_into: str | None = Field(None, description="INC-<n> to merge into (status merged)")


class TimestampIn(Strict):
    name: str = Field(description=", ".join(TIMESTAMP_NAMES), max_length=50)
    value: Instant | None


class Ref(BaseModel):
    id: int
    name: str


class RoleRead(BaseModel):
    role: str
    name: str
    user: Ref
    assigned_at: datetime


class IncidentSummary(BaseModel):
    id: int
    reference: str
    title: str
    status: Status
    category: lifecycle.Category
    severity: Ref
    type: Ref
    services: list[Ref]
    private: bool
    declared_at: datetime
    resolved_at: datetime | None
    next_update_at: datetime | None

    @classmethod
    def of(cls, incident: Incident) -> "IncidentSummary":
        return cls(
            id=incident.id,
            reference=incident.reference,
            title=incident.title,
            status=Status(incident.status),
            category=lifecycle.category(Status(incident.status)),
            severity=Ref(id=incident.severity.id, name=incident.severity.name),
            type=Ref(id=incident.type.id, name=incident.type.name),
            services=[Ref(id=s.id, name=s.name) for s in incident.services],
            private=incident.private,
            declared_at=incident.declared_at,
            resolved_at=incident.resolved_at,
            next_update_at=incident.next_update_at,
        )


class IncidentRead(IncidentSummary):
    summary: str
    reporter: Ref | None
    merged_into: str | None
    merged: list[str]
    allowed_next: list[Status]
    timestamps: dict[str, datetime | None]
    timestamp_sources: dict[str, str]
    durations: dict[str, float | None]
    roles: list[RoleRead]
    custom_fields: dict[str, Any]
    labels: dict[str, str]
    update_overdue: bool
    root_cause: str = Field(description="What caused it, as far as it is known")
    resolution: str = Field(description="What ended the impact")
    external_ref: str | None = Field(
        description="Its reference in the tool it was imported from (null: declared here)"
    )


class IncidentPage(BaseModel):
    items: list[IncidentSummary]
    limit: int
    offset: int
    has_more: bool


class TimelineEditRead(BaseModel):
    editor_id: int | None
    edited_at: datetime
    before: dict[str, Any]
    after: dict[str, Any]


class TimelineEntryRead(BaseModel):
    id: int
    kind: str
    actor: Ref | None
    occurred_at: datetime
    title: str
    description: str
    payload: dict[str, Any]
    pinned: bool
    edits: list[TimelineEditRead]


class NoteIn(Strict):
    text: RequiredText
    occurred_at: Instant | None = None
    pinned: Flag = False


class EntryEdit(Strict):
    title: Title | None = None
    description: Text | None = None
    occurred_at: Instant | None = None
    pinned: Flag | None = None


class RoleAssign(Strict):
    user_id: Id


class UpdateIn(Strict):
    message: RequiredText
    status: Status | None = None
    next_update_in_minutes: Whole | None = Field(None, ge=1, le=10080)


class UpdateRead(BaseModel):
    id: int
    message: str
    status: Status
    severity: str
    author: Ref | None
    created_at: datetime
    next_update_at: datetime | None


class FollowUpIn(Strict):
    title: Title
    description: Text = ""
    owner_id: Id | None = None
    priority: Word = "medium"
    action_type: Word = Field("corrective", description="corrective, preventive, detective, other")
    due_at: Instant | None = None


class FollowUpPatch(Strict):
    title: Title | None = None
    description: Text | None = None
    owner_id: Id | None = None
    priority: Word | None = None
    due_at: Instant | None = None
    status: Word | None = None
    not_doing_reason: Text | None = None
    action_type: Word | None = None


class FollowUpRead(BaseModel):
    id: int
    incident: str | None
    problem_id: int | None
    action_type: str
    title: str
    description: str
    owner: Ref | None
    priority: str
    due_at: datetime | None
    status: str
    not_doing_reason: str
    created_at: datetime
    completed_at: datetime | None


class ParticipantIn(Strict):
    user_id: Id


class SeverityRead(BaseModel):
    id: int
    name: str
    description: str
    rank: int
    update_minutes: int | None = Field(
        description="Minutes from declaring to the first status update (null: the default)"
    )


class SeverityIn(Strict):
    name: str = Field(min_length=1, max_length=50)
    description: str = Field("", max_length=2000)
    rank: Annotated[Whole, Field(ge=1)]
    update_minutes: Whole | None = Field(None, ge=1, le=10080)


class TypeRead(BaseModel):
    id: int
    name: str
    description: str
    rank: int
    private_by_default: bool


class TypeIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=2000)
    rank: Whole = 0
    private_by_default: Flag = False


class FieldRead(BaseModel):
    id: int
    name: str
    kind: str
    description: str
    options: list[str]
    required_at_declare: bool
    rank: int


class FieldIn(Strict):
    """A custom field's definition; PUT replaces every part of it. The kind changes only
    while no incident holds a value, and options that incidents hold stay (409)."""

    name: str = Field(min_length=1, max_length=100)
    kind: str = Field(description=", ".join(CUSTOM_FIELD_KINDS), max_length=20)
    description: Text = ""
    options: list[Name] = Field([], description="The choices of a select field, in order")
    required_at_declare: Flag = False
    rank: Annotated[Whole, Field(ge=0)] = 0


class RoleTypeRead(BaseModel):
    id: int
    slug: str
    name: str
    instructions: str
    builtin: bool
    rank: int


class RoleTypeIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    instructions: Text = ""
    slug: str | None = Field(
        None, max_length=50, description="Fixed once created; derived from the name if omitted"
    )
    rank: Annotated[Whole, Field(ge=0)] = 100


class RoleTypeUpdate(Strict):
    """A role's name, instructions and rank; its slug never changes."""

    name: str = Field(min_length=1, max_length=100)
    instructions: Text = ""
    rank: Annotated[Whole, Field(ge=0)]
