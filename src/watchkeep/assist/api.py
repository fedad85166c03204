"""JSON routes for similar-incident search.

Until the index has first been built (seconds after a start) the answer is an empty list,
as for a history with nothing alike: a client asks again later.
"""

from fastapi import APIRouter, Query

from watchkeep.assist import service as assist
from watchkeep.assist.deps import SimilarityDep
from watchkeep.assist.index import IndexNotReady
from watchkeep.assist.schemas import SimilarRead, similar_read
from watchkeep.http.deps import CurrentActor, DbSession
from watchkeep.incident.access import get_visible

router = APIRouter(tags=["similar incidents"])


@router.get("/incidents/{ref}/similar")
def similar_to(
    ref: str,
    session: DbSession,
    actor: CurrentActor,
    index: SimilarityDep,
    k: int = Query(5, ge=1, le=50),
) -> list[SimilarRead]:
    """Past incidents most like this one (that the caller may see), with the reasons."""
    incident = get_visible(session, ref=ref, actor=actor)
    try:
        found = assist.similar_incidents(session, index=index, incident=incident, actor=actor, k=k)
    except IndexNotReady:
        return []
    return similar_read(found)


@router.get("/similar")
def search(
    session: DbSession,
    actor: CurrentActor,
    index: SimilarityDep,
    q: str = Query(description="What you see, in your own words (3 characters or more)"),
    k: int = Query(10, ge=1, le=50),
) -> list[SimilarRead]:
    """Incidents most like a free-text description."""
    try:
        found = assist.search_similar(session, index=index, text=q, actor=actor, k=k)
    except IndexNotReady:
        return []
    return similar_read(found)
