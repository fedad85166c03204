"""API bodies of the catalog domain."""

from pydantic import BaseModel

from watchkeep.catalog.models import Service, Team
from watchkeep.core.limits import Id, Input, Name, Text


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


class ServiceIn(Input):
    name: Name
    description: Text = ""
    owner_team_id: Id | None = None


class ServicePatch(Input):
    name: Name | None = None
    description: Text | None = None
    owner_team_id: Id | None = None


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
    )
