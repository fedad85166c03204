"""JSON routes for similar-incident search."""

from fastapi import APIRouter, Query

from watchkeep.assist import service as assist
from watchkeep.assist.schemas import SimilarRead, similar_read
from watchkeep.http.deps import CurrentActor, DbSession
from watchkeep.incident.access import get_visible

router = APIRouter(tags=["similar incidents"])


@router.get("/incidents/{ref}/similar")
def similar_to(
    ref: str, session: DbSession, actor: CurrentActor, k: int = Query(5, ge=1, le=50)
) -> list[SimilarRead]:
    """Past incidents most like this one (that the caller may see), with the reasons."""
    incident = get_visible(session, ref=ref, actor=actor)
    return similar_read(assist.similar_incidents(session, incident=incident, actor=actor, k=k))


@router.get("/similar")
def search(
    session: DbSession,
    actor: CurrentActor,
    q: str = Query(description="What you see, in your own words (3 characters or more)"),
    k: int = Query(10, ge=1, le=50),
) -> list[SimilarRead]:
    """Incidents most like a free-text description."""
    return similar_read(assist.search_similar(session, text=q, actor=actor, k=k))
