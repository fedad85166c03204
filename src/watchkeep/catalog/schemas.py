"""API bodies of the catalog domain."""

from typing import Literal

from pydantic import BaseModel, Field

from watchkeep.catalog.models import Service, Team
from watchkeep.core.limits import Id, Input, Name, Text

ServiceKind = Literal["internal", "platform", "third_party"]
"""What a service is (``catalog.models.SERVICE_KINDS``): ours, a platform others run on, a
vendor's."""


class TeamRead(BaseModel):
    id: int
    name: str
    description: str
    member_ids: list[int]


class TeamIn(Input):
    name: Name
    description: Text = ""
    member_ids: list[Id] = []


class TeamPatch(Input):
    name: Name | None = None
    description: Text | None = None
    member_ids: list[Id] | None = None


class ServiceRead(BaseModel):
    id: int
    name: str
    description: str
    owner_team_id: int | None
    owner_team: str | None
    kind: str = Field(description="internal, platform or third_party")
    runbook: str = Field(description="The runbook, in Markdown")
    runbook_url: str | None
    depends_on_ids: list[int] = Field(
        description="The services this one depends on, ordered by name"
    )
    depends_on: list[str] = Field(description="Their names, in the same order")


class ServiceIn(Input):
    name: Name
    description: Text = ""
    owner_team_id: Id | None = None
    kind: ServiceKind = "internal"
    runbook: Text = Field("", description="The runbook, in Markdown")
    runbook_url: Text | None = Field(None, description="A link to the runbook (http(s))")
    depends_on_ids: list[Id] = Field([], description="The services this one depends on")


class ServicePatch(Input):
    name: Name | None = None
    description: Text | None = None
    owner_team_id: Id | None = None
    kind: ServiceKind | None = None
    runbook: Text | None = None
    runbook_url: Text | None = None
    depends_on_ids: list[Id] | None = Field(
        None, description="Replaces the services this one depends on"
    )


def team_read(team: Team) -> TeamRead:
    return TeamRead(
        id=team.id,
        name=team.name,
        description=team.description,
        member_ids=[u.id for u in team.members],
    )


def service_read(service: Service) -> ServiceRead:
    return ServiceRead(
        id=service.id,
        name=service.name,
        description=service.description,
        owner_team_id=service.owner_team_id,
        owner_team=service.owner_team.name if service.owner_team else None,
        kind=service.kind,
        runbook=service.runbook,
        runbook_url=service.runbook_url,
        depends_on_ids=[s.id for s in service.depends_on],
        depends_on=[s.name for s in service.depends_on],
    )
