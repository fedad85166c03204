"""JSON routes for teams and services."""

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from watchkeep.catalog import service as catalog
from watchkeep.catalog.models import Service, Team
from watchkeep.http.deps import Admin, CurrentActor, DbSession

router = APIRouter(tags=["catalog"])


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


def _team(team: Team) -> TeamRead:
    return TeamRead(
        id=team.id,
        name=team.name,
        description=team.description,
        member_ids=[u.id for u in team.members],
    )


def _service(service: Service) -> ServiceRead:
    return ServiceRead(
        id=service.id,
        name=service.name,
        description=service.description,
        owner_team_id=service.owner_team_id,
        owner_team=service.owner_team.name if service.owner_team else None,
    )


@router.get("/teams")
def list_teams(session: DbSession, _actor: CurrentActor) -> list[TeamRead]:
    return [_team(t) for t in catalog.list_teams(session)]


@router.post("/teams", status_code=status.HTTP_201_CREATED)
def create_team(body: TeamIn, session: DbSession, _actor: Admin) -> TeamRead:
    return _team(catalog.create_team(session, **body.model_dump()))


@router.patch("/teams/{team_id}")
def update_team(team_id: int, body: TeamPatch, session: DbSession, _actor: Admin) -> TeamRead:
    return _team(catalog.update_team(session, team_id=team_id, **body.model_dump()))


@router.get("/services")
def list_services(session: DbSession, _actor: CurrentActor) -> list[ServiceRead]:
    return [_service(s) for s in catalog.list_services(session)]


@router.post("/services", status_code=status.HTTP_201_CREATED)
def create_service(body: ServiceIn, session: DbSession, _actor: Admin) -> ServiceRead:
    return _service(catalog.create_service(session, **body.model_dump()))


@router.get("/services/{service_id}")
def get_service(service_id: int, session: DbSession, _actor: CurrentActor) -> ServiceRead:
    return _service(catalog.get_service(session, service_id=service_id))


@router.patch("/services/{service_id}")
def update_service(
    service_id: int, body: ServicePatch, session: DbSession, _actor: Admin
) -> ServiceRead:
    return _service(catalog.update_service(session, service_id=service_id, **body.model_dump()))
