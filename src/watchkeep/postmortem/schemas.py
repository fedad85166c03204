"""Request and response bodies of the post-incident API."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from watchkeep.core.limits import Flag, Id, Input, Instant, JsonInt, Name, Text, Title
from watchkeep.postmortem import documents
from watchkeep.postmortem.models import (
    PostIncidentFlow,
    PostIncidentTask,
    Postmortem,
    PostmortemTemplate,
    PostmortemVersion,
)


class TaskRead(BaseModel):
    id: int
    kind: str
    title: str
    phase: Literal["documenting", "reviewing"]
    state: Literal["open", "done", "skipped"]
    owner_id: int | None
    owner: str | None
    due_at: datetime | None
    overdue: bool
    reason: str
    finished_at: datetime | None


def task_read(task: PostIncidentTask, now: datetime) -> TaskRead:
    return TaskRead(
        id=task.id,
        kind=task.kind,
        title=task.title,
        phase=task.phase,
        state=task.state,
        owner_id=task.owner_id,
        owner=task.owner.name if task.owner else None,
        due_at=task.due_at,
        overdue=task.state == "open" and task.due_at is not None and task.due_at < now,
        reason=task.reason,
        finished_at=task.finished_at,
    )


class ChecklistRead(BaseModel):
    incident: str
    status: str
    tasks: list[TaskRead]


class SkipIn(Input):
    reason: Text = Field(min_length=1, description="Why the task is not done")


class TaskAssign(Input):
    owner_id: Id | None = None
    due_at: Instant | None = None


class SectionRead(BaseModel):
    key: str
    title: str
    guidance: str
    body: str
    edited: bool = Field(description="People wrote in it since it was last drafted")
    proposal: str | None = Field(description="A redraft waiting to be taken or left")


class PostmortemRead(BaseModel):
    incident: str
    template: str | None
    version: int
    sections: list[SectionRead]
    sources: dict[str, dict[str, Any]] = Field(description="What each citation marker cites")
    updated_at: datetime


def postmortem_read(document: Postmortem, reference: str, template: str | None) -> PostmortemRead:
    return PostmortemRead(
        incident=reference,
        template=template,
        version=document.version,
        sections=[
            SectionRead(
                key=s["key"],
                title=s["title"],
                guidance=s.get("guidance", ""),
                body=s["body"],
                edited=documents.edited(s),
                proposal=s.get("proposal"),
            )
            for s in document.sections
        ],
        sources=document.sources,
        updated_at=document.updated_at,
    )


class PostmortemOpen(Input):
    template: Name | None = Field(None, description="Template name (default: the flow's)")


class SectionIn(Input):
    model_config = ConfigDict(extra="forbid", str_max_length=documents.BODY_MAX)

    body: str = Field(max_length=documents.BODY_MAX, description="Markdown")
    base_version: JsonInt | None = Field(
        None, ge=0, description="The version the text was written from: 409 if it changed since"
    )


class ProposalIn(Input):
    take: Flag = Field(description="true: the redraft replaces the text; false: leave it")


class VersionRead(BaseModel):
    number: int
    note: str
    author: str | None
    created_at: datetime


def version_read(version: PostmortemVersion) -> VersionRead:
    return VersionRead(
        number=version.number,
        note=version.note,
        author=version.author.name if version.author else None,
        created_at=version.created_at,
    )


class SectionSpecIn(Input):
    key: Name
    title: Title
    guidance: Text = ""


class TemplateIn(Input):
    name: Name
    description: Text = ""
    sections: list[SectionSpecIn] = Field(min_length=1, max_length=50)


class TemplateRead(BaseModel):
    id: int
    name: str
    description: str
    sections: list[dict[str, str]]


def template_read(template: PostmortemTemplate) -> TemplateRead:
    return TemplateRead(
        id=template.id,
        name=template.name,
        description=template.description,
        sections=template.sections,
    )


class TaskSpecIn(Input):
    kind: Name
    title: Title
    phase: Literal["documenting", "reviewing"] = "documenting"
    due_days: JsonInt = Field(5, ge=0, le=365)


class FlowIn(Input):
    name: Name
    position: JsonInt = Field(0, ge=0, le=10_000)
    incident_types: list[Name] = Field([], max_length=100, description="Empty: any type")
    severities: list[Name] = Field([], max_length=100, description="Empty: any severity")
    tasks: list[TaskSpecIn] = Field(min_length=1, max_length=50)
    template: Name | None = None


class FlowRead(BaseModel):
    id: int
    name: str
    position: int
    incident_types: list[str]
    severities: list[str]
    tasks: list[dict[str, Any]]
    template: str | None


def flow_read(found: PostIncidentFlow) -> FlowRead:
    return FlowRead(
        id=found.id,
        name=found.name,
        position=found.position,
        incident_types=found.incident_types,
        severities=found.severities,
        tasks=found.tasks,
        template=found.template.name if found.template else None,
    )
