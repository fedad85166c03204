"""JSON routes for teams and services."""

from fastapi import APIRouter, status

from watchkeep.catalog import service as catalog
from watchkeep.catalog.schemas import (
    ServiceIn,
    ServicePatch,
    ServiceRead,
    TeamIn,
    TeamPatch,
    TeamRead,
    service_read,
    team_read,
)
from watchkeep.core.clock import utcnow
from watchkeep.http.deps import Admin, CurrentActor, DbSession

router = APIRouter(tags=["catalog"])


@router.get("/teams")
def list_teams(session: DbSession, _actor: CurrentActor) -> list[TeamRead]:
    return [team_read(t) for t in catalog.list_teams(session)]


@router.post("/teams", status_code=status.HTTP_201_CREATED)
def create_team(body: TeamIn, session: DbSession, actor: Admin) -> TeamRead:
    """Create a team (admins only; audited)."""
    return team_read(catalog.create_team(session, actor=actor, now=utcnow(), **body.model_dump()))


@router.patch("/teams/{team_id:id}")
def update_team(team_id: int, body: TeamPatch, session: DbSession, actor: Admin) -> TeamRead:
    """Change a team (admins only; audited)."""
    changed = catalog.update_team(
        session, actor=actor, now=utcnow(), team_id=team_id, **body.model_dump()
    )
    return team_read(changed)


@router.get("/services")
def list_services(session: DbSession, _actor: CurrentActor) -> list[ServiceRead]:
    return [service_read(s) for s in catalog.list_services(session)]


@router.post("/services", status_code=status.HTTP_201_CREATED)
def create_service(body: ServiceIn, session: DbSession, actor: Admin) -> ServiceRead:
    """Create a service (admins only; audited)."""
    return service_read(
        catalog.create_service(session, actor=actor, now=utcnow(), **body.model_dump())
    )


@router.get("/services/{service_id:id}")
def get_service(service_id: int, session: DbSession, _actor: CurrentActor) -> ServiceRead:
    return service_read(catalog.get_service(session, service_id=service_id))


@router.patch("/services/{service_id:id}")
def update_service(
    service_id: int, body: ServicePatch, session: DbSession, actor: Admin
) -> ServiceRead:
    """Change a service (admins only; audited); ``"owner_team_id": null`` removes its owner
    team, a field left out stays as it is."""
    changed = catalog.update_service(
        session,
        actor=actor,
        now=utcnow(),
        service_id=service_id,
        **body.model_dump(exclude_unset=True),
    )
    return service_read(changed)
