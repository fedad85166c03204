"""Alert sources, routes and silences (JSON)."""

from fastapi import APIRouter, Query, status
from sqlalchemy.orm import Session

from watchkeep.alert import routing, silences, sources
from watchkeep.alert.models import AlertSource
from watchkeep.alert.schemas import (
    RouteIn,
    RoutePatch,
    RouteRead,
    SilenceIn,
    SilenceRead,
    SourceIn,
    SourcePatch,
    SourceRead,
    route_read,
    silence_read,
    source_read,
)
from watchkeep.core.clock import utcnow
from watchkeep.core.settings import Settings
from watchkeep.http.deps import Admin, CurrentActor, DbSession, Responder, SettingsDep

router = APIRouter(tags=["alerts"])


def _read(session: Session, settings: Settings, source: AlertSource) -> SourceRead:
    received = sources.last_received(session).get(source.id)
    return source_read(source, sources.endpoints(settings.base_url, source), received)


@router.get("/alert-sources")
def list_sources(session: DbSession, settings: SettingsDep, _actor: Admin) -> list[SourceRead]:
    """Every alert source with its key and endpoints (admins only: keys are secrets)."""
    received = sources.last_received(session)
    return [
        source_read(s, sources.endpoints(settings.base_url, s), received.get(s.id))
        for s in sources.list_sources(session)
    ]


@router.post("/alert-sources", status_code=status.HTTP_201_CREATED)
def create_source(
    body: SourceIn, session: DbSession, settings: SettingsDep, actor: Admin
) -> SourceRead:
    """Create an alert source with a new integration key (admins only; audited)."""
    source = sources.create(session, actor=actor, now=utcnow(), **body.model_dump())
    return _read(session, settings, source)


@router.get("/alert-sources/{source_id:id}")
def get_source(
    source_id: int, session: DbSession, settings: SettingsDep, _actor: Admin
) -> SourceRead:
    source = sources.get(session, source_id=source_id)
    return _read(session, settings, source)


@router.patch("/alert-sources/{source_id:id}")
def update_source(
    source_id: int, body: SourcePatch, session: DbSession, settings: SettingsDep, actor: Admin
) -> SourceRead:
    """Change a source; fields left out stay, ``"service_id": null`` removes the service."""
    source = sources.update(
        session,
        actor=actor,
        now=utcnow(),
        source_id=source_id,
        **body.model_dump(exclude_unset=True),
    )
    return _read(session, settings, source)


@router.post("/alert-sources/{source_id:id}/rotate-key")
def rotate_key(
    source_id: int, session: DbSession, settings: SettingsDep, actor: Admin
) -> SourceRead:
    """Give the source a new integration key; the old one stops working at once."""
    source = sources.rotate_key(session, actor=actor, now=utcnow(), source_id=source_id)
    return _read(session, settings, source)


@router.get("/alert-routes")
def list_routes(session: DbSession, _actor: CurrentActor) -> list[RouteRead]:
    """The routes in the order they are tried."""
    return [route_read(r) for r in routing.list_routes(session)]


@router.post("/alert-routes", status_code=status.HTTP_201_CREATED)
def create_route(body: RouteIn, session: DbSession, actor: Admin) -> RouteRead:
    """Add a route (admins only; audited)."""
    return route_read(routing.create(session, actor=actor, now=utcnow(), **body.model_dump()))


@router.patch("/alert-routes/{route_id:id}")
def update_route(route_id: int, body: RoutePatch, session: DbSession, actor: Admin) -> RouteRead:
    """Change a route; fields left out stay (admins only; audited)."""
    route = routing.update(
        session,
        actor=actor,
        now=utcnow(),
        route_id=route_id,
        **body.model_dump(exclude_unset=True),
    )
    return route_read(route)


@router.delete("/alert-routes/{route_id:id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_route(route_id: int, session: DbSession, actor: Admin) -> None:
    """Remove a route (admins only; audited)."""
    routing.delete(session, actor=actor, now=utcnow(), route_id=route_id)


@router.get("/silences")
def list_silences(
    session: DbSession,
    _actor: CurrentActor,
    include_expired: bool = Query(False, description="Also silences that have ended"),
) -> list[SilenceRead]:
    return [
        silence_read(s)
        for s in silences.list_silences(session, now=utcnow(), include_expired=include_expired)
    ]


@router.post("/silences", status_code=status.HTTP_201_CREATED)
def create_silence(body: SilenceIn, session: DbSession, actor: Responder) -> SilenceRead:
    """Silence matching alerts until ``ends_at``: they are kept, but page nobody."""
    silence = silences.create(
        session,
        actor=actor,
        now=utcnow(),
        kind=body.kind,
        matchers_text=body.matchers,
        source_ids=body.source_ids,
        comment=body.comment,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
    )
    return silence_read(silence)


@router.post("/silences/{silence_id:id}/expire")
def expire_silence(silence_id: int, session: DbSession, actor: Responder) -> SilenceRead:
    """End a silence now."""
    return silence_read(silences.expire(session, actor=actor, now=utcnow(), silence_id=silence_id))
