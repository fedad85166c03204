"""API bodies of the catalog domain."""

from pydantic import BaseModel, Field

from watchkeep.catalog.models import Service, Team


class TeamRead(BaseModel):
    id: int
    name: str
    description: str
    member_ids: list[int]


class TeamIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    member_ids: list[int] = []


class TeamPatch(BaseModel):
    name: str | None = None
    description: str | None = None
    member_ids: list[int] | None = None


class ServiceRead(BaseModel):
    id: int
    name: str
    description: str
    owner_team_id: int | None
    owner_team: str | None


class ServiceIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    owner_team_id: int | None = None


class ServicePatch(BaseModel):
    name: str | None = None
    description: str | None = None
    owner_team_id: int | None = None


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
